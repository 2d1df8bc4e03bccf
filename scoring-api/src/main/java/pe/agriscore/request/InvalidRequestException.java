package pe.agriscore.request;

import java.util.List;
import pe.agriscore.AgriScoreException;

/**
 * A request broke one or more rules. Carries every violation found, not just the first, so that
 * a bank can fix a record in one round trip.
 *
 * <pre>{@code
 * try {
 *   scorer.score(request);
 * } catch (InvalidRequestException e) {
 *   for (Violation v : e.violations()) {
 *     log.warn("{} broke {}: {}", v.field(), v.rule(), v.message());
 *   }
 * }
 * }</pre>
 */
public final class InvalidRequestException extends AgriScoreException {

  private static final long serialVersionUID = 1L;

  private final String applicantId;
  private final List<Violation> violations;

  /**
   * @param applicantId the request's applicant id, or {@code null} when it could not be read
   * @param violations at least one violation
   */
  public InvalidRequestException(String applicantId, List<Violation> violations) {
    super(message(applicantId, violations));
    if (violations.isEmpty()) {
      throw new IllegalArgumentException("an invalid request needs at least one violation");
    }
    this.applicantId = applicantId;
    this.violations = List.copyOf(violations);
  }

  /** The applicant id of the rejected request, or {@code null} if it could not be read. */
  public String applicantId() {
    return applicantId;
  }

  /** Every violation, in schema order. */
  public List<Violation> violations() {
    return violations;
  }

  private static String message(String applicantId, List<Violation> violations) {
    StringBuilder sb = new StringBuilder("invalid scoring request");
    if (applicantId != null) {
      sb.append(" '").append(applicantId).append('\'');
    }
    sb.append(": ");
    for (int i = 0; i < violations.size(); i++) {
      sb.append(i == 0 ? "" : "; ").append(violations.get(i));
    }
    return sb.toString();
  }
}
