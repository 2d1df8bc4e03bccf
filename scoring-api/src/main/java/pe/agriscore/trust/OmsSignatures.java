package pe.agriscore.trust;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import pe.agriscore.internal.Json;

/**
 * Writes OMS v1.0 signature files (key method): the in-toto statement over a bundle's files and
 * the Sigstore bundle JSON around its DSSE envelope. {@code pe.agriscore.authoring.BundleSigner}
 * is the tool that signs a bundle directory; this is the format underneath it, for tools that
 * sign elsewhere (see {@code docs/bundle-format.md#signatures}).
 */
public final class OmsSignatures {

  private OmsSignatures() {}

  /**
   * The statement AgriScore signs, as canonical JSON (RFC 8785: keys sorted, no whitespace).
   *
   * @param subjectName the bundle directory's name (informational)
   * @param digests SHA-256 by bundle path of every file in the signing scope
   * @param role the role the signer claims ({@code subject[0].annotations["agriscore.role"]}), or
   *     {@code null}
   * @param signedAt the signing time claimed ({@code agriscore.signedAt}), or {@code null}
   */
  public static byte[] statement(String subjectName, Map<String, String> digests, String role,
      Instant signedAt) {
    List<String> names = new ArrayList<>(digests.keySet());
    names.sort(Oms.CODE_POINT_ORDER);
    List<Map<String, Object>> resources = new ArrayList<>();
    for (String name : names) {
      Map<String, Object> r = new TreeMap<>();
      r.put("algorithm", "sha256");
      r.put("digest", digests.get(name));
      r.put("name", name);
      resources.add(r);
    }
    Map<String, Object> serialization = new TreeMap<>();
    serialization.put("allow_symlinks", false);
    serialization.put("hash_type", "sha256");
    serialization.put("ignore_paths", Oms.IGNORE_PATHS.stream().sorted(Oms.CODE_POINT_ORDER).toList());
    serialization.put("method", "files");
    Map<String, Object> predicate = new TreeMap<>();
    predicate.put("resources", resources);
    predicate.put("serialization", serialization);
    Map<String, Object> subject = new TreeMap<>();
    subject.put("name", subjectName);
    subject.put("digest", Map.of("sha256", Oms.rootDigest(names.stream().map(digests::get).toList())));
    Map<String, Object> annotations = new TreeMap<>();
    if (role != null) {
      annotations.put(Oms.ROLE, role);
    }
    if (signedAt != null) {
      annotations.put(Oms.SIGNED_AT, signedAt.toString());
    }
    if (!annotations.isEmpty()) {
      subject.put("annotations", annotations);
    }
    Map<String, Object> statement = new TreeMap<>();
    statement.put("_type", Oms.STATEMENT_TYPE);
    statement.put("predicate", predicate);
    statement.put("predicateType", Oms.PREDICATE_TYPE);
    statement.put("subject", List.of(subject));
    try {
      return Json.writeCompact(statement);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("maps of strings always serialize", e);
    }
  }

  /** The signature file: a Sigstore bundle JSON, laid out as the OpenSSF tool writes it. */
  private static byte[] bundle(String keyHint, byte[] payload, byte[] signature) {
    Map<String, Object> publicKey = new LinkedHashMap<>();
    publicKey.put("hint", keyHint);
    Map<String, Object> material = new LinkedHashMap<>();
    material.put("publicKey", publicKey);
    material.put("tlogEntries", List.of());
    Map<String, Object> sig = new LinkedHashMap<>();
    sig.put("sig", Base64.getEncoder().encodeToString(signature));
    sig.put("keyid", "");
    Map<String, Object> envelope = new LinkedHashMap<>();
    envelope.put("payload", Base64.getEncoder().encodeToString(payload));
    envelope.put("payloadType", Oms.PAYLOAD_TYPE);
    envelope.put("signatures", List.of(sig));
    Map<String, Object> bundle = new LinkedHashMap<>();
    bundle.put("mediaType", Oms.MEDIA_TYPE);
    bundle.put("verificationMaterial", material);
    bundle.put("dsseEnvelope", envelope);
    try {
      return (Json.write(bundle) + "\n").getBytes(StandardCharsets.UTF_8);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("maps of strings always serialize", e);
    }
  }

  /**
   * The signature file over {@code statement}: ECDSA over its DSSE pre-authentication encoding
   * with the hash of the key's curve, by whatever provider holds {@code privateKey} (a PEM key,
   * a PKCS#12 entry, a PKCS#11 token key).
   *
   * @param publicKey the key pair's public key, whose id becomes the key hint
   * @throws IllegalArgumentException if the key cannot sign ECDSA
   */
  public static byte[] sign(PrivateKey privateKey, PublicKey publicKey, byte[] statement) {
    String algorithm = Curves.signatureAlgorithm(publicKey);
    byte[] sig;
    try {
      Signature s = Signature.getInstance(algorithm);
      s.initSign(privateKey);
      s.update(Oms.pae(statement));
      sig = s.sign();
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("the private key cannot sign with " + algorithm + ": "
          + e.getMessage(), e);
    }
    return bundle(Pem.keyId(publicKey), statement, sig);
  }

  /**
   * Reads what a signature file claims, verifying nothing (the CLI's {@code inspect}).
   *
   * @throws TrustException if the file is not a well-formed OMS signature
   */
  public static SignatureClaims claims(String file, byte[] signatureFile) {
    Oms.Envelope e = Oms.read(file, signatureFile);
    Oms.Statement st = Oms.readStatement(file, e.payload());
    String keyId = e.keyHint() != null ? e.keyHint()
        : Pem.keyId(Pem.readPublicKey(new String(e.rawKeyPem(), StandardCharsets.US_ASCII)));
    return new SignatureClaims(file, keyId, st.subjectName(), st.role(), st.signedAt(),
        st.resources().size());
  }
}
