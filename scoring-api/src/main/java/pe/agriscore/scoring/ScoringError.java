package pe.agriscore.scoring;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import pe.agriscore.internal.Text;
import pe.agriscore.scoring.InvalidRequestException;
import pe.agriscore.scoring.Violation;

/**
 * Why one request could not be scored.
 *
 * <p>Bounded whatever the request: at most {@link InvalidRequestException#MAX_VIOLATIONS}
 * violations are kept (the rest are counted in {@code omittedViolations}), and the message is
 * made safe to log and cut to {@link InvalidRequestException#MAX_MESSAGE_LENGTH} code points, as
 * an {@link InvalidRequestException}'s is.
 *
 * @param applicantId the request's applicant id, or {@code null} when it could not be read
 * @param kind what kind of failure
 * @param message a readable summary
 * @param violations the broken rules, field by field (empty for engine failures)
 * @param modelName the model that was asked
 * @param modelVersion its version
 * @param timestamp when the error occurred
 * @param exceptionClass the class name of the exception behind an engine failure, for example
 *     {@code pe.agriscore.engine.EngineException}, or {@code null} when no exception was thrown
 *     (invalid requests; an engine that returned something that is not a probability)
 * @param omittedViolations how many further violations were found but not kept (see {@link
 *     InvalidRequestException#omittedViolations()}); 0 for engine failures
 */
public record ScoringError(
    String applicantId,
    Kind kind,
    String message,
    List<Violation> violations,
    String modelName,
    String modelVersion,
    Instant timestamp,
    String exceptionClass,
    int omittedViolations)
    implements ScoringResult {

  /** The kinds of failure. Their names are part of the JSON error format. */
  public enum Kind {
    /** The request broke schema rules or was not a readable request; see the violations. */
    INVALID_REQUEST,
    /** The engine failed, or returned something that is not a probability. */
    ENGINE_FAILURE
  }

  /** An error that no exception caused: an invalid request, or a value that is no probability. */
  public ScoringError(String applicantId, Kind kind, String message, List<Violation> violations,
      String modelName, String modelVersion, Instant timestamp) {
    this(applicantId, kind, message, violations, modelName, modelVersion, timestamp, null);
  }

  /** An error with every violation kept (up to the bound) and none omitted. */
  public ScoringError(String applicantId, Kind kind, String message, List<Violation> violations,
      String modelName, String modelVersion, Instant timestamp, String exceptionClass) {
    this(applicantId, kind, message, violations, modelName, modelVersion, timestamp,
        exceptionClass, 0);
  }

  /** The error for a request that {@code e} rejected. */
  public static ScoringError invalidRequest(InvalidRequestException e, String modelName,
      String modelVersion, Instant timestamp) {
    return new ScoringError(e.applicantId(), Kind.INVALID_REQUEST, e.getMessage(),
        e.violations(), modelName, modelVersion, timestamp, null, e.omittedViolations());
  }

  /**
   * The error for a request whose scoring call threw {@code cause}: the one wording of an engine
   * failure, {@code engine '<engine>' failed: <cause's message>}, used by {@link
   * pe.agriscore.CreditScorer#scoreAll} and by the adapters that call it, so a log, a JSON error
   * and a Kafka dead letter read the same. {@link #exceptionClass()} is the cause's class name.
   *
   * @param applicantId the request's applicant id, or {@code null} when it could not be read
   * @param engine the engine's name, as in {@link pe.agriscore.ModelDescription#engine()}
   * @param cause what the call threw; a cause without a message is named by its class
   * @throws NullPointerException if {@code engine}, {@code cause} or a model field is null
   */
  public static ScoringError engineFailure(String applicantId, String engine, Throwable cause,
      String modelName, String modelVersion, Instant timestamp) {
    Objects.requireNonNull(engine, "engine");
    String what = cause.getMessage() != null ? cause.getMessage() : cause.getClass().getName();
    return new ScoringError(applicantId, Kind.ENGINE_FAILURE,
        "engine '" + engine + "' failed: " + what, List.of(), modelName, modelVersion, timestamp,
        cause.getClass().getName());
  }

  /** Validates and bounds (see the class comment). */
  public ScoringError {
    Objects.requireNonNull(kind, "kind");
    message = Text.safe(Objects.requireNonNull(message, "message"),
        InvalidRequestException.MAX_MESSAGE_LENGTH);
    if (omittedViolations < 0) {
      throw new IllegalArgumentException("omittedViolations must be >= 0");
    }
    int max = InvalidRequestException.MAX_VIOLATIONS;
    if (violations.size() > max) {
      omittedViolations = (int) Math.min(Integer.MAX_VALUE,
          (long) omittedViolations + violations.size() - max);
      violations = violations.subList(0, max);
    }
    violations = List.copyOf(violations);
    Objects.requireNonNull(modelName, "modelName");
    Objects.requireNonNull(modelVersion, "modelVersion");
    Objects.requireNonNull(timestamp, "timestamp");
  }
}
