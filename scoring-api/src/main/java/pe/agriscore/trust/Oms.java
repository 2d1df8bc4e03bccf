package pe.agriscore.trust;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import pe.agriscore.internal.Json;

/**
 * The OpenSSF Model Signing (OMS) v1.0 signature file, key method: a Sigstore bundle (v0.3 JSON)
 * holding a DSSE envelope over an in-toto v1 statement with the OMS predicate. See {@code
 * docs/bundle-format.md#signatures}.
 */
final class Oms {

  static final String MEDIA_TYPE = "application/vnd.dev.sigstore.bundle.v0.3+json";
  static final String PAYLOAD_TYPE = "application/vnd.in-toto+json";
  static final String STATEMENT_TYPE = "https://in-toto.io/Statement/v1";
  static final String PREDICATE_TYPE = "https://model_signing/signature/v1.0";
  static final String ROLE = "agriscore.role";
  static final String SIGNED_AT = "agriscore.signedAt";
  /**
   * The paths every OMS signer leaves out (the tool's git paths), the signature files and the
   * wrapped data keys of an encrypted bundle (re-wrapped without re-signing).
   */
  static final List<String> IGNORE_PATHS = List.of(".git", ".gitattributes", ".github",
      ".gitignore", SignatureFiles.MODEL_SIG, SignatureFiles.DIRECTORY, BundleCrypto.KEYS_DIR);

