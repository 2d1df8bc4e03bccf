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
