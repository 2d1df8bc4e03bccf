package pe.agriscore.service;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.stereotype.Component;

/**
 * The keyed hash (HMAC-SHA256, first 16 bytes as hex) that logs show in place of an applicant
 * id: the same id gives the same hash under one key, so a support engineer who knows the id can
 * find its lines, while the logs alone do not reveal it.
 */
@Component
final class ApplicantIds {

  private final SecretKeySpec key;

  ApplicantIds(ServiceProperties props) {
    byte[] k = props.applicantIdKey().isEmpty() ? random()
        : props.applicantIdKey().getBytes(StandardCharsets.UTF_8);
    this.key = new SecretKeySpec(k, "HmacSHA256");
  }

  private static byte[] random() {
    byte[] k = new byte[32];
    new SecureRandom().nextBytes(k);
    return k;
  }

  /** The hash of {@code applicantId}, or {@code null} for a null id. */
  String hash(String applicantId) {
    if (applicantId == null) {
      return null;
    }
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      byte[] h = mac.doFinal(applicantId.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(h, 0, 16);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
    }
  }
}
