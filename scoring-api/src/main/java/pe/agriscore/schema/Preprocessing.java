package pe.agriscore.schema;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import pe.agriscore.internal.Json;

/**
 * The fitted preprocessing of a model: one {@link FeatureTransform} per schema feature, in schema
 * order. Stored as {@code preprocessing.json}; {@code Encoder.compile} turns it into the fast
 * encoder used at scoring time.
 *
 * <pre>{@code
 * Preprocessing prep = Preprocessing.fitStandard(schema, trainingRequests);
 * Encoder encoder = Encoder.compile(schema, prep);
 * float[] row = encoder.encode(request);
 * }</pre>
 *
 * @param transforms one per feature, in schema order
 */
public record Preprocessing(List<FeatureTransform> transforms) {

  /** Validates. */
  @JsonCreator
  public Preprocessing(@JsonProperty("transforms") List<FeatureTransform> transforms) {
    if (transforms == null || transforms.isEmpty()) {
      throw new IllegalArgumentException("preprocessing needs one transform per feature");
    }
    this.transforms = List.copyOf(transforms);
  }

  /**
   * Fits the standard neural-network preprocessing: numeric features standardised with the
   * training mean and population standard deviation, categorical features one-hot, booleans
   * binary. Missing or invalid values in the training rows are skipped for the statistics; a
   * feature with no valid value, or with zero spread, gets scale 1.
   *
   * @param schema the schema
   * @param trainingRows the training requests (iterated once)
   */
  public static Preprocessing fitStandard(
      pe.agriscore.schema.FeatureSchema schema,
      Iterable<pe.agriscore.scoring.ScoringRequest> trainingRows) {
    return StandardFitter.fit(schema, trainingRows);
  }

  /** This preprocessing as indented JSON. */
  public String toJson() {
    try {
      return Json.write(this);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Parses {@code preprocessing.json}.
   *
   * @throws IllegalArgumentException naming what is wrong
   */
  public static Preprocessing fromJson(String json) {
    try {
      return Json.read(json, Preprocessing.class);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException("invalid preprocessing JSON: " + Json.describe(e), e);
    }
  }
}
