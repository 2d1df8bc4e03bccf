package pe.agriscore.samples.training;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;

/**
 * The evaluation of a training run: every model on the same test rows beside the oracle (the
 * generator's true probability of default, when known), with training times and bundle sizes.
 * Written as {@code evaluation.json} and as a self-contained {@code evaluation.html} (inline SVG
 * charts, no scripts or external files).
 *
 * <pre>{@code
 * report.write(Path.of("models"));   // models/evaluation.json, models/evaluation.html
 * }</pre>
 *
 * @param generatedAt when the run finished (ISO-8601)
 * @param data what was trained on
 * @param models one entry per trained model
 * @param skipped models that were not trained, and why
 * @param oracle the true probability's performance on the test rows, or null when unknown
 * @param environment machine and versions, for reading the times
 * @param notes definitions and caveats shown with the numbers
 * @param crossValidation per model, every metric's mean and spread over the folds; empty
 *     without cross-validation (then {@code models} carry out-of-sample test figures)
 */
public record EvaluationReport(
    String generatedAt, DataSummary data, List<ModelReport> models, List<String> skipped,
    ModelEvaluation oracle, String environment, List<String> notes,
    List<CrossValidation> crossValidation) {

  /**
   * One model's cross-validated figures.
   *
   * @param model the bundle name
   * @param folds the fold count
   * @param metrics metric name to its statistics over the folds
   */
  public record CrossValidation(String model, int folds, Map<String, Spread> metrics) {

    /** The statistics of {@code evals}, one per fold. */
    static CrossValidation of(String model, List<ModelEvaluation> evals) {
      Map<String, Spread> m = new LinkedHashMap<>();
      m.put("auc", Spread.of(evals.stream().mapToDouble(ModelEvaluation::auc).toArray()));
      m.put("gini", Spread.of(evals.stream().mapToDouble(ModelEvaluation::gini).toArray()));
      m.put("ks", Spread.of(evals.stream().mapToDouble(ModelEvaluation::ks).toArray()));
      m.put("brier", Spread.of(evals.stream().mapToDouble(ModelEvaluation::brier).toArray()));
      m.put("logLoss", Spread.of(evals.stream().mapToDouble(ModelEvaluation::logLoss).toArray()));
      m.put("ece", Spread.of(evals.stream().mapToDouble(ModelEvaluation::ece).toArray()));
      return new CrossValidation(model, evals.size(), m);
    }

    /** {@code auc 0.7712 ± 0.0123, ...} for the log. */
    String summary() {
      StringBuilder s = new StringBuilder();
      metrics.forEach((k, v) -> s.append(s.length() == 0 ? "" : ", ").append(k)
          .append(String.format(Locale.ROOT, " %.4f ± %.4f", v.mean(), v.sd())));
      return s.toString();
    }
  }

  /**
   * A metric over the folds.
   *
   * @param mean the mean over the folds
   * @param sd the sample standard deviation over the folds
   * @param min the smallest fold value
   * @param max the largest fold value
   * @param values the fold values in fold order
   */
  public record Spread(double mean, double sd, double min, double max, double[] values) {

    /** The statistics of {@code v} (at least two values). */
    static Spread of(double[] v) {
      double mean = Arrays.stream(v).average().orElseThrow();
      double ss = 0;
      for (double x : v) {
        ss += (x - mean) * (x - mean);
      }
      return new Spread(mean, Math.sqrt(ss / (v.length - 1)),
          Arrays.stream(v).min().orElseThrow(), Arrays.stream(v).max().orElseThrow(), v.clone());
    }
  }

  /**
   * The data and how it was split.
   *
   * @param source the CSV, and how it was made
   * @param schema schema name and version
   * @param features number of schema features
   * @param rows all rows
   * @param defaultRate share of defaults in all rows
   * @param split how train, validation and test were drawn
   * @param trainRows training rows
   * @param validationRows validation rows
   * @param testRows test rows
   */
  public record DataSummary(String source, String schema, int features, int rows,
      double defaultRate, String split, int trainRows, int validationRows, int testRows) {}

  /**
   * One trained model.
   *
   * @param name bundle and model name
   * @param engine engine name
   * @param modelFormat model format
   * @param bundle the bundle directory, relative to the report
   * @param bundleBytes the bundle's size on disk
   * @param inputWidth encoded columns the model takes
   * @param trainingSeconds wall-clock time to train and export the model (not to evaluate it)
   * @param aucShareOfOracle the model's test AUC divided by the oracle's, or null
   * @param details how it was trained (architecture, epochs, bins...)
   * @param test test-set performance
   * @param history epoch losses of a neural network; empty for the scorecard
   */
  public record ModelReport(String name, String engine, String modelFormat, String bundle,
      long bundleBytes, int inputWidth, double trainingSeconds, Double aucShareOfOracle,
      String details, ModelEvaluation test, List<MlpEpoch> history) {}

  /** A training time for people: milliseconds below a second (a scorecard), else seconds. */
  static String duration(double seconds) {
    return seconds < 1 ? String.format(Locale.ROOT, "%.0f ms", seconds * 1000)
        : String.format(Locale.ROOT, "%.1f s", seconds);
  }

  /** Writes {@code evaluation.json} and {@code evaluation.html} into {@code dir}. */
  public void write(Path dir) throws IOException {
    Files.createDirectories(dir);
    ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    Files.writeString(dir.resolve("evaluation.json"), mapper.writeValueAsString(this) + "\n",
        StandardCharsets.UTF_8);
    Files.writeString(dir.resolve("evaluation.html"), ReportHtml.render(this),
        StandardCharsets.UTF_8);
  }
}