  /** Resource names in Unicode code point order, as OMS sorts them. */
  static final Comparator<String> CODE_POINT_ORDER = (a, b) -> {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      int ca = a.codePointAt(i);
      int cb = b.codePointAt(j);
      if (ca != cb) {
        return Integer.compare(ca, cb);
      }
      i += Character.charCount(ca);
      j += Character.charCount(cb);
    }
    return Integer.compare(a.length() - i, b.length() - j);
  };

  private Oms() {}

  /** A parsed signature file: what its signature covers and the key it names. */
  record Envelope(String keyHint, byte[] rawKeyPem, byte[] payload, byte[] signature) {}

  /** A verified statement's content. */
  record Statement(String subjectName, Map<String, String> resources, String role,
      Instant signedAt) {}

  /** DSSE v1 pre-authentication encoding of an in-toto payload. */
  static byte[] pae(byte[] payload) {
    byte[] head = ("DSSEv1 " + PAYLOAD_TYPE.length() + " " + PAYLOAD_TYPE + " " + payload.length
        + " ").getBytes(StandardCharsets.US_ASCII);
    byte[] out = new byte[head.length + payload.length];
    System.arraycopy(head, 0, out, 0, head.length);
    System.arraycopy(payload, 0, out, head.length, payload.length);
    return out;
  }

  /** The OMS root digest: SHA-256 over the concatenated raw resource digests, in order. */
  static String rootDigest(List<String> hexDigests) {
    MessageDigest md;
    try {
      md = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
    for (String hex : hexDigests) {
      md.update(HexFormat.of().parseHex(hex));
    }
    return HexFormat.of().formatHex(md.digest());
  }

  /**
   * Reads a signature file strictly: every field OMS needs present with its JSON type, the
   * media and payload types exact, exactly one signature, base64 that decodes.
   *
   * @throws TrustException naming {@code file} under {@link TrustRule#MALFORMED_SIGNATURE}
   */
  static Envelope read(String file, byte[] bytes) {
    Fields f = new Fields(file);
    JsonNode root = f.parse(bytes, "the signature file");
    f.object(root, "the signature file");
    f.exact(f.text(root, "mediaType"), "mediaType", MEDIA_TYPE);
    JsonNode material = f.object(f.required(root, "verificationMaterial"),
        "verificationMaterial");
    for (String other : List.of("certificate", "x509CertificateChain")) {
      if (material.has(other)) {
        throw f.fail("verificationMaterial." + other + ": only the key method (a bare public"
            + " key, 'publicKey') is supported, not the certificate or Sigstore methods");
      }
    }
    JsonNode publicKey = f.object(f.required(material, "publicKey"),
        "verificationMaterial.publicKey");
    String hint = null;
    byte[] rawKey = null;
    if (publicKey.has("hint") && !publicKey.get("hint").isNull()) {
      hint = f.text(publicKey, "hint");
      if (!hint.matches("[0-9a-f]{64}")) {
        throw f.fail("verificationMaterial.publicKey.hint must be a key id (64 lower-case hex"
            + " digits, the SHA-256 of the public key's PEM text)");
      }
    } else if (publicKey.has("rawBytes")) {
      rawKey = f.base64(f.text(publicKey, "rawBytes"), "verificationMaterial.publicKey.rawBytes");
    } else {
      throw f.fail("verificationMaterial.publicKey needs a 'hint' (the key id)");
    }
    JsonNode envelope = f.object(f.required(root, "dsseEnvelope"), "dsseEnvelope");
    f.exact(f.text(envelope, "payloadType"), "dsseEnvelope.payloadType", PAYLOAD_TYPE);
    byte[] payload = f.base64(f.text(envelope, "payload"), "dsseEnvelope.payload");
    JsonNode signatures = f.required(envelope, "signatures");
    if (!signatures.isArray() || signatures.size() != 1) {
      throw f.fail("dsseEnvelope.signatures must be an array of exactly one signature (one key"
          + " per signature file)");
    }
    JsonNode sig = f.object(signatures.get(0), "dsseEnvelope.signatures[0]");
    byte[] signature = f.base64(f.text(sig, "sig"), "dsseEnvelope.signatures[0].sig");
    JsonNode keyid = sig.get("keyid");
    if (keyid != null && !keyid.isNull() && !keyid.isTextual()) {
      throw f.fail("dsseEnvelope.signatures[0].keyid must be a string when present");
    }
    return new Envelope(hint, rawKey, payload, signature);
  }

  /**
   * Reads a statement whose signature verified: the OMS types, one subject whose root digest
   * matches the resources, {@code files} serialization with SHA-256.
   *
   * @throws TrustException naming {@code file} under {@link TrustRule#MALFORMED_SIGNATURE}
   */
  static Statement readStatement(String file, byte[] payload) {
    Fields f = new Fields(file);
    JsonNode root = f.object(f.parse(payload, "the signed statement"), "the signed statement");
    f.exact(f.text(root, "_type"), "_type", STATEMENT_TYPE);
    f.exact(f.text(root, "predicateType"), "predicateType", PREDICATE_TYPE);
    JsonNode subjects = f.required(root, "subject");
    if (!subjects.isArray() || subjects.size() != 1) {
      throw f.fail("statement 'subject' must be an array of exactly one subject (the model)");
    }
    JsonNode subject = f.object(subjects.get(0), "subject[0]");
    String name = f.text(subject, "name");
    String root256 = f.text(f.object(f.required(subject, "digest"), "subject[0].digest"),
        "sha256");
    String role = null;
    Instant signedAt = null;
    JsonNode annotations = subject.get("annotations");
    if (annotations != null) {
      f.object(annotations, "subject[0].annotations");
      if (annotations.has(ROLE)) {
        role = f.text(annotations, ROLE);
      }
      if (annotations.has(SIGNED_AT)) {
        String at = f.text(annotations, SIGNED_AT);
        try {
          signedAt = Instant.parse(at);
        } catch (DateTimeParseException e) {
          throw f.fail("subject[0].annotations." + SIGNED_AT + " is not an ISO-8601 instant");
        }
      }
    }
    JsonNode predicate = f.object(f.required(root, "predicate"), "predicate");
    JsonNode serialization = f.object(f.required(predicate, "serialization"),
        "predicate.serialization");
    String method = f.text(serialization, "method");
    if (!method.equals("files")) {
      throw f.fail("predicate.serialization.method '" + Oms.display(method)
          + "' is not supported: AgriScore verifies the 'files' method (one digest per file)");
    }
    f.exact(f.text(serialization, "hash_type"), "predicate.serialization.hash_type", "sha256");
    if (!f.required(serialization, "allow_symlinks").isBoolean()) {
      throw f.fail("predicate.serialization.allow_symlinks must be true or false");
    }
    JsonNode ignore = serialization.get("ignore_paths");
    if (ignore != null && (!ignore.isArray() || !allText(ignore))) {
      throw f.fail("predicate.serialization.ignore_paths must be an array of strings");
    }
    JsonNode resources = f.required(predicate, "resources");
    if (!resources.isArray() || resources.isEmpty()) {
      throw f.fail("predicate.resources must be a non-empty array");
    }
    Map<String, String> digests = new TreeMap<>();
    List<String> inOrder = new ArrayList<>();
    for (int i = 0; i < resources.size(); i++) {
      String at = "predicate.resources[" + i + "]";
      JsonNode r = f.object(resources.get(i), at);
      String file2 = f.text(r, "name");
      String digest = f.text(r, "digest");
      f.exact(f.text(r, "algorithm"), at + ".algorithm", "sha256");
      if (!digest.matches("[0-9a-f]{64}")) {
        throw f.fail(at + ".digest must be a SHA-256 (64 lower-case hex digits)");
      }
      if (digests.put(file2, digest) != null) {
        throw f.fail("predicate.resources lists '" + Oms.display(file2) + "' twice");
      }
      inOrder.add(digest);
    }
    if (!rootDigest(inOrder).equals(root256)) {
      throw f.fail("subject[0].digest.sha256 is not the root digest of predicate.resources:"
          + " the statement is inconsistent");
    }
    return new Statement(name, digests, role, signedAt);
  }

  private static boolean allText(JsonNode array) {
    for (JsonNode n : array) {
      if (!n.isTextual()) {
        return false;
      }
    }
    return true;
  }

  /** Typed access to a signature file's JSON, refusing in the file's name. */
  private record Fields(String file) {

    TrustException fail(String message) {
      return new TrustException(file, TrustRule.MALFORMED_SIGNATURE, message);
    }

    JsonNode parse(byte[] bytes, String what) {
      String text;
      try {
        text = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT)
            .decode(ByteBuffer.wrap(bytes)).toString();
      } catch (CharacterCodingException e) {
        throw new TrustException(file, TrustRule.MALFORMED_SIGNATURE, what
            + " is not valid UTF-8 JSON", e);
      }
      try {
        JsonNode node = Json.readTree(text);
        if (node == null || node.isMissingNode()) {
          throw fail(what + " is empty");
        }
        return node;
      } catch (JsonProcessingException e) {
        throw new TrustException(file, TrustRule.MALFORMED_SIGNATURE, what + " is not valid"
            + " JSON: " + Json.describe(e), e);
      }
    }

    JsonNode object(JsonNode node, String at) {
      if (!node.isObject()) {
        throw fail(at + " must be a JSON object");
      }
      return node;
    }

    JsonNode required(JsonNode object, String name) {
      JsonNode n = object.get(name);
      if (n == null || n.isNull()) {
        throw fail("'" + name + "' is required");
      }
      return n;
    }

    String text(JsonNode object, String name) {
      JsonNode n = required(object, name);
      if (!n.isTextual()) {
        throw fail("'" + name + "' must be a string");
      }
      if (n.textValue().isEmpty()) {
        throw fail("'" + name + "' is empty");
      }
      return n.textValue();
    }

    void exact(String value, String at, String expected) {
      if (!value.equals(expected)) {
        throw fail(at + " is '" + Oms.display(value) + "', expected '" + expected + "'");
      }
    }

    byte[] base64(String value, String at) {
      try {
        return Base64.getDecoder().decode(value);
      } catch (IllegalArgumentException e) {
        throw new TrustException(file, TrustRule.MALFORMED_SIGNATURE, at
            + " is not valid base64", e);
      }
    }
  }

  /** A value for a message: control characters escaped, at most 100 characters. */
  static String display(String s) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < s.length() && sb.length() < 100; i++) {
      char c = s.charAt(i);
      sb.append(c < 0x20 || c == 0x7f || Character.getType(c) == Character.FORMAT
          ? String.format("\\u%04X", (int) c) : String.valueOf(c));
    }
    return sb.length() >= 100 ? sb + "..." : sb.toString();
  }
}
