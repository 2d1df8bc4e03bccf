package pe.agriscore.scoring;

import java.util.List;
import pe.agriscore.internal.Text;
import pe.agriscore.scoring.AgriScoreException;

/**
 * A request broke one or more rules. Carries every violation found, not just the first, so that
 * a bank can fix a record in one round trip, up to {@value #MAX_VIOLATIONS}: beyond that only
 * their number is kept ({@link #omittedViolations()}), so that no request can make an error
 * larger than its bound (see {@code docs/json-formats.md}).
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
 *
 * <p>The message lists the violations, is at most {@value #MAX_MESSAGE_LENGTH} code points long
 * and, like every violation, contains no raw control, format or separator character from the
 * request: it can be logged as is.
 */
public final class InvalidRequestException extends AgriScoreException {

  /** The most violations kept per request; the rest are counted. */
  public static final int MAX_VIOLATIONS = 50;

  /** The longest message, in code points. */
  public static final int MAX_MESSAGE_LENGTH = 2048;

  private static final long serialVersionUID = 1L;

  private final String applicantId;
  private final List<Violation> violations;
  private final int omittedViolations;

  /**
   * @param applicantId the request's applicant id, or {@code null} when it could not be read; an
   *     id that breaks {@link ScoringRequest#applicantIdViolation the id rules} is not kept
   * @param violations at least one violation; those beyond {@value #MAX_VIOLATIONS} are counted
   */
  public InvalidRequestException(String applicantId, List<Violation> violations) {
    this(applicantId, violations, 0);
  }

  /**
   * @param applicantId as for {@link #InvalidRequestException(String, List)}
   * @param violations at least one violation; those beyond {@value #MAX_VIOLATIONS} are counted
   * @param omittedViolations violations already left out by the caller, added to the count
   */
  public InvalidRequestException(String applicantId, List<Violation> violations,
      int omittedViolations) {
    super(message(safeId(applicantId), kept(violations), omitted(violations, omittedViolations)));
    this.applicantId = safeId(applicantId);
    this.violations = List.copyOf(kept(violations));
    this.omittedViolations = omitted(violations, omittedViolations);
  }

  /**
   * The applicant id of the rejected request, or {@code null} if it could not be read or breaks
   * the id rules (the violations then say why).
   */
  public String applicantId() {
    return applicantId;
  }

  /**
   * The violations in the order found (envelope, then schema order, then unknown fields), at
   * most {@value #MAX_VIOLATIONS}.
   */
  public List<Violation> violations() {
    return violations;
  }

  /** How many further violations were found but not kept; usually 0. */
  public int omittedViolations() {
    return omittedViolations;
  }

  private static String safeId(String applicantId) {
    return ScoringRequest.applicantIdViolation(applicantId).isPresent() ? null : applicantId;
  }

  private static List<Violation> kept(List<Violation> violations) {
    if (violations.isEmpty()) {
      throw new IllegalArgumentException("an invalid request needs at least one violation");
    }
    return violations.subList(0, Math.min(violations.size(), MAX_VIOLATIONS));
  }

  private static int omitted(List<Violation> violations, int omittedByCaller) {
    if (omittedByCaller < 0) {
      throw new IllegalArgumentException("omittedViolations must be >= 0, got " + omittedByCaller);
    }
    return (int) Math.min(Integer.MAX_VALUE,
        (long) omittedByCaller + Math.max(0, violations.size() - MAX_VIOLATIONS));
  }

  /**
   * "invalid scoring request 'id': a; b; c", cut to fit {@value #MAX_MESSAGE_LENGTH} code points
   * with the number of violations not listed at the end.
   */
  static String message(String applicantId, List<Violation> violations, int omitted) {
    StringBuilder sb = new StringBuilder("invalid scoring request");
    if (applicantId != null) {
      sb.append(" '").append(applicantId).append('\'');
    }
    sb.append(": ");
    for (int i = 0; i < violations.size(); i++) {
      sb.append(i == 0 ? "" : "; ").append(violations.get(i));
      if (sb.length() > 2 * MAX_MESSAGE_LENGTH) {
        break; // Enough to fill the message even if every character is a surrogate pair.
      }
    }
    String tail = omitted == 0 ? "" : " (and " + omitted + " more violations not reported)";
    return Text.truncate(sb.toString(), MAX_MESSAGE_LENGTH - tail.length()) + tail;
  }
}
