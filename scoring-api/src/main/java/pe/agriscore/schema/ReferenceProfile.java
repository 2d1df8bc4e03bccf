package pe.agriscore.schema;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * {@code reference.json}: the training population, feature by feature and for the score. It is
 * the baseline that reason codes are measured against and the reference for drift monitoring.
 *
 * <pre>{@code
 * {"rows": 50000,
 *  "features": {
 *    "farm_size_ha": {"baseline": 2.1, "missingRate": 0.0, "mean": 3.4,
 *                     "quantiles": [0.1, 0.6, ..., 120.0]},
 *    "main_crop": {"baseline": "potato", "frequencies": {"potato": 0.31, "coffee": 0.18}}},
 *  "score": {"mean": 0.10, "quantiles": [...], "defaultRate": 0.10}}
 * }</pre>
 *
 * @param rows number of training rows profiled
 * @param features one profile per schema feature
 * @param score the distribution of the predicted probability of default on the training rows
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ReferenceProfile(long rows, Map<String, FeatureProfile> features, ScoreProfile score) {

  /** Validates: {@code rows} is required and positive, every statistic is in range. */
  public ReferenceProfile {
    if (rows <= 0) {
      throw new IllegalArgumentException("'rows' (the number of training rows profiled) must be"
          + " positive, got " + rows);
    }
    if (features == null || features.isEmpty()) {
      throw new IllegalArgumentException("'features' must profile every schema feature");
    }
    features = java.util.Collections.unmodifiableMap(new TreeMap<>(features));
  }

  @JsonCreator
  static ReferenceProfile fromJson(
      @JsonProperty("rows") Long rows,
      @JsonProperty("features") Map<String, FeatureProfile> features,
      @JsonProperty("score") ScoreProfile score) {
    if (rows == null) {
      throw new IllegalArgumentException("'rows' (the number of training rows profiled) is"
          + " required");
    }
    return new ReferenceProfile(rows, features, score);
  }

  /**
   * One feature's training distribution.
   *
   * @param baseline the typical value reason codes compare against: for a numeric feature usually
   *     the median, for a categorical or boolean one the most frequent value
   * @param missingRate share of training rows where the value was missing
   * @param mean mean of the non-missing values (numeric features)
   * @param quantiles the 0, 10, ..., 100th percentiles (numeric features)
   * @param frequencies share of each level (categorical and boolean features)
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record FeatureProfile(
      Object baseline,
      Double missingRate,
      Double mean,
      List<Double> quantiles,
      Map<String, Double> frequencies) {
    /** Validates. */
    @JsonCreator
    public FeatureProfile(
        @JsonProperty("baseline") Object baseline,
        @JsonProperty("missingRate") Double missingRate,
        @JsonProperty("mean") Double mean,
        @JsonProperty("quantiles") List<Double> quantiles,
        @JsonProperty("frequencies") Map<String, Double> frequencies) {
      this.baseline = Objects.requireNonNull(baseline, "every feature needs a 'baseline'");
      this.missingRate = share("missingRate", missingRate);
      this.mean = finite("mean", mean);
      this.quantiles = checkQuantiles("quantiles", quantiles, false);
      if (frequencies != null) {
        for (Map.Entry<String, Double> e : frequencies.entrySet()) {
          share("frequencies." + e.getKey(), e.getValue());
        }
      }
      this.frequencies =
          frequencies == null ? null : java.util.Collections.unmodifiableMap(new TreeMap<>(frequencies));
    }
  }

  /**
   * The training distribution of the predicted probability of default.
   *
   * @param mean mean predicted probability
   * @param quantiles the 0, 10, ..., 100th percentiles of the predicted probability
   * @param defaultRate observed default rate in the training rows
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record ScoreProfile(
      @JsonProperty("mean") Double mean,
      @JsonProperty("quantiles") List<Double> quantiles,
      @JsonProperty("defaultRate") Double defaultRate) {
    /** Validates: every value is a probability. */
    public ScoreProfile {
      share("mean", mean);
      quantiles = checkQuantiles("quantiles", quantiles, true);
      share("defaultRate", defaultRate);
    }
  }

  private static Double share(String field, Double v) {
    if (v != null && !(v >= 0 && v <= 1)) {
      throw new IllegalArgumentException("'" + field + "' must be in [0, 1], got " + v);
    }
    return v;
  }

  private static Double finite(String field, Double v) {
    if (v != null && !Double.isFinite(v)) {
      throw new IllegalArgumentException("'" + field + "' must be finite, got " + v);
    }
    return v;
  }

  /** Finite (probabilities if {@code shares}), in non-decreasing order. */
  private static List<Double> checkQuantiles(String field, List<Double> q, boolean shares) {
    if (q == null) {
      return null;
    }
    for (int i = 0; i < q.size(); i++) {
      Double v = q.get(i);
      if (v == null || !Double.isFinite(v) || shares && !(v >= 0 && v <= 1)) {
        throw new IllegalArgumentException("'" + field + "[" + i + "]' must be "
            + (shares ? "in [0, 1]" : "finite") + ", got " + v);
      }
      if (i > 0 && v < q.get(i - 1)) {
        throw new IllegalArgumentException("'" + field + "' must be in non-decreasing order,"
            + " but [" + i + "] = " + v + " is below [" + (i - 1) + "] = " + q.get(i - 1));
      }
    }
    return List.copyOf(q);
  }
}
