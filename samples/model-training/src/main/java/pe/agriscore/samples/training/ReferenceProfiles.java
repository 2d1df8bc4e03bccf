package pe.agriscore.samples.training;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import pe.agriscore.schema.BooleanFeature;
import pe.agriscore.schema.CategoricalFeature;
import pe.agriscore.schema.Feature;
import pe.agriscore.schema.FeatureSchema;
import pe.agriscore.schema.NumericFeature;
import pe.agriscore.schema.ReferenceProfile.FeatureProfile;
import pe.agriscore.schema.ReferenceProfile;

/**
 * Builds a bundle's {@link ReferenceProfile} from the training rows: per feature the baseline
 * reason codes compare against (median of a numeric feature, most frequent value of a categorical
 * or boolean one), the missing rate, the mean and deciles or the level shares; and the training
 * distribution of the model's predicted probability of default.
 *
 * <pre>{@code
 * ReferenceProfile profile = ReferenceProfiles.of(schema, split.train(), trainingPd);
 * }</pre>
 */
public final class ReferenceProfiles {

  private ReferenceProfiles() {}

  /**
   * The profile.
   *
   * @param trainingPd the model's probability for each training row, or null for a provisional
   *     profile without the score distribution
   */
  public static ReferenceProfile of(FeatureSchema schema, List<LabeledRow> train,
      double[] trainingPd) {
    Map<String, FeatureProfile> features = new LinkedHashMap<>();
    for (Feature f : schema.features()) {
      features.put(f.name(), profile(f, train));
    }
    ReferenceProfile.ScoreProfile score = null;
    if (trainingPd != null) {
      double[] sorted = trainingPd.clone();
      Arrays.sort(sorted);
      score = new ReferenceProfile.ScoreProfile(round(mean(sorted)), deciles(sorted),
          round(LabeledData.defaultRate(train)));
    }
    return new ReferenceProfile(train.size(), features, score);
  }

  private static FeatureProfile profile(Feature f, List<LabeledRow> train) {
    int missing = 0;
    if (f instanceof NumericFeature) {
      double[] values = new double[train.size()];
      int n = 0;
      for (LabeledRow r : train) {
        if (r.request().get(f.name()) instanceof Double d) {
          values[n++] = d;
        } else {
          missing++;
        }
      }
      if (n == 0) {
        throw new IllegalArgumentException("feature '" + f.name()
            + "' has no observed value in the training rows; it cannot be profiled");
      }
      double[] sorted = Arrays.copyOf(values, n);
      Arrays.sort(sorted);
      return new FeatureProfile(quantile(sorted, 0.5), round((double) missing / train.size()),
          round(mean(sorted)), deciles(sorted), null);
    }
    Map<String, Long> counts = new LinkedHashMap<>();
    if (f instanceof CategoricalFeature cf) {
      for (String level : cf.levels()) {
        counts.put(level, 0L);
      }
    } else if (f instanceof BooleanFeature) {
      counts.put("false", 0L);
      counts.put("true", 0L);
    }
    long observed = 0;
    for (LabeledRow r : train) {
      Object v = r.request().get(f.name());
      if (v == null) {
        missing++;
      } else {
        counts.merge(String.valueOf(v), 1L, Long::sum);
        observed++;
      }
    }
    if (observed == 0) {
      throw new IllegalArgumentException("feature '" + f.name()
          + "' has no observed value in the training rows; it cannot be profiled");
    }
    String mode = null;
    Map<String, Double> shares = new LinkedHashMap<>();
    for (Map.Entry<String, Long> e : counts.entrySet()) {
      if (mode == null || e.getValue() > counts.get(mode)) {
        mode = e.getKey();
      }
      shares.put(e.getKey(), round((double) e.getValue() / observed));
    }
    Object baseline = f instanceof BooleanFeature ? (Object) Boolean.valueOf(mode) : mode;
    return new FeatureProfile(baseline, round((double) missing / train.size()), null, null,
        shares);
  }

  /** The 0th, 10th, ..., 100th percentiles of sorted values. */
  static List<Double> deciles(double[] sorted) {
    List<Double> q = new ArrayList<>(11);
    for (int k = 0; k <= 10; k++) {
      q.add(round(quantile(sorted, k / 10.0)));
    }
    return q;
  }

  /** Linear interpolation between order statistics (R's type 7). */
  static double quantile(double[] sorted, double p) {
    double h = (sorted.length - 1) * p;
    int lo = (int) Math.floor(h);
    int hi = Math.min(lo + 1, sorted.length - 1);
    return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
  }

  private static double mean(double[] v) {
    double s = 0;
    for (double x : v) {
      s += x;
    }
    return s / v.length;
  }

  /** Six significant digits keep reference.json readable; these are statistics, not inputs. */
  private static double round(double v) {
    if (v == 0 || !Double.isFinite(v)) {
      return v;
    }
    return new java.math.BigDecimal(v).round(new java.math.MathContext(6)).doubleValue();
  }
}
