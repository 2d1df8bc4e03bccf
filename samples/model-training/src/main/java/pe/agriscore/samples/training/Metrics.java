package pe.agriscore.samples.training;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Discrimination (KS, ROC) and calibration measures of predicted probabilities of default against
 * observed outcomes ({@code 1} = default); the AUC is {@link pe.agriscore.samples.data.Auc}. All
 * methods are pure functions of their arguments.
 *
 * <pre>{@code
 * double auc = Auc.of(pd, defaulted);   // pe.agriscore.samples.data.Auc
 * Metrics.Calibration c = Metrics.calibration(pd, defaulted, 10);
 * System.out.printf("AUC %.3f  Gini %.3f  KS %.3f  ECE %.4f%n",
 *     auc, 2 * auc - 1, Metrics.ks(pd, defaulted), c.ece());
 * }</pre>
 */
public final class Metrics {

  private Metrics() {}

  private static long defaults(int[] defaulted) {
    long bad = 0;
    for (int y : defaulted) {
      bad += y;
    }
    return bad;
  }

  /** The Kolmogorov-Smirnov statistic: the largest gap between the score CDFs of bads and goods. */
  public static double ks(double[] score, int[] defaulted) {
    List<double[]> roc = roc(score, defaulted);
    double ks = 0;
    for (double[] p : roc) {
      ks = Math.max(ks, p[1] - p[0]);
    }
    return ks;
  }

  /** The mean squared difference between probability and outcome. */
  public static double brier(double[] pd, int[] defaulted) {
    check(pd, defaulted);
    double sum = 0;
    for (int i = 0; i < pd.length; i++) {
      double d = pd[i] - defaulted[i];
      sum += d * d;
    }
    return sum / pd.length;
  }

  /** The mean negative log-likelihood, probabilities clipped to [1e-15, 1 - 1e-15]. */
  public static double logLoss(double[] pd, int[] defaulted) {
    check(pd, defaulted);
    double sum = 0;
    for (int i = 0; i < pd.length; i++) {
      double p = Math.min(Math.max(pd[i], 1e-15), 1 - 1e-15);
      sum -= defaulted[i] == 1 ? Math.log(p) : Math.log(1 - p);
    }
    return sum / pd.length;
  }

  /**
   * The ROC curve as (false positive rate, true positive rate) points from (0, 0) to (1, 1), one
   * point per distinct score, scanning from the highest score down.
   */
  public static List<double[]> roc(double[] score, int[] defaulted) {
    check(score, defaulted);
    Integer[] order = order(score);
    long bad = defaults(defaulted);
    long good = defaulted.length - bad;
    List<double[]> points = new ArrayList<>();
    points.add(new double[] {0, 0});
    long tp = 0;
    long fp = 0;
    int i = order.length - 1;
    while (i >= 0) {
      int j = i;
      while (j - 1 >= 0 && score[order[j - 1]] == score[order[i]]) {
        j--;
      }
      for (int k = j; k <= i; k++) {
        if (defaulted[order[k]] == 1) {
          tp++;
        } else {
          fp++;
        }
      }
      points.add(new double[] {
          good == 0 ? 0 : (double) fp / good, bad == 0 ? 0 : (double) tp / bad});
      i = j - 1;
    }
    return points;
  }

  /** At most {@code max} points of a curve, evenly spread along it, first and last kept. */
  public static List<double[]> thin(List<double[]> curve, int max) {
    if (curve.size() <= max) {
      return curve;
    }
    List<double[]> out = new ArrayList<>(max);
    for (int k = 0; k < max; k++) {
      out.add(curve.get((int) Math.round((double) k * (curve.size() - 1) / (max - 1))));
    }
    return out;
  }

  /**
   * One bin of a reliability table.
   *
   * @param rows rows in the bin
   * @param minPd smallest predicted probability in the bin
   * @param maxPd largest predicted probability in the bin
   * @param meanPd mean predicted probability
   * @param observedRate observed default rate
   */
  public record Bin(int rows, double minPd, double maxPd, double meanPd, double observedRate) {}

  /**
   * Calibration with equal-frequency bins.
   *
   * @param ece expected calibration error: the row-weighted mean of {@code |meanPd -
   *     observedRate|} over the bins
   * @param bins the reliability table, from the lowest predicted probability up
   */
  public record Calibration(double ece, List<Bin> bins) {}

  /**
   * Calibration over {@code binCount} equal-frequency bins of the predicted probability (rows
   * sorted by probability and cut into groups of equal size; the first {@code n % binCount} bins
   * get one row more). Equal-frequency rather than equal-width because default rates are low:
   * equal-width bins would put most rows in the first one or two bins.
   */
  public static Calibration calibration(double[] pd, int[] defaulted, int binCount) {
    check(pd, defaulted);
    if (binCount < 1 || binCount > pd.length) {
      throw new IllegalArgumentException(
          "binCount must be in [1, " + pd.length + "], got " + binCount);
    }
    Integer[] order = order(pd);
    int n = pd.length;
    List<Bin> bins = new ArrayList<>(binCount);
    double ece = 0;
    int start = 0;
    for (int b = 0; b < binCount; b++) {
      int size = n / binCount + (b < n % binCount ? 1 : 0);
      double sumPd = 0;
      double bad = 0;
      for (int k = start; k < start + size; k++) {
        sumPd += pd[order[k]];
        bad += defaulted[order[k]];
      }
      double meanPd = sumPd / size;
      double rate = bad / size;
      bins.add(new Bin(size, pd[order[start]], pd[order[start + size - 1]], meanPd, rate));
      ece += (double) size / n * Math.abs(meanPd - rate);
      start += size;
    }
    return new Calibration(ece, List.copyOf(bins));
  }

  /** Indices sorted by ascending score (stable). */
  private static Integer[] order(double[] score) {
    Integer[] order = new Integer[score.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Double.compare(score[a], score[b]));
    return order;
  }

  private static void check(double[] score, int[] defaulted) {
    if (score.length != defaulted.length || score.length == 0) {
      throw new IllegalArgumentException("need as many scores as outcomes, and at least one; got "
          + score.length + " and " + defaulted.length);
    }
    for (int i = 0; i < score.length; i++) {
      if (Double.isNaN(score[i])) {
        throw new IllegalArgumentException("score " + i + " is NaN");
      }
      if (defaulted[i] != 0 && defaulted[i] != 1) {
        throw new IllegalArgumentException("outcome " + i + " is " + defaulted[i] + ", not 0 or 1");
      }
    }
  }
}
