package pe.agriscore.trust;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.ECKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Elliptic-curve keys as PEM text (PKCS#8 private keys, SPKI public keys) and their OMS key id.
 *
 * <pre>{@code
 * PublicKey key = Pem.readPublicKey(Files.readString(Path.of("approver.pub.pem")));
 * String id = Pem.keyId(key); // the "hint" an OMS signature by this key carries
 * }</pre>
 *
 * <p>The key id is the lower-case hex SHA-256 of the public key's PEM text exactly as {@link
 * #publicKey(PublicKey)} writes it (64-character base64 lines, {@code \n} line ends, a final
 * {@code \n}), which is what the OpenSSF {@code model_signing} tool writes as the key hint.
 */
public final class Pem {

  private static final String PUBLIC = "PUBLIC KEY";
  private static final String PRIVATE = "PRIVATE KEY";

  private Pem() {}

  /**
   * Reads an SPKI ({@code -----BEGIN PUBLIC KEY-----}) elliptic-curve public key on P-256, P-384
   * or P-521.
   *
   * @throws IllegalArgumentException saying what is wrong with the text
   */
  public static PublicKey readPublicKey(String pem) {
    byte[] der = decode(pem, PUBLIC);
    try {
      PublicKey key = KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(der));
      Curves.hashOf(key);
      return key;
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("not an elliptic-curve SPKI public key", e);
    }
  }

  /**
   * Reads an unencrypted PKCS#8 ({@code -----BEGIN PRIVATE KEY-----}) elliptic-curve private key.
   *
   * @throws IllegalArgumentException saying what is wrong with the text
   */
  public static PrivateKey readPrivateKey(String pem) {
    byte[] der = decode(pem, PRIVATE);
    try {
      PrivateKey key = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(der));
      Curves.hashOf((ECKey) key);
      return key;
    } catch (GeneralSecurityException | ClassCastException e) {
      throw new IllegalArgumentException("not an unencrypted elliptic-curve PKCS#8 private key", e);
    }
  }

  /** {@code key} as SPKI PEM text. */
  public static String publicKey(PublicKey key) {
    return encode(key.getEncoded(), PUBLIC);
  }

  /** {@code key} as unencrypted PKCS#8 PEM text (keep it in a file only its owner can read). */
  public static String privateKey(PrivateKey key) {
    byte[] der = key.getEncoded();
    if (der == null) {
      throw new IllegalArgumentException("this private key cannot be exported (a token key)");
    }
    return encode(der, PRIVATE);
  }

  /** The OMS key id ({@code verificationMaterial.publicKey.hint}) of {@code key}. */
  public static String keyId(PublicKey key) {
    return sha256Hex(publicKey(key).getBytes(StandardCharsets.US_ASCII));
  }

  static String sha256Hex(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  private static String encode(byte[] der, String label) {
    return "-----BEGIN " + label + "-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END " + label + "-----\n";
  }

  private static byte[] decode(String pem, String label) {
    String begin = "-----BEGIN " + label + "-----";
    String end = "-----END " + label + "-----";
    int from = pem.indexOf(begin);
    int to = pem.indexOf(end);
    if (from < 0 || to < from) {
      throw new IllegalArgumentException("no '" + begin + "' ... '" + end + "' block");
    }
    String body = pem.substring(from + begin.length(), to).replaceAll("[\\r\\n\\t ]", "");
    try {
      return Base64.getDecoder().decode(body);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("the " + label + " block is not valid base64", e);
    }
  }
}
