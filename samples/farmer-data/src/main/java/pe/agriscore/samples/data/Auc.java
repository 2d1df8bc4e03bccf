package pe.agriscore.samples.data;

import java.util.Arrays;

/**
 * The exact area under the ROC curve: the probability that a random defaulter is scored above a
 * random non-defaulter, ties counting one half (the Mann-Whitney statistic with mid-ranks).
 *
 * <pre>{@code
 * double oracle = Auc.of(truePds, defaulted);     // the best any model can do on this data
 * double model = Auc.of(predictions, defaulted);
 * double ratio = model / oracle;
 * }</pre>
 *
 * <p>{@code O(n log n)}; no sampling, no binning. The samples' one AUC: the generator's oracle, the
 * training pipeline's metrics and its early stopping all use it.
 */
public final class Auc {

  private Auc() {}

  /**
   * The AUC of {@code scores} against outcomes {@code 1} (positive, e.g. a default) and {@code 0}.
   *
   * @throws IllegalArgumentException if the lengths differ, a score is NaN, an outcome is neither
   *     0 nor 1, or one class is empty
   */
  public static double of(double[] scores, int[] outcome) {
    boolean[] positive = new boolean[outcome.length];
    for (int i = 0; i < outcome.length; i++) {
      if (outcome[i] != 0 && outcome[i] != 1) {
        throw new IllegalArgumentException("outcome " + i + " is " + outcome[i]
            + "; expected 0 or 1");
      }
      positive[i] = outcome[i] == 1;
    }
    return of(scores, positive);
  }

  /**
   * The AUC of {@code scores} (higher means more likely positive) against {@code positive}.
   *
   * @throws IllegalArgumentException if the lengths differ, a score is NaN, or one class is empty
   */
  public static double of(double[] scores, boolean[] positive) {
    int n = scores.length;
    if (positive.length != n) {
      throw new IllegalArgumentException(
          "scores has " + n + " entries but labels has " + positive.length);
    }
    long positives = 0;
    for (int i = 0; i < n; i++) {
      if (Double.isNaN(scores[i])) {
        throw new IllegalArgumentException("score " + i + " is NaN");
      }
      positives += positive[i] ? 1 : 0;
    }
    long negatives = n - positives;
    if (positives == 0 || negatives == 0) {
      throw new IllegalArgumentException("AUC needs both classes; got " + positives
          + " positives and " + negatives + " negatives");
    }
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Double.compare(scores[a], scores[b]));
    double positiveRankSum = 0;
    int i = 0;
    while (i < n) {
      int j = i;
      while (j + 1 < n && scores[order[j + 1]] == scores[order[i]]) {
        j++;
      }
      double midRank = (i + j) / 2.0 + 1; // ranks are 1-based
      for (int k = i; k <= j; k++) {
        if (positive[order[k]]) {
          positiveRankSum += midRank;
        }
      }
      i = j + 1;
    }
    double u = positiveRankSum - positives * (positives + 1) / 2.0;
    return u / ((double) positives * negatives);
  }
}
