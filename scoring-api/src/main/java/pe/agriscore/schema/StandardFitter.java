package pe.agriscore.schema;

import java.util.ArrayList;
import java.util.List;
import pe.agriscore.schema.BooleanFeature;
import pe.agriscore.schema.CategoricalFeature;
import pe.agriscore.schema.Feature;
import pe.agriscore.schema.FeatureSchema;
import pe.agriscore.schema.NumericFeature;
import pe.agriscore.scoring.ScoringRequest;

/** Fits {@link Preprocessing#fitStandard}: Welford mean and variance, one pass. */
final class StandardFitter {

  private StandardFitter() {}

  static Preprocessing fit(FeatureSchema schema, Iterable<ScoringRequest> rows) {
    List<Feature> features = schema.features();
    int n = features.size();
    long[] count = new long[n];
    double[] mean = new double[n];
    double[] m2 = new double[n];
    for (ScoringRequest row : rows) {
      for (int i = 0; i < n; i++) {
        Feature f = features.get(i);
        if (f instanceof NumericFeature nf
            && row.get(f.name()) instanceof Double x
            && Double.isFinite(x)
            && x >= nf.min()
            && x <= nf.max()) {
          count[i]++;
          double delta = x - mean[i];
          mean[i] += delta / count[i];
          m2[i] += delta * (x - mean[i]);
        }
      }
    }
    List<FeatureTransform> transforms = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      Feature f = features.get(i);
      if (f instanceof NumericFeature) {
        double sd = count[i] > 0 ? Math.sqrt(m2[i] / count[i]) : 0;
        transforms.add(
            new FeatureTransform.Standardize(f.name(), count[i] > 0 ? mean[i] : 0, sd > 0 ? sd : 1));
      } else if (f instanceof CategoricalFeature) {
        transforms.add(new FeatureTransform.OneHot(f.name()));
      } else if (f instanceof BooleanFeature) {
        transforms.add(new FeatureTransform.Binary(f.name()));
      }
    }
    return new Preprocessing(transforms);
  }
}
