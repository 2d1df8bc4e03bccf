package pe.agriscore.trust;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Comparator;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import pe.agriscore.internal.Json;
import pe.agriscore.scoring.BundleException;

/**
 * Encryption at rest of a bundle's model files, or of all its listed files: AES-256-GCM under a
 * random data key, the data key
 * encrypted (AES-256-GCM, associated data {@code agriscore-data-key:<kek id>}) by a key-encryption key from a {@link KeyProvider}. See {@code
 * docs/security.md#encryption-at-rest}.
 *
 * <p>{@code encryption.json} (checksummed and signed like any file) lists each encrypted file
 * with its 12-byte nonce; the file itself holds the ciphertext and the 16-byte tag, authenticated
 * with the file's bundle path as associated data, so a file moved to another name does not
 * decrypt. The wrapped data keys, {@code encryption-keys/<kek id>.key}, are outside the
 * checksums and the signatures (as the signature files are): re-wrapping under a new KEK changes
 * no signed byte. A wrapped key that was tampered with does not unwrap; a data key swapped for
 * another does not decrypt the files.
 */
public final class BundleCrypto {

  /** The file that lists the encrypted files. */
  public static final String ENCRYPTION = "encryption.json";

  /** The directory of wrapped data keys. */
  public static final String KEYS_DIR = "encryption-keys";

  private static final String ALGORITHM = "AES-256-GCM";
  private static final int TAG_BITS = 128;
  private static final SecureRandom RANDOM = new SecureRandom();

  private BundleCrypto() {}

  /** Whether {@code path} is a wrapped data key ({@code encryption-keys/<kek id>.key}). */
  public static boolean isWrappedKey(String path) {
    return path.startsWith(KEYS_DIR + "/") && path.endsWith(".key")
        && path.indexOf('/', KEYS_DIR.length() + 1) < 0
        && path.length() > KEYS_DIR.length() + 1 + ".key".length();
  }

