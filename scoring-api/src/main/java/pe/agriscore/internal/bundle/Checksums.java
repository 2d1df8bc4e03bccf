package pe.agriscore.internal.bundle;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import pe.agriscore.internal.Json;
import pe.agriscore.scoring.BundleException;
import pe.agriscore.scoring.BundleLimits;
import pe.agriscore.trust.BundleCrypto;
import pe.agriscore.trust.SignatureFiles;

/** SHA-256 sealing and verification of a bundle directory. */
public final class Checksums {

  private static final Pattern SELF =
      Pattern.compile("(\"manifestSha256\"\\s*:\\s*\")([0-9a-f]{64})(\")");
  private static final String ZEROS = "0".repeat(64);
  private static final String SELF_KEY = "manifestSha256";

  /** The bundle's JSON files, read once: their checksummed bytes are the bytes parsed. */
  static final List<String> JSON_FILES = List.of(ModelBundle.SCHEMA, ModelBundle.PREPROCESSING,
      ModelBundle.SCORECARD, ModelBundle.REFERENCE, ModelBundle.GOLDEN);

  /** The AES-GCM tag an encrypted file carries after its ciphertext. */
  private static final int GCM_TAG_BYTES = 16;

  private Checksums() {}

  /**
   * A verified bundle: its manifest, the bytes of its JSON files as checksummed (ciphertext for
   * an encrypted one: {@link #jsonText} decodes them), the SHA-256 of every file (manifest.json
   * included) and its signature files, which no checksum covers.
   */
  record Verified(BundleManifest manifest, Map<String, byte[]> json, Map<String, String> digests,
      List<String> signatureFiles) {}

  /**
   * Verifies every file and checksum under {@code root} (a real path, no symbolic link inside).
   *
   * @throws BundleException naming the file at fault
   */
  static Verified verify(Path root, BundleLimits limits) {
    Map<String, BasicFileAttributes> found = listFiles(root, limits);
    List<String> signatures = found.keySet().stream().filter(SignatureFiles::isSignature)
        .toList();
    found.keySet().removeAll(signatures);
    found.keySet().removeIf(BundleCrypto::isWrappedKey);
    BasicFileAttributes manifestAttributes = found.remove(ModelBundle.MANIFEST);
    if (manifestAttributes == null) {
      throw new BundleException(ModelBundle.MANIFEST,
          "missing: a bundle directory has a manifest.json at its root");
    }
    String text = readJson(root, ModelBundle.MANIFEST, manifestAttributes, limits);
    int self = selfChecksumOffset(text);
    String zeroed = text.substring(0, self) + ZEROS + text.substring(self + 64);
    if (!sha256(zeroed.getBytes(StandardCharsets.UTF_8)).equals(text.substring(self, self + 64))) {
      throw new BundleException(ModelBundle.MANIFEST,
          "checksum mismatch: the manifest was modified after it was sealed");
    }
    BundleManifest manifest;
    try {
      manifest = Json.read(text, BundleManifest.class);
    } catch (JsonProcessingException e) {
      throw new BundleException(ModelBundle.MANIFEST, Json.describe(e), e);
    }
    for (String required : JSON_FILES) {
      if (!manifest.files().containsKey(required)) {
        throw new BundleException(required, "required bundle file is not listed in manifest.json");
      }
    }
    Map<String, byte[]> json = new TreeMap<>();
    for (Map.Entry<String, String> listed : manifest.files().entrySet()) {
      String file = listed.getKey();
      if (SignatureFiles.isSignature(file) || BundleCrypto.isWrappedKey(file)) {
        throw new BundleException(file, "is listed in manifest.json's 'files', but signature"
            + " files and wrapped data keys are outside the checksums (they are added and"
            + " rewritten without re-sealing): seal without them");
      }
      BasicFileAttributes attributes = found.get(file);
      if (attributes == null) {
        throw new BundleException(file, "listed in manifest.json but missing from the bundle");
      }
      String hash;
      if (JSON_FILES.contains(file)) {
        byte[] content = readJsonBytes(root, file, attributes, limits, GCM_TAG_BYTES);
        json.put(file, content);
        hash = sha256(content);
      } else {
        hash = sha256(root, file);
      }
      if (!hash.equals(listed.getValue())) {
        throw new BundleException(file, "SHA-256 mismatch: expected " + listed.getValue()
            + " but the file hashes to " + hash);
      }
    }
    for (String file : found.keySet()) {
      if (!manifest.files().containsKey(file)) {
        throw new BundleException(file, "present in the bundle but not listed in manifest.json");
      }
    }
    Map<String, String> digests = new TreeMap<>(manifest.files());
    digests.put(ModelBundle.MANIFEST, sha256(text.getBytes(StandardCharsets.UTF_8)));
    return new Verified(manifest, Map.copyOf(json), digests, signatures);
  }

