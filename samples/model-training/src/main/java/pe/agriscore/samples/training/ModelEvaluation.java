package pe.agriscore.samples.training;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import pe.agriscore.samples.data.Auc;
import pe.agriscore.schema.CategoricalFeature;
import pe.agriscore.schema.FeatureSchema;

/**
 * One model's test-set performance, as reported in {@code evaluation.json}.
 *
 * <pre>{@code
 * ModelEvaluation e = ModelEvaluation.of("farmer-scorecard", split.test(), testPd, schema,
 *     List.of("natural_region", "main_crop"));
 * System.out.println(e.auc() + " " + e.ece());
 * }</pre>
 *
 * @param model the model (bundle) name, or {@code oracle} for the generator's true probability
 * @param rows test rows
 * @param auc area under the ROC curve
 * @param gini {@code 2 * auc - 1}
 * @param ks Kolmogorov-Smirnov statistic
 * @param brier Brier score
 * @param logLoss mean log-loss
 * @param meanPd mean predicted probability
 * @param defaultRate observed default rate
 * @param ece expected calibration error over 10 equal-frequency bins
 * @param reliability the 10 bins
 * @param segments AUC by level of each segmenting feature
 * @param roc up to 201 points of the ROC curve, {@code [fpr, tpr]}
 */
public record ModelEvaluation(
    String model, int rows, double auc, double gini, double ks, double brier, double logLoss,
    double meanPd, double defaultRate, double ece, List<Metrics.Bin> reliability,
    Map<String, List<SegmentAuc>> segments, List<double[]> roc) {

  /** Equal-frequency calibration bins used throughout the report. */
  public static final int CALIBRATION_BINS = 10;

  /**
   * AUC within one segment.
   *
   * @param level the segment's level
   * @param rows test rows in it
   * @param defaults defaulters among them
   * @param auc the model's AUC within the segment; NaN without both outcomes
   */
  public record SegmentAuc(String level, int rows, int defaults, double auc) {}

  /**
   * Evaluates probabilities on the test rows.
   *
   * @param segmentBy categorical features to break the AUC down by
   */
  public static ModelEvaluation of(String model, List<LabeledRow> test, double[] pd,
      FeatureSchema schema, List<String> segmentBy) {
    int[] y = new int[test.size()];
    double mean = 0;
    for (int i = 0; i < y.length; i++) {
      y[i] = test.get(i).defaulted();
      mean += pd[i];
    }
    double auc = Auc.of(pd, y);
    Metrics.Calibration cal = Metrics.calibration(pd, y, CALIBRATION_BINS);
    Map<String, List<SegmentAuc>> segments = new LinkedHashMap<>();
    for (String feature : segmentBy) {
      if (!(schema.feature(feature).orElse(null) instanceof CategoricalFeature cf)) {
        throw new IllegalArgumentException("cannot segment by '" + feature
            + "': the schema has no categorical feature of that name");
      }
      List<SegmentAuc> list = new ArrayList<>();
      for (String level : cf.levels()) {
        List<Integer> idx = new ArrayList<>();
        for (int i = 0; i < test.size(); i++) {
          if (level.equals(test.get(i).request().get(feature))) {
            idx.add(i);
          }
        }
        if (idx.isEmpty()) {
          continue;
        }
        double[] p = new double[idx.size()];
        int[] yy = new int[idx.size()];
        int bad = 0;
        for (int k = 0; k < idx.size(); k++) {
          p[k] = pd[idx.get(k)];
          yy[k] = y[idx.get(k)];
          bad += yy[k];
        }
        // A segment with one outcome only has no AUC: recorded as NaN, shown as a dash.
        double segmentAuc = bad == 0 || bad == idx.size() ? Double.NaN : Auc.of(p, yy);
        list.add(new SegmentAuc(level, idx.size(), bad, segmentAuc));
      }
      segments.put(feature, list);
    }
    return new ModelEvaluation(model, y.length, auc, 2 * auc - 1, Metrics.ks(pd, y),
        Metrics.brier(pd, y), Metrics.logLoss(pd, y), mean / y.length,
        LabeledData.defaultRate(test), cal.ece(), cal.bins(), segments,
        Metrics.thin(Metrics.roc(pd, y), 201));
  }
}
