package pe.agriscore.authoring;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import pe.agriscore.internal.bundle.ModelBundle;
import pe.agriscore.scoring.BundleLimits;
import pe.agriscore.trust.BundleCrypto;
import pe.agriscore.trust.KeyProvider;
import pe.agriscore.trust.TrustPolicy;

/**
 * Encrypts a bundle directory's model files at rest, decrypts them back, and rotates the
 * key-encryption key ({@code docs/security.md#encryption-at-rest}).
 *
 * <pre>{@code
 * KeyProvider keys = KeyProviders.pkcs12(Path.of("kek.p12"), password);
 * BundleEncryption.encrypt(dir, keys, "kek-2026");          // then sign: signatures cover ciphertext
 * BundleEncryption.rotate(dir, keys, "kek-2026", "kek-2027"); // re-wraps the data key only
 * }</pre>
 */
public final class BundleEncryption {

  private BundleEncryption() {}

  /**
   * Encrypts the model files (the manifest's {@code model} file or directory) with AES-256-GCM
   * under a new data key wrapped by {@code kekId}, and re-seals the manifest. Sign afterwards:
   * re-sealing invalidates earlier signatures.
   *
   * @throws IllegalArgumentException if the bundle is already encrypted or the KEK is missing
   */
  public static void encrypt(Path dir, KeyProvider keys, String kekId) throws IOException {
    List<String> modelFiles;
    try (ModelBundle b = ModelBundle.open(dir, BundleLimits.defaults(),
        TrustPolicy.unsignedAllowed())) {
      if (b.manifest().files().containsKey(BundleCrypto.ENCRYPTION)) {
        throw new IllegalArgumentException(dir + " is already encrypted");
      }
      String model = b.manifest().model().replaceFirst("/$", "");
      modelFiles = b.manifest().files().keySet().stream()
          .filter(f -> f.equals(model) || f.startsWith(model + "/")).toList();
    }
    BundleCrypto.encrypt(dir, modelFiles, keys, kekId);
    BundleWriter.seal(dir);
  }

  /**
   * Decrypts an encrypted bundle in place (model files back to plaintext, {@code
   * encryption.json} and the wrapped keys removed) and re-seals it.
   *
   * @throws pe.agriscore.scoring.BundleException naming a file that does not decrypt
   */
  public static void decrypt(Path dir, KeyProvider keys) throws IOException {
    try (ModelBundle b = ModelBundle.open(dir, BundleLimits.defaults(),
        TrustPolicy.unsignedAllowed(), keys)) {
      for (String file : BundleCrypto.encryptedFiles(dir).keySet()) {
        Files.copy(b.root().resolve(file), dir.resolve(file), StandardCopyOption.REPLACE_EXISTING);
      }
    }
    Files.delete(dir.resolve(BundleCrypto.ENCRYPTION));
    BundleCrypto.deleteTree(dir.resolve(BundleCrypto.KEYS_DIR), null);
    BundleWriter.seal(dir);
  }

  /**
   * Re-wraps the data key from KEK {@code fromKek} to {@code toKek} without touching the model
   * files, the manifest or the signatures.
   */
  public static void rotate(Path dir, KeyProvider keys, String fromKek, String toKek)
      throws IOException {
    BundleCrypto.rewrap(dir, keys, fromKek, toKek);
  }
}
