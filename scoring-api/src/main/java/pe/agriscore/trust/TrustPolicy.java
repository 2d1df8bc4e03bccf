package pe.agriscore.trust;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which signatures a bundle needs before AgriScore scores with it. A bank's risk office chooses
 * the policy and the {@link TrustStore}; production uses {@link #fourEyes}.
 *
 * <pre>{@code
 * TrustPolicy policy = TrustPolicy.fourEyes(store);           // a trainer and a different approver
 * try (CreditScorer scorer = CreditScorer.builder(Path.of("models/farmer-mlp-tf"))
 *     .trust(policy).build()) {
 *   scorer.model().trust().signatures().forEach(s -> log.info("{} signed as {} at {}",
 *       s.owner(), s.role(), s.signedAt()));
 * }
 * }</pre>
 *
 * <p>Under a verifying policy ({@link #anyTrustedKey}, {@link #fourEyes}) <em>every</em>
 * signature file in the bundle must verify: signed by a key of the store that is neither revoked
 * nor outside its validity, an ECDSA value that verifies over the DSSE encoding, and a statement
 * that lists exactly the bundle's files with their SHA-256. A refusal is a {@link
 * TrustException} naming the rule. Validity is judged at opening time by the policy's clock:
 * the signing time in a signature is the signer's claim, not a trusted timestamp.
 *
 * <p>Immutable and thread-safe.
 */
public final class TrustPolicy {

  /** {@link #unsignedAllowed()}'s name. */
  public static final String UNSIGNED_ALLOWED = "unsigned-allowed";
  /** {@link #anyTrustedKey}'s name. */
  public static final String ANY_TRUSTED_KEY = "any-trusted-key";
  /** {@link #fourEyes}'s name. */
  public static final String FOUR_EYES = "four-eyes";

  /** The role of whoever trained and exported the model. */
  public static final String TRAINER = "trainer";
  /** The role of the model-risk function that approved it. */
  public static final String APPROVER = "approver";

  private static final String SIGNATURES = SignatureFiles.DIRECTORY + "/";

  private static final TrustPolicy DEVELOPMENT =
      new TrustPolicy(UNSIGNED_ALLOWED, TrustStore.empty(), null, null, Clock.systemUTC());

  private final String name;
  private final TrustStore store;
  private final String firstRole;
  private final String secondRole;
  private final Clock clock;

  private TrustPolicy(String name, TrustStore store, String firstRole, String secondRole,
      Clock clock) {
    this.name = name;
    this.store = Objects.requireNonNull(store, "store");
    this.firstRole = firstRole;
    this.secondRole = secondRole;
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * Development: signatures are neither required nor checked. The default, so that bundles of
   * format v1 without signatures still open; never for production.
   */
  public static TrustPolicy unsignedAllowed() {
    return DEVELOPMENT;
  }

  /** At least one signature, and every signature verifies with a key of {@code store}. */
  public static TrustPolicy anyTrustedKey(TrustStore store) {
    return new TrustPolicy(ANY_TRUSTED_KEY, store, null, null, Clock.systemUTC());
  }

  /**
   * Four eyes: every signature verifies with a key of {@code store}, one fills the role {@value
   * #TRAINER} and another the role {@value #APPROVER}, by two different keys of two different
   * owners.
   */
  public static TrustPolicy fourEyes(TrustStore store) {
    return fourEyes(store, TRAINER, APPROVER);
  }

  /** Four eyes with roles of the bank's own naming. */
  public static TrustPolicy fourEyes(TrustStore store, String firstRole, String secondRole) {
    if (Objects.requireNonNull(firstRole, "firstRole").equals(secondRole)) {
      throw new IllegalArgumentException("four eyes needs two different roles");
    }
    return new TrustPolicy(FOUR_EYES, store, firstRole, Objects.requireNonNull(secondRole),
        Clock.systemUTC());
  }

  /** The same policy judging key validity by {@code value} (tests, replays). */
  public TrustPolicy withClock(Clock value) {
    return new TrustPolicy(name, store, firstRole, secondRole, value);
  }

  /** {@value #UNSIGNED_ALLOWED}, {@value #ANY_TRUSTED_KEY} or {@value #FOUR_EYES}. */
  public String name() {
    return name;
  }

  /** The trust store (empty for {@link #unsignedAllowed()}). */
  public TrustStore store() {
    return store;
  }

  /**
   * Judges a bundle whose checksums verified; {@code ModelBundle} calls this while opening.
   *
   * @return what was verified
   * @throws TrustException naming the file at fault and the rule
   * @throws pe.agriscore.scoring.BundleException if a signature file cannot be read
   */
  public TrustReport verify(BundleContent content) {
    if (name.equals(UNSIGNED_ALLOWED)) {
      return TrustReport.unverified();
    }
    if (content.signatureFiles().isEmpty()) {
      throw new TrustException(SIGNATURES, TrustRule.UNSIGNED, "the bundle has no signature"
          + " (neither model.sig nor signatures/*.sig) and the trust policy '" + name
          + "' requires one");
    }
    Instant now = clock.instant();
    List<Checked> checked = new ArrayList<>();
    for (String file : content.signatureFiles()) {
      checked.add(check(content, file, now));
    }
    List<VerifiedSignature> report = new ArrayList<>();
    if (name.equals(FOUR_EYES)) {
      Checked[] pair = fourEyesPair(checked);
      for (Checked c : checked) {
        String role = c == pair[0] ? firstRole : c == pair[1] ? secondRole : c.statement.role();
        report.add(c.report(role));
      }
    } else {
      for (Checked c : checked) {
        String role = c.statement.role() != null ? c.statement.role()
            : c.key.roles().size() == 1 ? c.key.roles().iterator().next() : null;
        report.add(c.report(role));
      }
    }
    report.sort(Comparator.comparing(VerifiedSignature::file));
    return new TrustReport(name, report);
  }

  /**
   * Verifies one signature file of {@code content} as opening would, ignoring the other
   * signatures and the policy's role rules: a signer's check of what it wrote.
   *
   * @throws TrustException naming the file and the rule
   */
  public VerifiedSignature verifySignature(BundleContent content, String file) {
    Checked c = check(content, file, clock.instant());
    return c.report(c.statement.role());
  }

  private record Checked(String file, TrustedKey key, Oms.Statement statement) {
    VerifiedSignature report(String role) {
      return new VerifiedSignature(file, key.keyId(), key.owner(), key.roles(), role,
          statement.signedAt());
    }

    Set<String> canFill(String first, String second) {
      if (statement.role() != null) {
        return Set.of(statement.role());
      }
      Set<String> roles = new TreeSet<>(key.roles());
      roles.retainAll(Set.of(first, second));
      return roles;
    }
  }

  private Checked check(BundleContent content, String file, Instant now) {
    byte[] bytes = readSignature(content, file);
    Oms.Envelope envelope = Oms.read(file, bytes);
    String keyId = envelope.keyHint() != null ? envelope.keyHint() : rawKeyId(file, envelope);
    if (store.isRevoked(keyId)) {
      throw new TrustException(file, TrustRule.REVOKED_KEY, "signed by key " + keyId
          + owner(keyId) + ", which the trust store revoked");
    }
    TrustedKey key = store.key(keyId).orElseThrow(() -> new TrustException(file,
        TrustRule.UNKNOWN_KEY, "signed by key " + keyId + ", which is not in the trust store"));
    if (key.notBefore() != null && now.isBefore(key.notBefore())) {
      throw new TrustException(file, TrustRule.NOT_YET_VALID_KEY, "signed by key " + keyId
          + owner(keyId) + ", which is valid only from " + key.notBefore() + " (now " + now + ")");
    }
    if (key.notAfter() != null && !now.isBefore(key.notAfter())) {
      throw new TrustException(file, TrustRule.EXPIRED_KEY, "signed by key " + keyId
          + owner(keyId) + ", which expired at " + key.notAfter() + " (now " + now + ")");
    }
    if (!verifies(key.publicKey(), envelope)) {
      throw new TrustException(file, TrustRule.BAD_SIGNATURE, "the signature does not verify"
          + " with key " + keyId + owner(keyId) + ": the signed statement or the signature was"
          + " altered, or another key signed it");
    }
    Oms.Statement statement = Oms.readStatement(file, envelope.payload());
    checkContent(file, statement.resources(), content.digests());
    if (statement.role() != null && !key.roles().contains(statement.role())) {
      throw new TrustException(file, TrustRule.ROLE_NOT_HELD, "signed as '"
          + statement.role() + "' by key " + keyId + owner(keyId) + ", which the trust store"
          + " trusts only as " + key.roles());
    }
    return new Checked(file, key, statement);
  }

  private static String rawKeyId(String file, Oms.Envelope envelope) {
    try {
      return Pem.keyId(Pem.readPublicKey(new String(envelope.rawKeyPem(),
          StandardCharsets.US_ASCII)));
    } catch (IllegalArgumentException e) {
      throw new TrustException(file, TrustRule.MALFORMED_SIGNATURE,
          "verificationMaterial.publicKey.rawBytes is not a PEM public key: " + e.getMessage(), e);
    }
  }

  private String owner(String keyId) {
    return store.key(keyId).map(k -> " (" + k.owner() + ")").orElse("");
  }

  private static byte[] readSignature(BundleContent content, String file) {
    long max = Math.min(content.maxSignatureBytes(), Integer.MAX_VALUE - 16);
    try (InputStream in = Files.newInputStream(content.root().resolve(file))) {
      byte[] bytes = in.readNBytes((int) max + 1);
      if (bytes.length > max) {
        throw new TrustException(file, TrustRule.MALFORMED_SIGNATURE, "is larger than the limit"
            + " of " + max + " bytes for a signature file (BundleLimits.maxJsonFileBytes)");
      }
      return bytes;
    } catch (IOException e) {
      throw new TrustException(file, TrustRule.MALFORMED_SIGNATURE, "cannot read: "
          + e.getMessage(), e);
    }
  }

  private static boolean verifies(PublicKey key, Oms.Envelope envelope) {
    try {
      Signature s = Signature.getInstance(Curves.signatureAlgorithm(key));
      s.initVerify(key);
      s.update(Oms.pae(envelope.payload()));
      return s.verify(envelope.signature());
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      // A signature value that is not DER, or not on the curve, verifies nothing.
      return false;
    }
  }

  /** The statement must list exactly the bundle's files, each with its current SHA-256. */
  private static void checkContent(String sig, Map<String, String> signed,
      Map<String, String> actual) {
    for (String name : signed.keySet()) {
      if (!actual.containsKey(name)) {
        throw new TrustException(Oms.display(name), TrustRule.FILE_MISSING, "listed in the"
            + " statement signed by " + sig + " but missing from the bundle (removed after"
            + " signing, or the signature is for another bundle)");
      }
    }
    for (String name : actual.keySet()) {
      if (!signed.containsKey(name)) {
        throw new TrustException(name, TrustRule.FILE_ADDED, "in the bundle but not in the"
            + " statement signed by " + sig + " (added after signing)");
      }
    }
    List<String> changed = new ArrayList<>();
    for (Map.Entry<String, String> e : actual.entrySet()) {
      if (!e.getValue().equals(signed.get(e.getKey()))) {
        changed.add(e.getKey());
      }
    }
    if (!changed.isEmpty()) {
      // manifest.json changes with any re-sealed file: name the file that caused it first.
      changed.sort(Comparator.comparing((String n) -> n.equals("manifest.json"))
          .thenComparing(Comparator.naturalOrder()));
      String first = changed.get(0);
      throw new TrustException(first, TrustRule.FILE_CHANGED, "changed after signing: "
          + sig + " signed SHA-256 " + signed.get(first) + ", the file has " + actual.get(first)
          + (changed.size() > 1 ? " (also changed: " + String.join(", ",
              changed.subList(1, changed.size())) + ")" : ""));
    }
  }

  private Checked[] fourEyesPair(List<Checked> checked) {
    List<Checked> first = new ArrayList<>();
    List<Checked> second = new ArrayList<>();
    for (Checked c : checked) {
      Set<String> roles = c.canFill(firstRole, secondRole);
      if (roles.contains(firstRole)) {
        first.add(c);
      }
      if (roles.contains(secondRole)) {
        second.add(c);
      }
    }
    for (String[] need : new String[][] {{firstRole, first.isEmpty() ? "" : null},
        {secondRole, second.isEmpty() ? "" : null}}) {
      if (need[1] != null) {
        throw new TrustException(SIGNATURES, TrustRule.ROLE_MISSING, "the trust policy '"
            + FOUR_EYES + "' needs a signature by a trusted key in the role '" + need[0]
            + "', and none of " + checked.size() + " verified signature(s) fills it");
      }
    }
    Checked sameOwner = null;
    for (Checked a : first) {
      for (Checked b : second) {
        if (!a.key.keyId().equals(b.key.keyId())) {
          if (!a.key.owner().equals(b.key.owner())) {
            return new Checked[] {a, b};
          }
          sameOwner = a;
        }
      }
    }
    if (sameOwner != null) {
      throw new TrustException(SIGNATURES, TrustRule.SAME_SIGNER_TWO_ROLES, "the roles '"
          + firstRole + "' and '" + secondRole + "' are filled only by keys of one owner ('"
          + sameOwner.key.owner() + "'): four eyes needs two different people");
    }
    Checked only = first.get(0);
    throw new TrustException(SIGNATURES, TrustRule.SAME_SIGNER_TWO_ROLES, "the roles '"
        + firstRole + "' and '" + secondRole + "' are filled only by key " + only.key.keyId()
        + " (" + only.key.owner() + "): one key may not serve in two roles; a different key"
        + " of a different owner must sign the other");
  }
}
