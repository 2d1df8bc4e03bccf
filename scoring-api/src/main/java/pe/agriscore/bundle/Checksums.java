package pe.agriscore.bundle;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import pe.agriscore.internal.Json;

/** SHA-256 sealing and verification of a bundle directory. */
final class Checksums {

  private static final Pattern SELF =
      Pattern.compile("(\"manifestSha256\"\\s*:\\s*\")([0-9a-f]{64})(\")");
  private static final String ZEROS = "0".repeat(64);

  private Checksums() {}

  /** Verifies every checksum under {@code root} and returns the parsed manifest. */
  static BundleManifest verify(Path root) {
    String text;
    try {
      text = Files.readString(root.resolve(ModelBundle.MANIFEST), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new BundleException(ModelBundle.MANIFEST, "cannot read: " + e, e);
    }
    Matcher m = SELF.matcher(text);
    if (!m.find()) {
      throw new BundleException(ModelBundle.MANIFEST,
          "no 'manifestSha256' (a lower-case hex SHA-256) found");
    }
    String zeroed = text.substring(0, m.start(2)) + ZEROS + text.substring(m.end(2));
    if (!sha256(zeroed.getBytes(StandardCharsets.UTF_8)).equals(m.group(2))) {
      throw new BundleException(ModelBundle.MANIFEST,
          "checksum mismatch: the manifest was modified after it was sealed");
    }
    BundleManifest manifest;
    try {
      manifest = Json.mapper().readValue(text, BundleManifest.class);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new BundleException(ModelBundle.MANIFEST, Json.describe(e), e);
    }
    Map<String, String> actual = hashFiles(root);
    for (Map.Entry<String, String> listed : manifest.files().entrySet()) {
      String file = listed.getKey();
      String hash = actual.get(file);
      if (hash == null) {
        throw new BundleException(file, "listed in manifest.json but missing from the bundle");
      }
      if (!hash.equals(listed.getValue())) {
        throw new BundleException(file, "SHA-256 mismatch: expected " + listed.getValue()
            + " but the file hashes to " + hash);
      }
    }
    for (String file : actual.keySet()) {
      if (!manifest.files().containsKey(file)) {
        throw new BundleException(file, "present in the bundle but not listed in manifest.json");
      }
    }
    for (String required : List.of(ModelBundle.SCHEMA, ModelBundle.PREPROCESSING,
        ModelBundle.SCORECARD, ModelBundle.REFERENCE, ModelBundle.GOLDEN)) {
      if (!manifest.files().containsKey(required)) {
        throw new BundleException(required, "required bundle file is missing");
      }
    }
    return manifest;
  }

  /** Rewrites {@code root}'s manifest with the checksums of every file, then seals it. */
  static BundleManifest seal(Path root, BundleManifest manifest) throws IOException {
    BundleManifest unsealed = manifest.withFiles(hashFiles(root), ZEROS);
    String zeroed = Json.mapper().writeValueAsString(unsealed) + "\n";
    String hash = sha256(zeroed.getBytes(StandardCharsets.UTF_8));
    Matcher m = SELF.matcher(zeroed);
    if (!m.find()) {
      throw new IllegalStateException("sealed manifest lacks manifestSha256");
    }
    String sealed = zeroed.substring(0, m.start(2)) + hash + zeroed.substring(m.end(2));
    Files.writeString(root.resolve(ModelBundle.MANIFEST), sealed, StandardCharsets.UTF_8);
    return manifest.withFiles(unsealed.files(), hash);
  }

  /** SHA-256 of every regular file under root except the manifest, by '/'-separated path. */
  static Map<String, String> hashFiles(Path root) {
    Map<String, String> hashes = new TreeMap<>();
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.filter(Files::isRegularFile).toList()) {
        String rel = root.relativize(p).toString().replace('\\', '/');
        if (!rel.equals(ModelBundle.MANIFEST)) {
          hashes.put(rel, sha256(p));
        }
      }
    } catch (IOException e) {
      throw new BundleException(root.toString(), "cannot read bundle files: " + e, e);
    }
    return hashes;
  }

  static String sha256(Path file) throws IOException {
    MessageDigest md = digest();
    byte[] buf = new byte[1 << 16];
    try (InputStream in = Files.newInputStream(file)) {
      for (int n = in.read(buf); n > 0; n = in.read(buf)) {
        md.update(buf, 0, n);
      }
    }
    return HexFormat.of().formatHex(md.digest());
  }

  static String sha256(byte[] bytes) {
    return HexFormat.of().formatHex(digest().digest(bytes));
  }

  private static MessageDigest digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
