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
 */
public record ScoringError(
    String applicantId,
    Kind kind,
    String message,
    List<Violation> violations,
    String modelName,
    String modelVersion,
    Instant timestamp)
    implements ScoringResult {

  /** The kinds of failure. Their names are part of the JSON error format. */
  public enum Kind {
    /** The request broke schema rules or was not a readable request; see the violations. */
    INVALID_REQUEST,
    /** The engine failed, or returned something that is not a probability. */
    ENGINE_FAILURE
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
