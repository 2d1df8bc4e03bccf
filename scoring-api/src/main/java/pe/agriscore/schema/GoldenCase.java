package pe.agriscore.schema;

import java.util.Objects;
import pe.agriscore.scoring.ScoringRequest;

/**
 * One entry of {@code golden.json}: a request and the probability the model produced for it when
 * the bundle was made. Loading runs every case through the engine and refuses the bundle on any
 * difference larger than the file's tolerance.
 *
 * @param id the case name, used in error messages
 * @param request the request, in the JSON wire format inside the file
 * @param probability the expected probability of default
 */
public record GoldenCase(String id, ScoringRequest request, double probability) {

  /** Validates. */
  public GoldenCase {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(request, "request");
    if (!(probability >= 0 && probability <= 1)) {
      throw new IllegalArgumentException(
          "golden case '" + id + "': probability " + probability + " is not in [0, 1]");
    }
  }
}
