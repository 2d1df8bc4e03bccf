package pe.agriscore.samples.training;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Training, validation and test rows. Preprocessing, bins and weights are fitted on {@code train}
 * only; {@code validation} drives early stopping; {@code test} is touched once, for the report.
 *
 * <pre>{@code
 * DataSplit split = DataSplit.random(data, 0.15, 0.15, 42);
 * DataSplit oot = DataSplit.outOfTime(data, LocalDate.of(2016, 1, 1), 0.15, 42);
 * }</pre>
 *
 * @param train the training rows
 * @param validation the rows early stopping watches
 * @param test the held-out rows the report evaluates
 * @param description how the split was made, for the report
 */
public record DataSplit(
    List<LabeledRow> train, List<LabeledRow> validation, List<LabeledRow> test,
    String description) {

  /** Validates: every part must have rows of both outcomes. */
  public DataSplit {
    train = List.copyOf(train);
    validation = List.copyOf(validation);
    test = List.copyOf(test);
    requireBothOutcomes("training", train);
    requireBothOutcomes("validation", validation);
    requireBothOutcomes("test", test);
  }

  /**
   * A seeded random split.
   *
   * @param validationShare share of all rows for validation, e.g. 0.15
   * @param testShare share of all rows for test, e.g. 0.15
   */
  public static DataSplit random(LabeledData data, double validationShare, double testShare,
      long seed) {
    checkShare(validationShare + testShare);
    List<LabeledRow> rows = shuffled(data.rows(), seed);
    int n = rows.size();
    int nTest = (int) Math.round(n * testShare);
    int nVal = (int) Math.round(n * validationShare);
    return new DataSplit(rows.subList(nTest + nVal, n), rows.subList(nTest, nTest + nVal),
        rows.subList(0, nTest),
        String.format("random (seed %d): %.0f%% train, %.0f%% validation, %.0f%% test", seed,
            100 * (1 - validationShare - testShare), 100 * validationShare, 100 * testShare));
  }

  /**
   * An out-of-time split: rows as of {@code cutoff} or later are the test set; the earlier rows
   * are split at random into training and validation.
   *
   * @param validationShare share of the earlier rows for validation
   */
  public static DataSplit outOfTime(LabeledData data, LocalDate cutoff, double validationShare,
      long seed) {
    checkShare(validationShare);
    List<LabeledRow> before = new ArrayList<>();
    List<LabeledRow> after = new ArrayList<>();
    for (LabeledRow r : data.rows()) {
      (r.request().asOfDate().isBefore(cutoff) ? before : after).add(r);
    }
    if (before.isEmpty() || after.isEmpty()) {
      throw new IllegalArgumentException("out-of-time cutoff " + cutoff + " leaves "
          + before.size() + " rows before and " + after.size()
          + " on or after it; both sides need rows");
    }
    List<LabeledRow> shuffled = shuffled(before, seed);
    int nVal = (int) Math.round(shuffled.size() * validationShare);
    return new DataSplit(shuffled.subList(nVal, shuffled.size()), shuffled.subList(0, nVal), after,
        String.format("out-of-time: test = as of %s or later (%d rows); earlier rows split at"
            + " random (seed %d) into %.0f%% train, %.0f%% validation", cutoff, after.size(), seed,
            100 * (1 - validationShare), 100 * validationShare));
  }

  /**
   * Stratified {@code k}-fold splits: defaults and repayments are each shuffled (seeded) and dealt
   * round-robin into {@code k} folds, so every fold has the data's default rate to within one row;
   * split {@code i} tests on fold {@code i} and trains on the others, {@code validationShare} of
   * them held out for early stopping.
   */
  public static List<DataSplit> stratifiedFolds(LabeledData data, int k, double validationShare,
      long seed) {
    checkShare(validationShare);
    List<List<LabeledRow>> folds = deal(data.rows(), k, seed);
    List<DataSplit> splits = new ArrayList<>(k);
    for (int i = 0; i < k; i++) {
      List<LabeledRow> rest = new ArrayList<>();
      for (int j = 0; j < k; j++) {
        if (j != i) {
          rest.addAll(folds.get(j));
        }
      }
      List<LabeledRow> shuffled = shuffled(rest, seed + i + 1);
      int nVal = (int) Math.round(shuffled.size() * validationShare);
      splits.add(new DataSplit(shuffled.subList(nVal, shuffled.size()), shuffled.subList(0, nVal),
          folds.get(i), String.format("stratified %d-fold cross-validation (seed %d), fold %d:"
              + " %.0f%% of the other folds train, %.0f%% validate", k, seed, i + 1,
              100 * (1 - validationShare), 100 * validationShare)));
    }
    return splits;
  }

  /**
   * Every row trains; a stratified {@code sampleShare} of them (also training rows) steers the
   * networks' early stopping and is the "test" part that golden cases are drawn from. For the
   * final bundles after cross-validation, whose out-of-sample figures are the folds'.
   */
  public static DataSplit allRows(LabeledData data, double sampleShare, long seed) {
    checkShare(sampleShare);
    int k = (int) Math.round(1 / sampleShare);
    List<LabeledRow> sample = deal(data.rows(), k, seed).get(0);
    return new DataSplit(data.rows(), sample, sample, String.format("all rows train (after"
        + " cross-validation); a stratified %.0f%% sample of them (seed %d) steers early stopping"
        + " and gives in-sample figures", 100 * sampleShare, seed));
  }

  /** Defaults and repayments shuffled separately and dealt round-robin into {@code k} folds. */
  private static List<List<LabeledRow>> deal(List<LabeledRow> rows, int k, long seed) {
    List<List<LabeledRow>> folds = new ArrayList<>(k);
    for (int i = 0; i < k; i++) {
      folds.add(new ArrayList<>());
    }
    int next = 0;
    for (int outcome = 1; outcome >= 0; outcome--) {
      int o = outcome;
      for (LabeledRow r : shuffled(rows.stream().filter(x -> x.defaulted() == o).toList(),
          seed)) {
        folds.get(next++ % k).add(r);
      }
    }
    return folds;
  }

  private static List<LabeledRow> shuffled(List<LabeledRow> rows, long seed) {
    List<LabeledRow> copy = new ArrayList<>(rows);
    Collections.shuffle(copy, new Random(seed));
    return copy;
  }

  private static void checkShare(double share) {
    if (!(share > 0 && share < 1)) {
      throw new IllegalArgumentException("held-out shares must add up to between 0 and 1");
    }
  }

  private static void requireBothOutcomes(String part, List<LabeledRow> rows) {
    long bad = rows.stream().filter(r -> r.defaulted() == 1).count();
    if (bad == 0 || bad == rows.size()) {
      throw new IllegalArgumentException("the " + part + " set (" + rows.size()
          + " rows) needs both defaults and non-defaults; it has " + bad + " defaults");
    }
  }
}