  /**
   * The offset in {@code text} of the top-level {@code manifestSha256} value. A key of that name
   * anywhere else (a decoy nested under another key) refuses the manifest.
   */
  private static int selfChecksumOffset(String text) {
    int offset = -1;
    try (JsonParser p = Json.parser(text)) {
      int depth = 0;
      for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
        if (t.isStructStart()) {
          depth++;
        } else if (t.isStructEnd()) {
          depth--;
        } else if (t == JsonToken.FIELD_NAME && SELF_KEY.equals(p.currentName())) {
          if (depth != 1) {
            throw new BundleException(ModelBundle.MANIFEST, "'manifestSha256' may appear only at"
                + " the top level, but one is nested under '" + enclosingName(p) + "'");
          }
          if (p.nextToken() != JsonToken.VALUE_STRING) {
            throw new BundleException(ModelBundle.MANIFEST,
                "'manifestSha256' must be a lower-case hex SHA-256 string");
          }
          int at = (int) p.currentTokenLocation().getCharOffset() + 1;
          if (!p.getText().matches("[0-9a-f]{64}") || at + 64 > text.length()
              || !text.startsWith(p.getText(), at)) {
            throw new BundleException(ModelBundle.MANIFEST,
                "'manifestSha256' must be a lower-case hex SHA-256 string");
          }
          offset = at;
        }
      }
    } catch (JsonProcessingException e) {
      throw new BundleException(ModelBundle.MANIFEST, Json.describe(e), e);
    } catch (IOException e) {
      throw new BundleException(ModelBundle.MANIFEST, "cannot read: " + e.getMessage(), e);
    }
    if (offset < 0) {
      throw new BundleException(ModelBundle.MANIFEST,
          "no 'manifestSha256' (a lower-case hex SHA-256) found");
    }
    return offset;
  }

  private static String enclosingName(JsonParser p) {
    for (var c = p.getParsingContext().getParent(); c != null; c = c.getParent()) {
      if (c.getCurrentName() != null) {
        return c.getCurrentName();
      }
    }
    return "?";
  }

  /**
   * Every file under {@code root} by bundle path. Symbolic links are never followed: one anywhere
   * in the bundle refuses it, as does anything that is neither a file nor a directory, or a name
   * that is not a valid bundle path.
   */
  static Map<String, BasicFileAttributes> listFiles(Path root, BundleLimits limits) {
    Map<String, BasicFileAttributes> files = new TreeMap<>();
    try {
      Files.walkFileTree(root, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
          if (!dir.equals(root)) {
            check(dir, attrs);
          }
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
          String rel = check(file, attrs);
          if (files.size() >= limits.maxEntries()) {
            throw new BundleException(rel, "the bundle has more than "
                + limits.maxEntries() + " files (BundleLimits.maxEntries)");
          }
          files.put(rel, attrs);
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFileFailed(Path file, IOException e) {
          throw new BundleException(relative(file), "cannot read: " + e.getMessage(), e);
        }

        private String check(Path p, BasicFileAttributes attrs) {
          String rel = relative(p);
          if (attrs.isSymbolicLink()) {
            throw new BundleException(rel,
                "is a symbolic link: bundles may not contain symbolic links");
          }
          if (!attrs.isRegularFile() && !attrs.isDirectory()) {
            throw new BundleException(rel, "is neither a regular file nor a directory");
          }
          String problem = BundlePaths.problem(rel);
          if (problem != null) {
            throw new BundleException(BundlePaths.display(rel),
                "is not a valid bundle path: it " + problem);
          }
          return rel;
        }

        private String relative(Path p) {
          return root.relativize(p).toString().replace(p.getFileSystem().getSeparator(), "/");
        }
      });
    } catch (IOException e) {
      throw new BundleException(root.getFileName() == null ? root.toString()
          : root.getFileName().toString(), "cannot read bundle files: " + e.getMessage(), e);
    }
    return files;
  }

  /** A JSON file's text: size-capped, and refused unless it is valid UTF-8. */
  private static String readJson(Path root, String file, BasicFileAttributes attributes,
      BundleLimits limits) {
    return jsonText(file, readJsonBytes(root, file, attributes, limits, 0), limits);
  }

  /**
   * A JSON file's plaintext bytes as text: refused if larger than the limit or not valid UTF-8.
   */
  static String jsonText(String file, byte[] bytes, BundleLimits limits) {
    if (bytes.length > limits.maxJsonFileBytes()) {
      throw tooLarge(file, bytes.length, limits.maxJsonFileBytes());
    }
    return utf8(file, bytes);
  }

  /**
   * A JSON file's bytes, refused beyond the JSON limit plus {@code slack}: the 16-byte AES-GCM
   * tag for a file that may be encrypted (its plaintext is held to the limit after decryption).
   */
  private static byte[] readJsonBytes(Path root, String file, BasicFileAttributes attributes,
      BundleLimits limits, int slack) {
    long max = limits.maxJsonFileBytes() + slack;
    if (attributes.size() > max) {
      throw tooLarge(file, attributes.size(), limits.maxJsonFileBytes());
    }
    byte[] bytes;
    try (InputStream in = Files.newInputStream(root.resolve(file))) {
      bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, max + 1));
    } catch (NoSuchFileException e) {
      throw new BundleException(file, "listed in manifest.json but missing from the bundle", e);
    } catch (IOException e) {
      throw new BundleException(file, "cannot read: " + e.getMessage(), e);
    }
    if (bytes.length > max) {
      throw tooLarge(file, bytes.length, limits.maxJsonFileBytes());
    }
    return bytes;
  }

  /** {@code bytes} decoded, refusing anything that is not valid UTF-8. */
  private static String utf8(String file, byte[] bytes) {
    try {
      return strictUtf8(bytes);
    } catch (CharacterCodingException e) {
      throw new BundleException(file, "is not valid UTF-8 (bundle JSON files are UTF-8)", e);
    }
  }

  /** {@code bytes} as UTF-8, with no replacement of malformed input. */
  static String strictUtf8(byte[] bytes) throws CharacterCodingException {
    return StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT)
        .decode(ByteBuffer.wrap(bytes)).toString();
  }

  private static BundleException tooLarge(String file, long size, long max) {
    return new BundleException(file, "is " + size + " bytes, more than the limit of " + max
        + " bytes for a bundle JSON file (BundleLimits.maxJsonFileBytes)");
  }

  /** Rewrites {@code root}'s manifest with the checksums of every file, then seals it. */
  public static BundleManifest seal(Path root, BundleManifest manifest) throws IOException {
    BundleManifest unsealed = manifest.withFiles(hashFiles(root), ZEROS);
    String zeroed = Json.write(unsealed) + "\n";
    String hash = sha256(zeroed.getBytes(StandardCharsets.UTF_8));
    Matcher m = SELF.matcher(zeroed);
    if (!m.find()) {
      throw new IllegalStateException("sealed manifest lacks manifestSha256");
    }
    String sealed = zeroed.substring(0, m.start(2)) + hash + zeroed.substring(m.end(2));
    Files.writeString(root.resolve(ModelBundle.MANIFEST), sealed, StandardCharsets.UTF_8);
    return manifest.withFiles(unsealed.files(), hash);
  }

  /** SHA-256 of every file under root except the manifest, by bundle path. */
  public static Map<String, String> hashFiles(Path root) {
    Map<String, String> hashes = new TreeMap<>();
    for (String rel : listFiles(root, BundleLimits.defaults()).keySet()) {
      if (!rel.equals(ModelBundle.MANIFEST) && !SignatureFiles.isSignature(rel)
          && !BundleCrypto.isWrappedKey(rel)) {
        hashes.put(rel, sha256(root, rel));
      }
    }
    return hashes;
  }

  private static String sha256(Path root, String file) {
    MessageDigest md = digest();
    byte[] buf = new byte[1 << 16];
    try (InputStream in = Files.newInputStream(root.resolve(file))) {
      for (int n = in.read(buf); n > 0; n = in.read(buf)) {
        md.update(buf, 0, n);
      }
    } catch (IOException e) {
      throw new BundleException(file, "cannot read: " + e.getMessage(), e);
    }
    return HexFormat.of().formatHex(md.digest());
  }

  /** The lower-case hex SHA-256 of {@code bytes}. */
  public static String sha256(byte[] bytes) {
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
