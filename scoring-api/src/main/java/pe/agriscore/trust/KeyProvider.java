package pe.agriscore.trust;

import java.util.Optional;
import javax.crypto.SecretKey;

/**
 * Supplies key-encryption keys (KEKs) for encrypted bundles: AES-256 keys by id. A bundle's data
 * key is stored wrapped by a KEK in {@code encryption-keys/<kek id>.key}; {@link KeyProviders}
 * has the built-in providers (a PKCS#12 keystore, a mounted Kubernetes secret).
 *
 * <pre>{@code
 * KeyProvider keys = KeyProviders.mountedSecret(Path.of("/var/run/secrets/agriscore"));
 * CreditScorer scorer = CreditScorer.builder(path).keys(keys).build();
 * }</pre>
 *
 * <p>Implementations must be thread-safe.
 */
@FunctionalInterface
public interface KeyProvider {

  /**
   * The KEK with this id, or empty when this provider does not hold it.
   *
   * @throws IllegalArgumentException when the provider holds something under this id that is not
   *     an AES-256 key
   */
  Optional<SecretKey> key(String kekId);

  /** A provider with no key: opening an encrypted bundle with it is refused. */
  static KeyProvider none() {
    return id -> Optional.empty();
  }
}
