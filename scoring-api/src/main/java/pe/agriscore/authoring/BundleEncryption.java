package pe.agriscore.authoring;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import pe.agriscore.internal.bundle.BundleManifest;
import pe.agriscore.internal.bundle.ModelBundle;
import pe.agriscore.scoring.BundleLimits;
import pe.agriscore.trust.BundleCrypto;
import pe.agriscore.trust.KeyProvider;
import pe.agriscore.trust.TrustPolicy;

/**
 * Encrypts a bundle directory's model files, or all its files, at rest, decrypts them back, and
 * rotates the key-encryption key ({@code docs/security.md#encryption-at-rest}).
 *
 * <pre>{@code
 * KeyProvider keys = KeyProviders.pkcs12(Path.of("kek.p12"), password);
 * BundleEncryption.encrypt(dir, keys, "kek-2026", BundleEncryption.Scope.ALL); // then sign
 * BundleEncryption.rotate(dir, keys, "kek-2026", "kek-2027"); // re-wraps the data key only
 * }</pre>
 */
public final class BundleEncryption {

  /** Which of a bundle's files {@link #encrypt(Path, KeyProvider, String, Scope)} encrypts. */
  public enum Scope {
    /** The manifest's {@code model} file or directory; the JSON files stay readable. */
    MODEL,
    /**
     * Every file the manifest lists: the model and the schema, preprocessing, score scale,
     * reference profile and golden cases (which hold applicant data). What stays clear is what
     * verification and key lookup need: {@code manifest.json} (file names and checksums),
     * {@code encryption.json} (nonces), the signature files and the wrapped data keys.
     */
    ALL
  }

  private BundleEncryption() {}

  /** Encrypts the model files: {@link #encrypt(Path, KeyProvider, String, Scope)} with MODEL. */
  public static void encrypt(Path dir, KeyProvider keys, String kekId) throws IOException {
    encrypt(dir, keys, kekId, Scope.MODEL);
  }

  /**
   * Encrypts the files of {@code scope} with AES-256-GCM under a new data key wrapped by {@code
   * kekId}, and re-seals the manifest. Sign afterwards: re-sealing invalidates earlier
   * signatures.
   *
   * @throws IllegalArgumentException if the bundle is already encrypted or the KEK is missing
   */
  public static void encrypt(Path dir, KeyProvider keys, String kekId, Scope scope)
      throws IOException {
    BundleManifest manifest = ModelBundle.verify(dir, BundleLimits.defaults(),
        TrustPolicy.unsignedAllowed()).manifest();
    if (manifest.files().containsKey(BundleCrypto.ENCRYPTION)) {
      throw new IllegalArgumentException(dir + " is already encrypted");
    }
    String model = manifest.model().replaceFirst("/$", "");
    List<String> files = manifest.files().keySet().stream()
        .filter(f -> scope == Scope.ALL || f.equals(model) || f.startsWith(model + "/"))
        .toList();
    BundleCrypto.encrypt(dir, files, keys, kekId);
    BundleWriter.seal(dir);
  }

  /**
   * Decrypts an encrypted bundle in place (its files back to their original bytes, {@code
   * encryption.json} and the wrapped keys removed) and re-seals it.
   *
   * @throws pe.agriscore.scoring.BundleException naming a file that does not decrypt
   */
  public static void decrypt(Path dir, KeyProvider keys) throws IOException {
    // Opening with the keys authenticates every encrypted file before any is rewritten.
    ModelBundle.open(dir, BundleLimits.defaults(), TrustPolicy.unsignedAllowed(), keys).close();
    BundleCrypto.Decryption decryption = BundleCrypto.decryption(dir, keys);
    for (String file : decryption.files()) {
      Path target = dir.resolve(file);
      Path tmp = target.resolveSibling(target.getFileName() + ".decrypting");
      decryption.decryptTo(file, tmp);
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
    }
    Files.delete(dir.resolve(BundleCrypto.ENCRYPTION));
    BundleCrypto.deleteTree(dir.resolve(BundleCrypto.KEYS_DIR), null);
    BundleWriter.seal(dir);
  }

  /**
   * Re-wraps the data key from KEK {@code fromKek} to {@code toKek} without touching the
   * encrypted files, the manifest or the signatures.
   */
  public static void rotate(Path dir, KeyProvider keys, String fromKek, String toKek)
      throws IOException {
    BundleCrypto.rewrap(dir, keys, fromKek, toKek);
  }
}
