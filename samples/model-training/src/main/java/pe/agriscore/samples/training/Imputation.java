package pe.agriscore.samples.training;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import pe.agriscore.schema.BooleanFeature;
import pe.agriscore.schema.CategoricalFeature;
import pe.agriscore.schema.Feature;
import pe.agriscore.schema.FeatureSchema;
import pe.agriscore.schema.MissingPolicy;
import pe.agriscore.schema.NumericFeature;

/**
 * Imputation values fitted on training rows instead of written into the schema by hand: the
 * median of a numeric feature, the most frequent value of a categorical or boolean one (ties go
 * to the first level, or {@code false}).
 *
 * <pre>{@code
 * FeatureSchema reading = Imputation.placeholders(schema);    // reads rows with missing cells
 * FeatureSchema fitted = Imputation.fit(schema, trainingRows); // what the bundles carry
 * }</pre>
 */
final class Imputation {

  private Imputation() {}

  /**
   * {@code schema} with every feature accepting a missing value (imputing an in-range
   * placeholder), so that rows with missing cells read; the placeholders never reach a model.
   */
  static FeatureSchema placeholders(FeatureSchema schema) {
    List<Feature> out = new ArrayList<>();
    for (Feature f : schema.features()) {
      out.add(f.missing().imputes() ? f : with(f, placeholder(f)));
    }
    return new FeatureSchema(schema.name(), schema.version(), out);
  }

  /** {@code schema} with each feature imputing the value fitted on {@code train}. */
  static FeatureSchema fit(FeatureSchema schema, List<LabeledRow> train) {
    List<Feature> out = new ArrayList<>();
    for (Feature f : schema.features()) {
      List<Object> seen = new ArrayList<>();
      for (LabeledRow r : train) {
        Object v = r.request().get(f.name());
        if (v != null) {
          seen.add(v);
        }
      }
      if (seen.isEmpty()) {
        throw new TrainingPipeline.UnusableDataException("cannot fit an imputation value for '"
            + f.name() + "': every training row is missing it");
      }
      out.add(with(f, f instanceof NumericFeature ? median(seen) : mode(f, seen)));
    }
    return new FeatureSchema(schema.name(), schema.version(), out);
  }

  /** One {@code name=value} per feature, for the log. */
  static String describe(FeatureSchema schema) {
    return schema.features().stream().map(f -> f.name() + "=" + f.missing().value())
        .collect(Collectors.joining(", "));
  }

  private static Object placeholder(Feature f) {
    if (f instanceof NumericFeature n) {
      return n.min();
    }
    if (f instanceof CategoricalFeature c) {
      return c.levels().get(0);
    }
    return Boolean.FALSE;
  }

  private static double median(List<Object> values) {
    double[] v = values.stream().mapToDouble(o -> (Double) o).toArray();
    Arrays.sort(v);
    int n = v.length;
    return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  }

  private static Object mode(Feature f, List<Object> values) {
    Map<String, Integer> count = new TreeMap<>();
    for (Object v : values) {
      count.merge(String.valueOf(v), 1, Integer::sum);
    }
    List<String> order = f instanceof CategoricalFeature c ? c.levels() : List.of("false", "true");
    String best = null;
    for (String level : order) {
      if (best == null || count.getOrDefault(level, 0) > count.getOrDefault(best, 0)) {
        best = level;
      }
    }
    return f instanceof BooleanFeature ? (Object) Boolean.valueOf(best) : best;
  }

  private static Feature with(Feature f, Object value) {
    MissingPolicy p = MissingPolicy.impute(value);
    if (f instanceof NumericFeature n) {
      return n.withMissing(p);
    }
    if (f instanceof CategoricalFeature c) {
      return c.withMissing(p);
    }
    return ((BooleanFeature) f).withMissing(p);
  }
}
