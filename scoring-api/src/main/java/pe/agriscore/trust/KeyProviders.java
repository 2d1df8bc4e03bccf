package pe.agriscore.trust;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/** The built-in {@link KeyProvider}s. */
public final class KeyProviders {

  private KeyProviders() {}

  /**
   * AES-256 secret-key entries of a PKCS#12 keystore, by alias (the KEK id), e.g. made with
   * {@code keytool -genseckey -keyalg AES -keysize 256 -storetype PKCS12}.
   *
   * @throws IOException if the keystore cannot be read or the password is wrong
   */
  public static KeyProvider pkcs12(Path file, char[] password) throws IOException {
    KeyStore ks;
    try (InputStream in = Files.newInputStream(file)) {
      ks = KeyStore.getInstance("PKCS12");
      ks.load(in, password);
    } catch (GeneralSecurityException e) {
      throw new IOException(file + ": cannot open the PKCS#12 keystore: " + e.getMessage(), e);
    }
    char[] copy = password.clone();
    return id -> {
      try {
        return ks.containsAlias(id) ? Optional.of(aes256(id, ks.getKey(id, copy)))
            : Optional.empty();
      } catch (GeneralSecurityException e) {
        throw new IllegalArgumentException("KEK '" + id + "': cannot read it from " + file
            + ": " + e.getMessage(), e);
      }
    };
  }

  /**
   * Keys mounted from a Kubernetes secret: the file {@code dir/<kek id>} holds the 32 key bytes,
   * raw or base64 (what {@code kubectl create secret generic --from-file} mounts).
   */
  public static KeyProvider mountedSecret(Path dir) {
    Objects.requireNonNull(dir, "dir");
    return id -> {
      if (!id.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,200}")) {
        return Optional.empty();
      }
      Path file = dir.resolve(id);
      if (!Files.isRegularFile(file)) {
        return Optional.empty();
      }
      byte[] bytes;
      try {
        bytes = Files.readAllBytes(file);
      } catch (IOException e) {
        throw new IllegalArgumentException("KEK '" + id + "': cannot read " + file + ": "
            + e.getMessage(), e);
      }
      if (bytes.length != 32) {
        try {
          bytes = Base64.getDecoder().decode(new String(bytes, StandardCharsets.US_ASCII).strip());
        } catch (IllegalArgumentException e) {
          bytes = new byte[0];
        }
      }
      if (bytes.length != 32) {
        throw new IllegalArgumentException("KEK '" + id + "': " + file + " must hold 32 key"
            + " bytes, raw or base64");
      }
      SecretKey key = new SecretKeySpec(bytes, "AES");
      Arrays.fill(bytes, (byte) 0);
      return Optional.of(key);
    };
  }

  /**
   * AES-256 secret keys on a PKCS#11 token, by label (the KEK id), through a configured JCA
   * provider such as {@code Security.getProvider("SunPKCS11").configure(cfg)}; the provider is
   * installed so that ciphers find it. The keys never leave the token: the data key is unwrapped
   * on it.
   *
   * @throws IOException if the token cannot be logged into
   */
  public static KeyProvider pkcs11(java.security.Provider provider, char[] pin)
      throws IOException {
    if (java.security.Security.getProvider(provider.getName()) == null) {
      java.security.Security.addProvider(provider);
    }
    KeyStore ks;
    try {
      ks = KeyStore.getInstance("PKCS11", provider);
      ks.load(null, pin);
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot log into the PKCS#11 token of " + provider.getName() + ": "
          + e.getMessage(), e);
    }
    return id -> {
      try {
        return ks.containsAlias(id) ? Optional.of(aes256(id, ks.getKey(id, null)))
            : Optional.empty();
      } catch (GeneralSecurityException e) {
        throw new IllegalArgumentException("KEK '" + id + "': cannot read it from the token: "
            + e.getMessage(), e);
      }
    };
  }

  private static SecretKey aes256(String id, Key key) {
    if (!(key instanceof SecretKey s) || !"AES".equalsIgnoreCase(s.getAlgorithm())
        || (s.getEncoded() != null && s.getEncoded().length != 32)) {
      throw new IllegalArgumentException("KEK '" + id + "' is not an AES-256 secret key");
    }
    return s;
  }
}