  /** The path of the data key wrapped by {@code kekId}. */
  public static String wrappedKeyPath(String kekId) {
    if (!kekId.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,200}")) {
      throw new IllegalArgumentException("a KEK id is letters, digits, '.', '_' and '-'");
    }
    return KEYS_DIR + "/" + kekId + ".key";
  }

  /**
   * Encrypts {@code files} of the bundle directory in place under a new data key wrapped by the
   * KEK {@code kekId}, and writes {@code encryption.json}. The caller re-seals the manifest.
   *
   * @throws IllegalArgumentException if {@code keys} lacks {@code kekId}
   */
  public static void encrypt(Path root, Iterable<String> files, KeyProvider keys, String kekId)
      throws IOException {
    SecretKey kek = kek(keys, kekId, wrappedKeyPath(kekId));
    SecretKey dataKey;
    try {
      KeyGenerator g = KeyGenerator.getInstance("AES");
      g.init(256, RANDOM);
      dataKey = g.generateKey();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every JVM has AES", e);
    }
    Map<String, String> nonces = new TreeMap<>();
    for (String file : files) {
      byte[] nonce = new byte[12];
      RANDOM.nextBytes(nonce);
      Path source = root.resolve(file);
      Path tmp = source.resolveSibling(source.getFileName() + ".encrypting");
      try (InputStream in = Files.newInputStream(source);
          OutputStream out = Files.newOutputStream(tmp)) {
        run(Cipher.ENCRYPT_MODE, dataKey, nonce, file, in, out);
      } catch (AEADBadTagException e) {
        throw new IllegalStateException("encryption does not check tags", e);
      }
      Files.move(tmp, source, StandardCopyOption.REPLACE_EXISTING);
      nonces.put(file, Base64.getEncoder().encodeToString(nonce));
    }
    Map<String, Object> doc = new TreeMap<>();
    doc.put("algorithm", ALGORITHM);
    doc.put("files", nonces);
    Files.writeString(root.resolve(ENCRYPTION), Json.write(doc) + "\n", StandardCharsets.UTF_8);
    writeWrapped(root, kekId, wrap(dataKey, kek, kekId));
  }

  /**
   * Re-wraps the bundle's data key, unwrapped by {@code fromKek}, under {@code toKek}: the model
   * files, the manifest and the signatures are unchanged. The old wrapped key is removed.
   */
  public static void rewrap(Path root, KeyProvider keys, String fromKek, String toKek)
      throws IOException {
    SecretKey dataKey = dataKey(root, keys, fromKek);
    writeWrapped(root, toKek, wrap(dataKey, kek(keys, toKek, wrappedKeyPath(toKek)), toKek));
    if (!fromKek.equals(toKek)) {
      Files.delete(root.resolve(wrappedKeyPath(fromKek)));
    }
  }

  /** The encrypted files and their nonces, from {@code encryption.json}. */
  public static Map<String, byte[]> encryptedFiles(Path root) {
    String text;
    try {
      text = Files.readString(root.resolve(ENCRYPTION), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new BundleException(ENCRYPTION, "cannot read: " + e.getMessage(), e);
    }
    JsonNode doc;
    try {
      doc = Json.readTree(text);
    } catch (JsonProcessingException e) {
      throw new BundleException(ENCRYPTION, Json.describe(e), e);
    }
    if (doc == null || !doc.isObject() || !ALGORITHM.equals(doc.path("algorithm").textValue())
        || !doc.path("files").isObject() || doc.size() != 2) {
      throw new BundleException(ENCRYPTION, "must be {\"algorithm\": \"" + ALGORITHM
          + "\", \"files\": {path: base64 nonce}}");
    }
    Map<String, byte[]> out = new TreeMap<>();
    for (var it = doc.path("files").fields(); it.hasNext(); ) {
      var e = it.next();
      byte[] nonce;
      try {
        nonce = e.getValue().isTextual() ? Base64.getDecoder().decode(e.getValue().textValue())
            : new byte[0];
      } catch (IllegalArgumentException bad) {
        nonce = new byte[0];
      }
      if (nonce.length != 12) {
        throw new BundleException(ENCRYPTION, "files: '" + Oms.display(e.getKey())
            + "' needs a base64 12-byte nonce");
      }
      out.put(e.getKey(), nonce);
    }
    return out;
  }

  /**
   * The bundle's data key, unwrapped with a KEK of {@code keys}, and the list of encrypted files:
   * what decrypts them one by one, in memory or into a private directory.
   *
   * @throws BundleException naming the wrapped key that does not unwrap, or {@code
   *     encryption-keys/} when the provider holds none of the bundle's KEKs
   */
  public static Decryption decryption(Path root, KeyProvider keys) {
    return new Decryption(root, encryptedFiles(root), dataKey(root, keys, null));
  }

  /**
   * Decrypts an encrypted bundle's files. Every decryption authenticates the whole file (its
   * AES-GCM tag, with the file's bundle path as associated data) before any plaintext is used.
   */
  public static final class Decryption {
    private final Path root;
    private final Map<String, byte[]> nonces;
    private final SecretKey dataKey;

    private Decryption(Path root, Map<String, byte[]> nonces, SecretKey dataKey) {
      this.root = root;
      this.nonces = nonces;
      this.dataKey = dataKey;
    }

    /** Whether {@code encryption.json} lists {@code file} as encrypted. */
    public boolean encrypts(String file) {
      return nonces.containsKey(file);
    }

    /** The encrypted files, by bundle path. */
    public java.util.Set<String> files() {
      return java.util.Collections.unmodifiableSet(nonces.keySet());
    }

    /**
     * The plaintext of the encrypted {@code file}, in memory only.
     *
     * @throws BundleException naming the file if it does not authenticate or cannot be read
     */
    public byte[] decrypt(String file) {
      java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
      decrypt(file, out);
      return out.toByteArray();
    }

    /**
     * Decrypts {@code file} into {@code target} (a new file); deletes the target on failure.
     *
     * @throws BundleException naming the file if it does not authenticate or cannot be written
     */
    public void decryptTo(String file, Path target) {
      try (OutputStream out = Files.newOutputStream(target,
          java.nio.file.StandardOpenOption.CREATE_NEW)) {
        decrypt(file, out);
      } catch (IOException | RuntimeException e) {
        try {
          Files.deleteIfExists(target);
        } catch (IOException d) {
          e.addSuppressed(d);
        }
        if (e instanceof RuntimeException r) {
          throw r;
        }
        throw new BundleException(file, "cannot write its plaintext to " + target + ": "
            + e.getMessage(), e);
      }
    }

    private void decrypt(String file, OutputStream out) {
      byte[] nonce = nonces.get(file);
      if (nonce == null) {
        throw new IllegalArgumentException(file + " is not encrypted");
      }
      // The JDK's AES-GCM releases no plaintext before the tag authenticates the whole file.
      try (InputStream in = Files.newInputStream(root.resolve(file))) {
        run(Cipher.DECRYPT_MODE, dataKey, nonce, file, in, out);
      } catch (java.nio.file.NoSuchFileException e) {
        throw new BundleException(ENCRYPTION, "lists '" + Oms.display(file)
            + "', which the bundle lacks", e);
      } catch (AEADBadTagException e) {
        throw new BundleException(file, "does not decrypt: its AES-GCM tag does not"
            + " authenticate (the encrypted file was altered, moved or encrypted under another"
            + " data key)", e);
      } catch (IOException e) {
        throw new BundleException(file, "cannot decrypt: " + e.getMessage(), e);
      }
    }
  }

  /**
   * A new owner-only directory on a memory-backed filesystem ({@code /dev/shm} when there is
   * one, else {@code java.io.tmpdir}), for the plaintext of model files that an engine reads
   * from disk. The caller deletes it on close and on every failure.
   */
  public static Path privateDirectory() {
    try {
      Path shm = Path.of("/dev/shm");
      Path parent = Files.isDirectory(shm) && Files.isWritable(shm) ? shm
          : Path.of(System.getProperty("java.io.tmpdir"));
      return Files.createTempDirectory(parent, "agriscore-plain-",
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    } catch (IOException e) {
      throw new BundleException(ENCRYPTION, "cannot create a private directory to decrypt"
          + " into: " + e.getMessage(), e);
    }
  }

  /** Deletes a plaintext directory; a failure is added to {@code cause}, or thrown. */
  public static void deleteTree(Path dir, Throwable cause) {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      if (cause != null) {
        cause.addSuppressed(e);
      } else {
        throw new java.io.UncheckedIOException("cannot delete the plaintext directory " + dir, e);
      }
    }
  }

  /** The data key, unwrapped by {@code kekId} or, when null, by the first KEK the provider has. */
  private static SecretKey dataKey(Path root, KeyProvider keys, String kekId) {
    Path dir = root.resolve(KEYS_DIR);
    java.util.List<String> ids = new java.util.ArrayList<>();
    if (kekId != null) {
      ids.add(kekId);
    } else if (Files.isDirectory(dir)) {
      try (Stream<Path> s = Files.list(dir)) {
        s.map(p -> KEYS_DIR + "/" + p.getFileName()).filter(BundleCrypto::isWrappedKey).sorted()
            .forEach(p -> ids.add(p.substring(KEYS_DIR.length() + 1, p.length() - 4)));
      } catch (IOException e) {
        throw new BundleException(KEYS_DIR + "/", "cannot list: " + e.getMessage(), e);
      }
    }
    for (String id : ids) {
      String file = wrappedKeyPath(id);
      var kek = keys.key(id);
      if (kek.isEmpty()) {
        continue;
      }
      byte[] wrapped;
      try {
        wrapped = Files.readAllBytes(root.resolve(file));
      } catch (IOException e) {
        throw new BundleException(file, "cannot read: " + e.getMessage(), e);
      }
      try {
        return unwrap(wrapped, kek.get(), id);
      } catch (GeneralSecurityException | IllegalArgumentException e) {
        throw new BundleException(file, "does not unwrap with KEK '" + id + "': the wrapped key"
            + " was altered or wrapped under another key", e);
      }
    }
    throw new BundleException(KEYS_DIR + "/", "the bundle is encrypted and the key provider holds"
        + " none of its key-encryption keys " + ids);
  }

  private static SecretKey kek(KeyProvider keys, String id, String file) {
    return keys.key(id).orElseThrow(() -> new IllegalArgumentException("the key provider has no"
        + " KEK '" + id + "' (for " + file + ")"));
  }

  /**
   * The data key encrypted by the KEK with AES-256-GCM: 12-byte nonce, then the 32 encrypted key
   * bytes and the 16-byte tag, with {@code agriscore-data-key:<kek id>} as associated data. GCM
   * rather than RFC 3394 key wrap because PKCS#11 tokens reached through the JDK's SunPKCS11
   * provider do GCM but not key wrap; both are authenticated.
   */
  private static byte[] wrap(SecretKey dataKey, SecretKey kek, String kekId) {
    byte[] nonce = new byte[12];
    RANDOM.nextBytes(nonce);
    try {
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.ENCRYPT_MODE, kek, new GCMParameterSpec(TAG_BITS, nonce));
      c.updateAAD(("agriscore-data-key:" + kekId).getBytes(StandardCharsets.UTF_8));
      byte[] sealed = c.doFinal(dataKey.getEncoded());
      byte[] out = new byte[nonce.length + sealed.length];
      System.arraycopy(nonce, 0, out, 0, nonce.length);
      System.arraycopy(sealed, 0, out, nonce.length, sealed.length);
      return out;
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("cannot wrap the data key with KEK '" + kekId + "': "
          + e.getMessage(), e);
    }
  }

  private static SecretKey unwrap(byte[] wrapped, SecretKey kek, String kekId)
      throws GeneralSecurityException {
    if (wrapped.length != 12 + 32 + TAG_BITS / 8) {
      throw new IllegalArgumentException("a wrapped data key is 60 bytes");
    }
    Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
    c.init(Cipher.DECRYPT_MODE, kek, new GCMParameterSpec(TAG_BITS, wrapped, 0, 12));
    c.updateAAD(("agriscore-data-key:" + kekId).getBytes(StandardCharsets.UTF_8));
    byte[] key = c.doFinal(wrapped, 12, wrapped.length - 12);
    SecretKey dataKey = new javax.crypto.spec.SecretKeySpec(key, "AES");
    java.util.Arrays.fill(key, (byte) 0);
    return dataKey;
  }

  private static void writeWrapped(Path root, String kekId, byte[] wrapped) throws IOException {
    Path target = root.resolve(wrappedKeyPath(kekId));
    Files.createDirectories(target.getParent());
    Files.write(target, wrapped);
  }

  private static void run(int mode, SecretKey key, byte[] nonce, String path, InputStream in,
      OutputStream out) throws IOException, AEADBadTagException {
    try {
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(mode, key, new GCMParameterSpec(TAG_BITS, nonce));
      c.updateAAD(("agriscore-bundle-file:" + path).getBytes(StandardCharsets.UTF_8));
      byte[] buf = new byte[1 << 16];
      for (int n = in.read(buf); n > 0; n = in.read(buf)) {
        byte[] part = c.update(buf, 0, n);
        if (part != null) {
          out.write(part);
        }
      }
      out.write(c.doFinal());
    } catch (AEADBadTagException e) {
      throw e;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-256-GCM is in every JVM: " + e.getMessage(), e);
    }
  }
}
