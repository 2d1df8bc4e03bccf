package pe.agriscore.service;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import pe.agriscore.trust.KeyProvider;
import pe.agriscore.trust.KeyProviders;
import pe.agriscore.trust.TrustPolicy;
import pe.agriscore.trust.TrustStore;

/**
 * Settings under {@code agriscore.trust} (environment variables {@code AGRISCORE_TRUST_...}):
 * which signatures a bundle needs before the service scores with it, and where the keys of
 * encrypted bundles come from (docs/security.md).
 *
 * @param policy {@code four-eyes} (default: a trainer's and a different owner's approver
 *     signature), {@code any-trusted-key}, or {@code unsigned-allowed} (development only)
 * @param store the trust store file (JSON, {@link TrustStore#read}); required by the verifying
 *     policies, e.g. a Kubernetes secret or config map mounted read-only
 * @param keySecretDir a directory holding one file per key-encryption key id (a mounted
 *     Kubernetes secret), or {@code null}
 * @param keyPkcs12 a PKCS#12 keystore of key-encryption keys (secret-key entries by alias), or
 *     {@code null}; at most one of the two key sources
 * @param keyPkcs12Password the keystore's password
 */
@ConfigurationProperties("agriscore.trust")
public record TrustProperties(
    @DefaultValue(TrustPolicy.FOUR_EYES) String policy,
    Path store,
    Path keySecretDir,
    Path keyPkcs12,
    @DefaultValue("") String keyPkcs12Password) {

  /**
   * The policy, its trust store read once.
   *
   * @throws IllegalStateException naming the property when the policy is unknown or its trust
   *     store is missing or unreadable: the service does not start on a configuration that
   *     cannot judge a signature
   */
  TrustPolicy toPolicy() {
    if (TrustPolicy.UNSIGNED_ALLOWED.equals(policy)) {
      return TrustPolicy.unsignedAllowed();
    }
    if (!TrustPolicy.FOUR_EYES.equals(policy) && !TrustPolicy.ANY_TRUSTED_KEY.equals(policy)) {
      throw new IllegalStateException("agriscore.trust.policy is '" + policy + "': use "
          + TrustPolicy.FOUR_EYES + ", " + TrustPolicy.ANY_TRUSTED_KEY + " or "
          + TrustPolicy.UNSIGNED_ALLOWED);
    }
    if (store == null || !Files.isRegularFile(store)) {
      throw new IllegalStateException("agriscore.trust.store (AGRISCORE_TRUST_STORE) "
          + (store == null ? "is not set" : "names no file: " + store) + ": the " + policy
          + " policy needs the trust store of the keys allowed to sign bundles");
    }
    TrustStore keys;
    try {
      keys = TrustStore.read(store);
    } catch (IOException e) {
      throw new UncheckedIOException("agriscore.trust.store: cannot read " + store, e);
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException("agriscore.trust.store " + store + ": " + e.getMessage(),
          e);
    }
    return TrustPolicy.FOUR_EYES.equals(policy) ? TrustPolicy.fourEyes(keys)
        : TrustPolicy.anyTrustedKey(keys);
  }

  /** The key provider of encrypted bundles, if one is configured. */
  Optional<KeyProvider> toKeyProvider() {
    if (keySecretDir != null && keyPkcs12 != null) {
      throw new IllegalStateException("agriscore.trust.key-secret-dir and"
          + " agriscore.trust.key-pkcs12 are both set: configure one source of key-encryption"
          + " keys");
    }
    if (keySecretDir != null) {
      if (!Files.isDirectory(keySecretDir)) {
        throw new IllegalStateException("agriscore.trust.key-secret-dir names no directory: "
            + keySecretDir);
      }
      return Optional.of(KeyProviders.mountedSecret(keySecretDir));
    }
    if (keyPkcs12 != null) {
      try {
        return Optional.of(KeyProviders.pkcs12(keyPkcs12, keyPkcs12Password.toCharArray()));
      } catch (IOException e) {
        throw new UncheckedIOException("agriscore.trust.key-pkcs12: cannot open " + keyPkcs12
            + " with agriscore.trust.key-pkcs12-password", e);
      }
    }
    return Optional.empty();
  }
}
