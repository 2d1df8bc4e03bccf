package pe.agriscore.scoring;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import pe.agriscore.request.Violation;

/**
 * Why one request could not be scored.
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
 */
public record ScoringError(
    String applicantId,
    Kind kind,
    String message,
    List<Violation> violations,
    String modelName,
    String modelVersion,
    Instant timestamp,
    String exceptionClass)
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

  /** Validates. */
  public ScoringError {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(message, "message");
    violations = List.copyOf(violations);
    Objects.requireNonNull(modelName, "modelName");
    Objects.requireNonNull(modelVersion, "modelVersion");
    Objects.requireNonNull(timestamp, "timestamp");
  }
}
