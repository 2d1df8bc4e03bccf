package pe.agriscore.schema;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;

/**
 * How one feature becomes model columns; fitted at training time and stored in {@code
 * preprocessing.json}. Every feature whose schema imputes missing values gets one more column, a
 * missing indicator (1 when the value was imputed), after the transform's own columns.
 *
 * <p>The transforms and their JSON names:
 *
 * <table>
 *   <caption>transforms</caption>
 *   <tr><th>JSON</th><th>feature</th><th>columns</th><th>value</th></tr>
 *   <tr><td>{@code standardize}</td><td>numeric</td><td>1</td><td>{@code (x - mean) / scale}</td></tr>
 *   <tr><td>{@code raw}</td><td>numeric</td><td>1</td><td>{@code x}</td></tr>
 *   <tr><td>{@code woe_bins}</td><td>numeric</td><td>1</td><td>weight of evidence of x's bin</td></tr>
 *   <tr><td>{@code one_hot}</td><td>categorical</td><td>one per level</td><td>1 for the level, else 0</td></tr>
 *   <tr><td>{@code index}</td><td>categorical</td><td>1</td><td>the level's position in the schema</td></tr>
 *   <tr><td>{@code woe_levels}</td><td>categorical</td><td>1</td><td>weight of evidence of the level</td></tr>
 *   <tr><td>{@code binary}</td><td>boolean</td><td>1</td><td>1 for true, 0 for false</td></tr>
 * </table>
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "transform")
@JsonSubTypes({
  @JsonSubTypes.Type(value = FeatureTransform.Standardize.class, name = "standardize"),
  @JsonSubTypes.Type(value = FeatureTransform.Raw.class, name = "raw"),
  @JsonSubTypes.Type(value = FeatureTransform.WoeBins.class, name = "woe_bins"),
  @JsonSubTypes.Type(value = FeatureTransform.OneHot.class, name = "one_hot"),
  @JsonSubTypes.Type(value = FeatureTransform.Index.class, name = "index"),
  @JsonSubTypes.Type(value = FeatureTransform.WoeLevels.class, name = "woe_levels"),
  @JsonSubTypes.Type(value = FeatureTransform.Binary.class, name = "binary")
})
public sealed interface FeatureTransform {

  /** The feature this transform applies to. */
  String feature();

  /**
   * Numeric standardisation: {@code (float) ((x - mean) / scale)}, computed in double and
   * rounded once, so that training and scoring give bit-identical floats.
   *
   * @param feature the feature
   * @param mean the training mean
   * @param scale the training standard deviation (positive)
   */
  record Standardize(String feature, double mean, double scale) implements FeatureTransform {
    /** Validates. */
    @JsonCreator
    public Standardize(
        @JsonProperty("feature") String feature,
        @JsonProperty("mean") double mean,
        @JsonProperty("scale") double scale) {
      this.feature = Objects.requireNonNull(feature, "feature");
      if (!Double.isFinite(mean) || !(scale > 0) || !Double.isFinite(scale)) {
        throw new IllegalArgumentException(
            feature + ": standardize needs a finite mean and a positive scale");
      }
      this.mean = mean;
      this.scale = scale;
    }
  }

  /**
   * The number itself, for linear scorecard terms.
   *
   * @param feature the feature
   */
  record Raw(@JsonProperty("feature") String feature) implements FeatureTransform {}

  /**
   * Weight of evidence over numeric bins. Bin {@code i} holds values {@code <= upperEdges[i]} and
   * above the previous edge; the last bin holds everything above the last edge.
   *
   * @param feature the feature
   * @param upperEdges strictly increasing bin upper edges
   * @param woe one weight of evidence per bin ({@code upperEdges.length + 1} values)
   */
  record WoeBins(String feature, double[] upperEdges, double[] woe) implements FeatureTransform {
    /** Validates. */
    @JsonCreator
    public WoeBins(
        @JsonProperty("feature") String feature,
        @JsonProperty("upperEdges") double[] upperEdges,
        @JsonProperty("woe") double[] woe) {
      this.feature = Objects.requireNonNull(feature, "feature");
      if (upperEdges == null || woe == null || woe.length != upperEdges.length + 1) {
        throw new IllegalArgumentException(
            feature + ": woe_bins needs n upperEdges and n + 1 woe values");
      }
      for (int i = 1; i < upperEdges.length; i++) {
        if (!(upperEdges[i] > upperEdges[i - 1])) {
          throw new IllegalArgumentException(feature + ": upperEdges must strictly increase");
        }
      }
      for (double w : woe) {
        if (!Double.isFinite(w)) {
          throw new IllegalArgumentException(feature + ": woe values must be finite");
        }
      }
      this.upperEdges = upperEdges.clone();
      this.woe = woe.clone();
    }

    @Override
    public double[] upperEdges() {
      return upperEdges.clone();
    }

    @Override
    public double[] woe() {
      return woe.clone();
    }

    /** The weight of evidence of {@code x}'s bin. */
    public double woeOf(double x) {
      int bin = Arrays.binarySearch(upperEdges, x);
      return woe[bin >= 0 ? bin : -bin - 1];
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof WoeBins w
          && feature.equals(w.feature)
          && Arrays.equals(upperEdges, w.upperEdges)
          && Arrays.equals(woe, w.woe);
    }

    @Override
    public int hashCode() {
      return Objects.hash(feature, Arrays.hashCode(upperEdges), Arrays.hashCode(woe));
    }

    @Override
    public String toString() {
      return "WoeBins[" + feature + ", " + Arrays.toString(upperEdges) + ", "
          + Arrays.toString(woe) + "]";
    }
  }

  /**
   * One column per schema level, in schema order.
   *
   * @param feature the feature
   */
  record OneHot(@JsonProperty("feature") String feature) implements FeatureTransform {}

  /**
   * The level's zero-based position in the schema's level list, as one column.
   *
   * @param feature the feature
   */
  record Index(@JsonProperty("feature") String feature) implements FeatureTransform {}

  /**
   * Weight of evidence per level; every schema level must have one.
   *
   * @param feature the feature
   * @param woe weight of evidence by level
   */
  record WoeLevels(String feature, Map<String, Double> woe) implements FeatureTransform {
    /** Validates. */
    @JsonCreator
    public WoeLevels(
        @JsonProperty("feature") String feature, @JsonProperty("woe") Map<String, Double> woe) {
      this.feature = Objects.requireNonNull(feature, "feature");
      if (woe == null || woe.isEmpty()) {
        throw new IllegalArgumentException(feature + ": woe_levels needs a 'woe' map");
      }
      for (Map.Entry<String, Double> e : woe.entrySet()) {
        if (e.getValue() == null || !Double.isFinite(e.getValue())) {
          throw new IllegalArgumentException(
              feature + ": woe of level '" + e.getKey() + "' must be finite");
        }
      }
      this.woe = Map.copyOf(woe);
    }
  }

  /**
   * 1 for true, 0 for false.
   *
   * @param feature the feature
   */
  record Binary(@JsonProperty("feature") String feature) implements FeatureTransform {}
}
