package pe.agriscore.trust;

import java.util.List;
import java.util.Objects;

/**
 * What the trust policy verified when a bundle was opened: the policy's name and every signature
 * that verified (empty under {@link TrustPolicy#unsignedAllowed()}, which checks none).
 *
 * @param policy the policy's name: {@code unsigned-allowed}, {@code any-trusted-key} or {@code
 *     four-eyes}
 * @param signatures the verified signatures, sorted by file
 */
public record TrustReport(String policy, List<VerifiedSignature> signatures) {

  /** Validates and copies. */
  public TrustReport {
    Objects.requireNonNull(policy, "policy");
    signatures = List.copyOf(signatures);
  }

  /** The report of the development policy: nothing verified. */
  public static TrustReport unverified() {
    return new TrustReport(TrustPolicy.UNSIGNED_ALLOWED, List.of());
  }
}
