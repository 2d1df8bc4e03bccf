package pe.agriscore.bundle;

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

  /** Validates. */
  @JsonCreator
  public ReferenceProfile(
      @JsonProperty("rows") long rows,
      @JsonProperty("features") Map<String, FeatureProfile> features,
      @JsonProperty("score") ScoreProfile score) {
    this.rows = rows;
    if (features == null || features.isEmpty()) {
      throw new IllegalArgumentException("'features' must profile every schema feature");
    }
    this.features = java.util.Collections.unmodifiableMap(new TreeMap<>(features));
    this.score = score;
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
      this.missingRate = missingRate;
      this.mean = mean;
      this.quantiles = quantiles == null ? null : List.copyOf(quantiles);
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
      @JsonProperty("defaultRate") Double defaultRate) {}
}
