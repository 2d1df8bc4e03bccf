package pe.agriscore.authoring;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import pe.agriscore.internal.bundle.Checksums;
import pe.agriscore.internal.bundle.ModelBundle;
import pe.agriscore.scoring.BundleException;
import pe.agriscore.scoring.BundleLimits;
import pe.agriscore.trust.BundleContent;
import pe.agriscore.trust.OmsSignatures;
import pe.agriscore.trust.Pem;
import pe.agriscore.trust.SignatureFiles;
import pe.agriscore.trust.TrustPolicy;
import pe.agriscore.trust.TrustReport;
import pe.agriscore.trust.TrustStore;
import pe.agriscore.trust.TrustedKey;

/**
 * Signs a bundle directory with an OMS v1.0 signature (key method, ECDSA on P-256, P-384 or
 * P-521), written to {@code signatures/<key id>.sig}. The private key may be a PEM key ({@link
 * Pem#readPrivateKey}), a PKCS#12 keystore entry or a PKCS#11 token key: whatever provider holds
 * it signs.
 *
 * <pre>{@code
 * BundleSigner.of(privateKey, publicKey).role("approver").sign(Path.of("farmer-mlp-tf"));
 * }</pre>
 *
 * <p>Signing first opens the bundle (so only a bundle whose checksums and files verify is
 * signed), signs {@code manifest.json} and every other file, then verifies the new signature
 * as {@link TrustPolicy#anyTrustedKey} would. Re-sealing the bundle afterwards (a changed
 * manifest) invalidates its signatures. Immutable; {@link #sign} may run from several threads on
 * different bundles.
 */
public final class BundleSigner {

  private final PrivateKey privateKey;
  private final PublicKey publicKey;
  private final String role;
  private final Clock clock;

  private BundleSigner(PrivateKey privateKey, PublicKey publicKey, String role, Clock clock) {
    this.privateKey = Objects.requireNonNull(privateKey, "privateKey");
    this.publicKey = Objects.requireNonNull(publicKey, "publicKey");
    this.role = role;
    this.clock = Objects.requireNonNull(clock, "clock");
    // Refuses a key OMS cannot sign with (not EC, or not P-256/384/521) before any bundle is read.
    Pem.readPublicKey(Pem.publicKey(publicKey));
  }

  /** A signer with this key pair, claiming no role, stamping the system clock's time. */
  public static BundleSigner of(PrivateKey privateKey, PublicKey publicKey) {
    return new BundleSigner(privateKey, publicKey, null, Clock.systemUTC());
  }

  /** The same signer claiming {@code value} (e.g. {@code approver}) in the signed statement. */
  public BundleSigner role(String value) {
    if (value != null && value.isBlank()) {
      throw new IllegalArgumentException("a role is not blank");
    }
    return new BundleSigner(privateKey, publicKey, value, clock);
  }

  /** The same signer stamping signing times from {@code value}. */
  public BundleSigner clock(Clock value) {
    return new BundleSigner(privateKey, publicKey, role, value);
  }

  /** The signing key's OMS key id. */
  public String keyId() {
    return Pem.keyId(publicKey);
  }

  /**
   * Signs the bundle directory into {@code signatures/<key id>.sig}, replacing an earlier
   * signature by the same key.
   *
   * @return the signature file written
   * @throws BundleException if the bundle does not verify or the key pair does not sign
   * @throws IOException if the file cannot be written
   */
  public Path sign(Path bundleDir) throws IOException {
    return sign(bundleDir, SignatureFiles.forKey(keyId()));
  }

  /**
   * Signs into {@code signatureFile}: {@code model.sig} or {@code signatures/<name>.sig}.
   *
   * @see #sign(Path)
   */
  public Path sign(Path bundleDir, String signatureFile) throws IOException {
    if (!SignatureFiles.isSignature(signatureFile)) {
      throw new IllegalArgumentException("'" + signatureFile + "' is not a signature path:"
          + " model.sig or signatures/<name>.sig");
    }
    if (!Files.isDirectory(bundleDir)) {
      throw new IllegalArgumentException(bundleDir + " is not a bundle directory (sign the"
          + " directory, then zip it)");
    }
    Path root = bundleDir.toRealPath();
    Map<String, String> digests = new TreeMap<>();
    digests.putAll(ModelBundle.verify(root, BundleLimits.defaults(),
        TrustPolicy.unsignedAllowed()).manifest().files());
    digests.put(ModelBundle.MANIFEST,
        Checksums.sha256(Files.readAllBytes(root.resolve(ModelBundle.MANIFEST))));
    String name = root.getFileName() == null ? "model" : root.getFileName().toString();
    byte[] statement = OmsSignatures.statement(name, digests, role,
        clock.instant().truncatedTo(ChronoUnit.SECONDS));
    Path target = root.resolve(signatureFile);
    Files.createDirectories(target.getParent());
    Files.write(target, OmsSignatures.sign(privateKey, publicKey, statement));
    TrustStore self = TrustStore.builder().add(TrustedKey.of(publicKey, "signer",
        role == null ? "signer" : role)).build();
    try {
      TrustPolicy.anyTrustedKey(self).withClock(clock).verifySignature(new BundleContent(root,
          digests, java.util.List.of(signatureFile),
          BundleLimits.defaults().maxJsonFileBytes()), signatureFile);
    } catch (BundleException e) {
      Files.deleteIfExists(target);
      throw e;
    }
    return target;
  }

  /**
   * Verifies a bundle's checksums and signatures under {@code policy} without loading its model
   * (no engine needed): what {@code agriscore bundle verify} runs.
   *
   * @return what the policy verified
   * @throws pe.agriscore.trust.TrustException naming the file and the rule
   * @throws BundleException naming the file at fault
   */
  public static TrustReport verify(Path bundle, TrustPolicy policy) {
    return ModelBundle.verify(bundle, BundleLimits.defaults(), policy).trust();
  }
}
