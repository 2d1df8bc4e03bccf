package pe.agriscore.trust;

import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.interfaces.ECKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;

/** The elliptic curves OMS signs with, and the hash each one signs with (as the tool does). */
final class Curves {

  private Curves() {}

  /** The JCA signature algorithm for {@code key}: SHA-256 for P-256, SHA-384, SHA-512 for P-521. */
  static String signatureAlgorithm(Key key) {
    if (!(key instanceof ECKey ec)) {
      // A PKCS#11 token key need not expose its parameters; the token signs P-256 by default.
      if ("EC".equals(key.getAlgorithm())) {
        return "SHA256withECDSA";
      }
      throw new IllegalArgumentException("only elliptic-curve keys sign OMS signatures, not "
          + key.getAlgorithm());
    }
    return hashOf(ec) + "withECDSA";
  }

  /** {@code SHA256}, {@code SHA384} or {@code SHA512}; refuses other curves. */
  static String hashOf(Key key) {
    if (!(key instanceof ECKey ec)) {
      throw new IllegalArgumentException("not an elliptic-curve key: " + key.getAlgorithm());
    }
    return hashOf(ec);
  }

  static String hashOf(ECKey key) {
    ECParameterSpec p = key.getParams();
    for (int i = 0; i < NAMES.length; i++) {
      ECParameterSpec c = CURVES[i];
      if (c.getCurve().equals(p.getCurve()) && c.getGenerator().equals(p.getGenerator())
          && c.getOrder().equals(p.getOrder()) && c.getCofactor() == p.getCofactor()) {
        return HASHES[i];
      }
    }
    throw new IllegalArgumentException("elliptic curve of " + p.getCurve().getField()
        .getFieldSize() + " bits that is not P-256, P-384 or P-521 (the curves OMS signs with)");
  }

  private static final String[] NAMES = {"secp256r1", "secp384r1", "secp521r1"};
  private static final String[] HASHES = {"SHA256", "SHA384", "SHA512"};
  private static final ECParameterSpec[] CURVES = new ECParameterSpec[NAMES.length];

  static {
    try {
      for (int i = 0; i < NAMES.length; i++) {
        AlgorithmParameters a = AlgorithmParameters.getInstance("EC");
        a.init(new ECGenParameterSpec(NAMES[i]));
        CURVES[i] = a.getParameterSpec(ECParameterSpec.class);
      }
    } catch (GeneralSecurityException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** A new key pair on P-256. */
  static java.security.KeyPair generateP256() {
    try {
      java.security.KeyPairGenerator g = java.security.KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec(NAMES[0]));
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every JVM generates P-256 keys", e);
    }
  }
}
