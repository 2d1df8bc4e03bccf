package pe.agriscore.samples.training;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import pe.agriscore.CreditScorer;
import pe.agriscore.engine.EngineOptions;
import pe.agriscore.engine.tf.TensorFlowNatives;
import pe.agriscore.internal.bundle.Encoder;
import pe.agriscore.schema.CategoricalFeature;
import pe.agriscore.schema.Feature;
import pe.agriscore.schema.FeatureSchema;
import pe.agriscore.schema.Preprocessing;
import pe.agriscore.schema.ScoreScale;
import pe.agriscore.scorecard.ScorecardEngine;
import pe.agriscore.scoring.CreditScore;
import pe.agriscore.scoring.ScoringRequest;

/**
 * The reference training pipeline: labelled CSV in, verified model bundles and an evaluation
 * report out.
 *
 * <ol>
 *   <li>Reads and validates the CSV against the schema ({@link LabeledCsvReader}); any problem
 *       stops the run with line numbers and columns.
 *   <li>Splits train / validation / test ({@link DataSplit}, random or out-of-time).
 *   <li>Fits the neural networks' preprocessing ({@link Preprocessing#fitStandard}) on the
 *       training rows only and encodes every split with the bundle's own {@link Encoder}.
 *   <li>Trains the chosen models: the weight-of-evidence logistic scorecard (engine {@code
 *       scorecard}), a TensorFlow MLP trained in Java (engine {@code tensorflow}) and a PyTorch
 *       MLP trained by Python on the same encoded rows (engine {@code pytorch}); the PyTorch step
 *       is skipped, saying why, when the Python has no PyTorch.
 *   <li>Wraps each into a bundle with golden cases and a reference profile ({@link
 *       BundleAssembler}), scoring through the engine.
 *   <li>Evaluates every model on the test rows beside the oracle, writes {@code evaluation.json}
 *       and {@code evaluation.html}, and finally opens every bundle with {@link
 *       CreditScorer#open} and scores a test applicant with it.
 * </ol>
 *
 * <pre>{@code
 * TrainingPipeline.Outcome outcome = TrainingPipeline.builder()
 *     .data(Path.of("farmers.csv")).schema(FeatureSchema.read(Path.of("schema.json")))
 *     .out(Path.of("models"))
 *     .progress(System.out::println)
 *     .build().run();
 * }</pre>
 */
public final class TrainingPipeline {

  /** The models the pipeline can train. */
  public enum ModelKind {
    /** Weight-of-evidence logistic scorecard, engine {@code scorecard}. */
    SCORECARD("scorecard"),
    /** TensorFlow MLP trained in Java, engine {@code tensorflow}. */
    TENSORFLOW("mlp-tf"),
    /** PyTorch MLP trained in Python, engine {@code pytorch}. */
    PYTORCH("mlp-pt");

    private final String suffix;

    ModelKind(String suffix) {
      this.suffix = suffix;
    }

    /** The bundle name for a prefix, e.g. {@code farmer-mlp-tf}. */
    public String bundleName(String prefix) {
      return prefix + "-" + suffix;
    }

    /** Parses {@code scorecard}, {@code tf} or {@code tensorflow}, {@code pt} or {@code torch}. */
    public static ModelKind parse(String s) {
      return switch (s.trim().toLowerCase(Locale.ROOT)) {
        case "scorecard" -> SCORECARD;
        case "tf", "tensorflow" -> TENSORFLOW;
        case "pt", "pytorch", "torch" -> PYTORCH;
        default -> throw new IllegalArgumentException(
            "unknown model '" + s + "': expected scorecard, tf or pt");
      };
    }
  }

  /** Golden cases per bundle. */
  static final int GOLDEN_CASES = 16;

  /**
   * The fewest rows the pipeline trains on: a 15% test split of 200 rows has 30 rows, enough for
   * the report's 10 calibration bins and, at a few percent defaults, at least one default.
   */
  public static final int MIN_ROWS = 200;

  /** Data that reads cleanly but cannot be trained on (too few rows, one outcome only). */
  public static final class UnusableDataException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    UnusableDataException(String message) {
      super(message);
    }
  }

  private final Builder b;

  private TrainingPipeline(Builder b) {
    this.b = b;
  }

  /** Starts configuring a run. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * What a run produced.
   *
   * @param report the evaluation
   * @param bundles bundle directory by bundle name
   */
  public record Outcome(EvaluationReport report, Map<String, Path> bundles) {}

  /**
   * Runs the pipeline.
   *
   * @throws DataFileException if the CSV has problems (nothing is written)
   * @throws IOException on read or write failures, or if the PyTorch script fails
   * @throws pe.agriscore.scoring.BundleException if a bundle does not load or verify
   */
  public Outcome run() throws IOException {
    long runStart = System.nanoTime();
    Consumer<String> log = line -> b.progress.accept(
        String.format(Locale.ROOT, "[%6.1f s] %s", (System.nanoTime() - runStart) / 1e9, line));
    FeatureSchema schema = b.schema;
    if (b.models.contains(ModelKind.PYTORCH) && b.modelsRequested) {
      var why = PyTorchMlpTrainer.unavailable(b.python);
      if (why.isPresent()) {
        throw new IllegalArgumentException("--models asks for pt, but PyTorch cannot train: "
            + why.get());
      }
    }
    log.accept("reading " + b.data + " (schema '" + schema.name() + "' v" + schema.version() + ", "
        + schema.size() + " features)");
    // With fitted imputation every feature reads missing values; the values are fitted below.
    FeatureSchema readSchema = b.fitImputation ? Imputation.placeholders(schema) : schema;
    LabeledData data = b.reader.apply(
        LabeledCsvReader.forSchema(readSchema).maxReportedProblems(b.maxProblems)).read(b.data);
    log.accept(String.format(Locale.ROOT, "%d rows, default rate %.2f%%%s", data.size(),
        100 * data.defaultRate(), data.hasTruePd() ? ", with true_pd" : ""));
    if (data.size() < MIN_ROWS) {
      throw new UnusableDataException(b.data.getFileName() + " has " + data.size()
          + " data rows; the pipeline needs at least " + MIN_ROWS + " (the 15% test split must"
          + " fill 10 calibration bins and hold both outcomes)");
    }
    Instant createdAt = Instant.now();
    if (b.folds > 0) {
      return crossValidate(schema, data, createdAt, log);
    }
    DataSplit split = split(() -> b.cutoff == null
        ? DataSplit.random(data, 0.15, 0.15, b.seed)
        : DataSplit.outOfTime(data, b.cutoff, 0.15, b.seed));
    log.accept("split " + split.description() + ": " + split.train().size() + " / "
        + split.validation().size() + " / " + split.test().size());
    Trial t = trainOn(schema, split, b.out, createdAt, log);
    verify(t.bundles, split.test().get(0).request(), log);
    return report(t, data, split, null, log);
  }

  /** What training on one split produced. */
  private record Trial(FeatureSchema schema, List<EvaluationReport.ModelReport> reports,
      Map<String, Path> bundles, List<String> skipped, List<String> warnings,
      ModelEvaluation oracle) {}

  /**
   * Stratified k-fold cross-validation: per fold, the models are trained on the other folds
   * (15% of them steering early stopping) and evaluated on the fold; then the final bundles are
   * trained on all rows, a stratified 15% sample of them steering the networks' early stopping
   * and carrying the golden cases.
   */
  private Outcome crossValidate(FeatureSchema schema, LabeledData data, Instant createdAt,
      Consumer<String> log) throws IOException {
    List<DataSplit> folds = split(() -> DataSplit.stratifiedFolds(data, b.folds, 0.15, b.seed));
    Map<String, List<ModelEvaluation>> byModel = new TreeMap<>();
    Path work = Files.createTempDirectory("agriscore-cv-");
    try {
      for (int k = 0; k < folds.size(); k++) {
        DataSplit fold = folds.get(k);
        log.accept("cross-validation fold " + (k + 1) + " of " + folds.size() + ": "
            + fold.train().size() + " / " + fold.validation().size() + " / "
            + fold.test().size());
        Trial t = trainOn(schema, fold, work.resolve("fold-" + (k + 1)), createdAt, log);
        for (EvaluationReport.ModelReport m : t.reports) {
          byModel.computeIfAbsent(m.name(), n -> new ArrayList<>()).add(m.test());
        }
      }
    } finally {
      BundleAssembler.deleteTree(work);
    }
    List<EvaluationReport.CrossValidation> cv = new ArrayList<>();
    byModel.forEach((name, evals) -> {
      EvaluationReport.CrossValidation c = EvaluationReport.CrossValidation.of(name, evals);
      cv.add(c);
      log.accept(name + ": " + folds.size() + "-fold " + c.summary());
    });
    DataSplit all = split(() -> DataSplit.allRows(data, 0.15, b.seed));
    log.accept("final bundles on all " + all.train().size() + " rows");
    Trial t = trainOn(schema, all, b.out, createdAt, log);
    verify(t.bundles, all.test().get(0).request(), log);
    return report(t, data, all, cv, log);
  }

  private Outcome report(Trial t, LabeledData data, DataSplit split,
      List<EvaluationReport.CrossValidation> cv, Consumer<String> log) throws IOException {
    FeatureSchema schema = t.schema;
    EvaluationReport report = new EvaluationReport(Instant.now().toString(),
        new EvaluationReport.DataSummary(b.sourceDescription != null ? b.sourceDescription
            : b.data.getFileName().toString(), schema.name() + " v" + schema.version(),
            schema.size(), data.size(), data.defaultRate(), split.description(),
            split.train().size(), split.validation().size(), split.test().size()),
        t.reports, t.skipped, t.oracle, environment(), notes(t.oracle != null, t.warnings),
        cv == null ? List.of() : cv);
    report.write(b.out);
    log.accept("wrote " + b.out.resolve("evaluation.json") + " and evaluation.html");
    return new Outcome(report, t.bundles);
  }

  /** A split, or the reason the data cannot be split usefully. */
  private static <T> T split(java.util.function.Supplier<T> split) {
    try {
      return split.get();
    } catch (UnusableDataException e) {
      throw e;
    } catch (IllegalArgumentException e) {
      throw new UnusableDataException(e.getMessage());
    }
  }

  /** Trains, packages into {@code out} and evaluates every model on one split. */
  private Trial trainOn(FeatureSchema schema, DataSplit split, Path out, Instant createdAt,
      Consumer<String> log) throws IOException {
    if (split.test().size() < ModelEvaluation.CALIBRATION_BINS) {
      throw new UnusableDataException("the test split has " + split.test().size()
          + " rows; it needs at least " + ModelEvaluation.CALIBRATION_BINS);
    }
    if (b.fitImputation) {
      schema = Imputation.fit(schema, split.train());
      log.accept("imputation fitted on the training rows: " + Imputation.describe(schema));
    }
    List<String> segmentBy = b.segmentBy != null ? b.segmentBy : defaultSegments(schema);
    List<LabeledRow> golden = goldenRows(schema, split.test());

    Preprocessing standard = Preprocessing.fitStandard(schema, LabeledData.requests(split.train()));
    Encoder encoder = Encoder.compile(schema, standard);
    EncodedRows train = EncodedRows.encode(encoder, split.train());
    EncodedRows validation = EncodedRows.encode(encoder, split.validation());
    EncodedRows test = EncodedRows.encode(encoder, split.test());
    EncodedRows goldenX = EncodedRows.encode(encoder, golden);
    log.accept("standard preprocessing fitted on the training rows: " + encoder.width()
        + " columns");

    Files.createDirectories(out);
    Path work = Files.createTempDirectory("agriscore-training-");
    List<EvaluationReport.ModelReport> reports = new ArrayList<>();
    List<String> skipped = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    Map<String, Path> bundles = new TreeMap<>();
    ModelEvaluation oracle = null;
    if (LabeledData.hasTruePd(split.test())) {
      double[] truePd = split.test().stream().mapToDouble(LabeledRow::truePd).toArray();
      oracle = ModelEvaluation.of("oracle", split.test(), truePd, schema, segmentBy);
      log.accept(String.format(Locale.ROOT, "oracle (true_pd) test AUC %.4f", oracle.auc()));
    }
    try {
      for (ModelKind kind : b.models) {
        String name = kind.bundleName(b.prefix);
        Path dir = out.resolve(name);
        Trained t = switch (kind) {
          case SCORECARD -> scorecard(schema, split, work.resolve("scorecard"), log);
          case TENSORFLOW ->
              tensorflow(standard, train, validation, work.resolve("tensorflow"), log);
          case PYTORCH -> pytorch(standard, encoder, train, validation, goldenX, test,
              work.resolve("pytorch"), log, skipped, name);
        };
        if (t == null) {
          continue;
        }
        log.accept(String.format(Locale.ROOT, "%s trained in %s; packaging %s", name,
            EvaluationReport.duration(t.seconds), dir));
        if (!t.history.isEmpty() && t.bestEpoch == t.history.size()
            && t.history.size() == b.mlp.maxEpochs()) {
          String warning = name + ": the best validation epoch is the last one ("
              + b.mlp.maxEpochs() + "): the network stopped at the epoch cap and may improve"
              + " with more epochs (--epochs)";
          log.accept("WARNING " + warning);
          warnings.add(warning);
        }
        BundleAssembler assembler = BundleAssembler.builder()
            .name(name).version(b.version)
            .description(t.description + "; trained on " + split.train().size() + " rows of "
                + b.data.getFileName() + " (seed " + b.seed + ")")
            .engine(t.engine).modelFormat(t.format).model(t.modelSource, t.modelTarget)
            .schema(schema).preprocessing(t.preprocessing).scoreScale(b.scoreScale)
            .rows(split.train(), split.test(), golden).goldenTolerance(t.tolerance)
            .engineOptions(b.engineOptions).createdAt(createdAt);
        t.properties.forEach(assembler::property);
        if (t.externalGolden != null) {
          assembler.externalGolden(t.externalGolden);
        }
        BundleAssembler.Packaged p = assembler.assemble(dir);
        String details = t.details;
        if (t.externalTest != null) {
          double maxDiff = 0;
          for (int i = 0; i < p.testPd().length; i++) {
            maxDiff = Math.max(maxDiff, Math.abs(p.testPd()[i] - t.externalTest[i]));
          }
          details += String.format(Locale.ROOT, "; the engine reproduces the trainer's test"
              + " probabilities within %.2g (golden tolerance %.0g)", maxDiff, t.tolerance);
        }
        ModelEvaluation eval = ModelEvaluation.of(name, split.test(), p.testPd(), schema,
            segmentBy);
        Double share = oracle == null ? null : eval.auc() / oracle.auc();
        log.accept(String.format(Locale.ROOT,
            "%s: test AUC %.4f%s, KS %.4f, Brier %.4f, ECE %.4f, bundle %.1f KB", name, eval.auc(),
            share == null ? "" : String.format(Locale.ROOT, " (%.1f%% of oracle)", 100 * share),
            eval.ks(), eval.brier(), eval.ece(), p.bytes() / 1024.0));
        reports.add(new EvaluationReport.ModelReport(name, t.engine, t.format,
            relativeName(out, dir), p.bytes(), Encoder.compile(schema, t.preprocessing).width(),
            t.seconds, share, details, eval, t.history));
        bundles.put(name, dir);
      }
    } finally {
      BundleAssembler.deleteTree(work);
    }
    return new Trial(schema, reports, bundles, skipped, warnings, oracle);
  }

  /** A trained model before packaging. */
  private record Trained(String engine, String format, Path modelSource, String modelTarget,
      Map<String, String> properties, Preprocessing preprocessing, double tolerance,
      double seconds, String description, String details, double[] externalGolden,
      double[] externalTest, List<MlpEpoch> history, int bestEpoch) {}

  private Trained scorecard(FeatureSchema schema, DataSplit split, Path work,
      Consumer<String> log) throws IOException {
    log.accept("scorecard: fitting weight-of-evidence bins and an L2 logistic regression");
    long t0 = System.nanoTime();
    WoeBinning.Result woe = WoeBinning.fit(schema, split.train(), 20, 0.05);
    Encoder encoder = Encoder.compile(schema, woe.preprocessing());
    EncodedRows x = EncodedRows.encode(encoder, split.train());
    LogisticRegression.Fit fit = LogisticRegression.fit(x.x(), x.y(), x.width(), 1.0);
    ObjectNode model = new ObjectMapper().createObjectNode();
    model.put("intercept", fit.intercept());
    ObjectNode coef = model.putObject("coefficients");
    for (int j = 0; j < fit.coefficients().length; j++) {
      coef.put(encoder.columnNames().get(j), fit.coefficients()[j]);
    }
    Path file = Files.createDirectories(work).resolve("scorecard.json");
    new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(file.toFile(), model);
    double seconds = (System.nanoTime() - t0) / 1e9;
    StringBuilder iv = new StringBuilder();
    woe.informationValue().forEach((f, v) -> iv.append(iv.length() == 0 ? "" : ", ").append(f)
        .append(String.format(Locale.ROOT, " %.3f", v)));
    long nonMonotonic = woe.monotonic().values().stream().filter(m -> !m).count();
    log.accept("scorecard: " + fit.iterations() + " Newton iterations");
    return new Trained(ScorecardEngine.NAME, ScorecardEngine.FORMAT, file, "model/scorecard.json",
        Map.of(), woe.preprocessing(), 1e-9, seconds,
        "Weight-of-evidence logistic scorecard",
        "WoE bins on the training rows (up to 20 quantile bins per numeric feature, at least 5% of"
            + " rows each, merged to a monotonic default rate unless that loses over 20% of the"
            + " information value: " + nonMonotonic + " numeric feature(s) kept a non-monotonic"
            + " shape); WoE per level for categoricals, booleans as 0/1; L2 (lambda 1) logistic"
            + " regression by Newton's method, " + fit.iterations() + " iterations. Information"
            + " value: " + iv,
        null, null, List.of(), 0);
  }

  private Trained tensorflow(Preprocessing standard, EncodedRows train, EncodedRows validation,
      Path work, Consumer<String> log) throws IOException {
    log.accept("tensorflow: starting TensorFlow");
    TensorFlowNatives.ensureLoaded(b.engineOptions);
    log.accept("tensorflow: training an MLP " + describe(b.mlp, train.width()));
    long t0 = System.nanoTime();
    TfMlpTrainer.Model model = TfMlpTrainer.train(train, validation, b.mlp, log);
    Path saved = work.resolve("savedmodel");
    model.exportSavedModel(saved);
    double seconds = (System.nanoTime() - t0) / 1e9;
    return new Trained("tensorflow", "tf-savedmodel", saved, "model",
        Map.of("signature", TfMlpTrainer.SIGNATURE), standard, 1e-6, seconds,
        "TensorFlow MLP trained in Java",
        "MLP " + describe(b.mlp, train.width()) + " built and trained in Java with the TensorFlow"
            + " graph API (Adam via tf.gradients and ApplyAdam ops); best epoch "
            + model.bestEpoch() + " of " + model.history().size()
            + "; exported as a SavedModel (signature serving_default)",
        null, null, model.history(), model.bestEpoch());
  }

  private Trained pytorch(Preprocessing standard, Encoder encoder, EncodedRows train,
      EncodedRows validation, EncodedRows golden, EncodedRows test, Path work,
      Consumer<String> log, List<String> skipped, String name) throws IOException {
    var why = PyTorchMlpTrainer.unavailable(b.python);
    if (why.isPresent()) {
      String message = name + ": PyTorch step skipped: " + why.get();
      log.accept(message);
      skipped.add(message);
      return null;
    }
    log.accept("pytorch: training an MLP " + describe(b.mlp, train.width()) + " with " + b.python);
    long t0 = System.nanoTime();
    PyTorchMlpTrainer.Result r = PyTorchMlpTrainer.train(b.python, encoder.columnNames(), train,
        validation, golden, test, b.mlp, work, log);
    double seconds = (System.nanoTime() - t0) / 1e9;
    return new Trained("pytorch", "torchscript", r.modelFile(), "model/mlp.pt", Map.of(),
        standard, 1e-5, seconds, "PyTorch MLP trained in Python",
        "MLP " + describe(b.mlp, train.width()) + " trained by model-training/python/train_mlp.py"
            + " with PyTorch " + r.torchVersion() + " on the rows Java encoded; best epoch "
            + r.bestEpoch() + " of " + r.history().size()
            + "; TorchScript (torch.jit.script); golden cases are PyTorch's own outputs",
        r.goldenPd(), r.testPd(), r.history(), r.bestEpoch());
  }

  /** Opens every bundle as a bank would and scores one applicant with it. */
  private static void verify(Map<String, Path> bundles, ScoringRequest request,
      Consumer<String> log) {
    for (Map.Entry<String, Path> e : bundles.entrySet()) {
      try (CreditScorer scorer = CreditScorer.open(e.getValue())) {
        CreditScore s = scorer.score(request);
        log.accept(String.format(Locale.ROOT,
            "verified %s: CreditScorer.open ran %d golden cases; applicant %s scores %d (%s),"
                + " PD %.4f, reasons %s", e.getKey(), scorer.model().goldenCaseCount(),
            request.applicantId(), s.points(), s.grade(), s.probabilityOfDefault(),
            s.reasons().stream().map(rc -> rc.feature()).toList()));
      }
    }
  }

  /** 16 test rows spread over the test set, including one with a missing value if any has. */
  static List<LabeledRow> goldenRows(FeatureSchema schema, List<LabeledRow> test) {
    int n = Math.min(GOLDEN_CASES, test.size());
    List<LabeledRow> rows = new ArrayList<>(n);
    for (int k = 0; k < n; k++) {
      rows.add(test.get((int) ((long) k * test.size() / n)));
    }
    if (rows.stream().noneMatch(r -> hasMissing(schema, r))) {
      test.stream().filter(r -> hasMissing(schema, r)).findFirst()
          .ifPresent(r -> rows.set(n - 1, r));
    }
    return rows;
  }

  private static boolean hasMissing(FeatureSchema schema, LabeledRow r) {
    for (Feature f : schema.features()) {
      if (r.request().get(f.name()) == null) {
        return true;
      }
    }
    return false;
  }

  private static List<String> defaultSegments(FeatureSchema schema) {
    List<String> out = new ArrayList<>();
    for (Feature f : schema.features()) {
      String n = f.name().toLowerCase(Locale.ROOT);
      if (f instanceof CategoricalFeature && (n.contains("region") || n.contains("crop"))) {
        out.add(f.name());
      }
    }
    return out;
  }

  private static String describe(MlpSettings s, int width) {
    StringBuilder b = new StringBuilder().append(width);
    s.hidden().forEach(h -> b.append('-').append(h));
    return b.append(String.format(Locale.ROOT,
        "-1 (ReLU, sigmoid output; Adam lr %s, batch %d, L2 %s, up to %d epochs, patience %d)",
        plain(s.learningRate()), s.batchSize(), plain(s.l2()), s.maxEpochs(), s.patience()))
        .toString();
  }

  private static String plain(double v) {
    return java.math.BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
  }

  private static String relativeName(Path out, Path dir) {
    return out.toAbsolutePath().normalize().relativize(dir.toAbsolutePath().normalize()).toString()
        + "/";
  }

  private static String environment() {
    Runtime rt = Runtime.getRuntime();
    java.lang.management.OperatingSystemMXBean os =
        java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    double load = os.getSystemLoadAverage();
    return String.format(Locale.ROOT, "Measured on %s %s, %d available processors, Java %s, max"
        + " heap %d MB%s. Training times are wall-clock and include exporting the model, not"
        + " evaluating it.", System.getProperty("os.name"), System.getProperty("os.arch"),
        rt.availableProcessors(), System.getProperty("java.version"), rt.maxMemory() >> 20,
        load < 0 ? "" : String.format(Locale.ROOT, ", system load average %.2f at the end of"
            + " training (above %d means other work shared the processors)", load,
            rt.availableProcessors()));
  }

  private static List<String> notes(boolean withOracle, List<String> warnings) {
    List<String> notes = new ArrayList<>(warnings);
    notes.addAll(List.of(
        "Every probability here was computed by the model running in its AgriScore engine (the"
            + " bundle as a bank loads it), on test rows that no fitting step saw.",
        "AUC: area under the ROC curve (Mann-Whitney, ties counted half). Gini = 2 AUC - 1. KS:"
            + " largest gap between the score distributions of defaulters and non-defaulters."
            + " Brier: mean squared error of the probability.",
        "ECE (expected calibration error): test rows sorted by predicted PD and cut into 10"
            + " equal-frequency bins; ECE = sum over bins of (rows in bin / rows) x |mean"
            + " predicted PD - observed default rate|. Equal-frequency, not equal-width, because"
            + " most predicted PDs are small and equal-width bins would leave the upper bins"
            + " nearly empty.",
        "Segment AUCs are computed within each level; small segments have wide sampling error."));
    if (withOracle) {
      notes.add("Oracle: the generator's true probability of default for each test row (column"
          + " true_pd), the best any model could do on this data; '% of oracle AUC' = model AUC /"
          + " oracle AUC.");
    }
    return notes;
  }

  /** Configures a {@link TrainingPipeline}. */
  public static final class Builder {
    private Path data;
    private FeatureSchema schema;
    private Path out;
    private LocalDate cutoff;
    private long seed = 42;
    private Set<ModelKind> models = EnumSet.allOf(ModelKind.class);
    private MlpSettings mlp = MlpSettings.defaults();
    private String python = PyTorchMlpTrainer.DEFAULT_PYTHON;
    private String prefix = "farmer";
    private String version = "1.0.0";
    private List<String> segmentBy;
    private int maxProblems = 20;
    private EngineOptions engineOptions = EngineOptions.defaults();
    private ScoreScale scoreScale = defaultScale();
    private String sourceDescription;
    private Consumer<String> progress = line -> { };
    private UnaryOperator<LabeledCsvReader> reader = UnaryOperator.identity();
    private boolean modelsRequested;
    private boolean fitImputation;
    private int folds;

    private Builder() {}

    /** The labelled CSV (required). */
    public Builder data(Path value) {
      this.data = value;
      return this;
    }

    /** The schema the CSV follows (required). */
    public Builder schema(FeatureSchema value) {
      this.schema = value;
      return this;
    }

    /** The output directory for bundles and the report (required). */
    public Builder out(Path value) {
      this.out = value;
      return this;
    }

    /**
     * Stratified {@code k}-fold cross-validation instead of one test split: the report gives
     * every metric's mean and spread over the folds, and the bundles are trained on all rows.
     */
    public Builder crossValidation(int k) {
      if (k < 2 || k > 20) {
        throw new IllegalArgumentException("--folds must be between 2 and 20, got " + k);
      }
      this.folds = k;
      return this;
    }

    /** Out-of-time split: test = rows as of this date or later. Default: random split. */
    public Builder outOfTime(LocalDate value) {
      this.cutoff = value;
      return this;
    }

    /** Seed of the split and of the networks (default 42). */
    public Builder seed(long value) {
      this.seed = value;
      this.mlp = mlp.withSeed(value);
      return this;
    }

    /** Which models to train (default all three). */
    public Builder models(Set<ModelKind> value) {
      if (value.isEmpty()) {
        throw new IllegalArgumentException("choose at least one model");
      }
      this.models = EnumSet.copyOf(value);
      this.modelsRequested = true;
      return this;
    }

    /**
     * Adjusts the CSV reader to the file (delimiter, label, id column...); the default reads the
     * generated farmer CSV. The reader gets the schema and {@link #maxReportedProblems} first.
     */
    public Builder reader(UnaryOperator<LabeledCsvReader> value) {
      this.reader = Objects.requireNonNull(value);
      return this;
    }

    /**
     * Fits the value that fills a missing cell on the training rows, for every feature: the
     * median of a numeric feature, the most frequent level of a categorical or boolean one. The
     * schema's own policy is then replaced (default: off, the schema's policy holds).
     */
    public Builder fitImputation(boolean value) {
      this.fitImputation = value;
      return this;
    }

    /** The MLP hyperparameters of both networks (default {@link MlpSettings#defaults()}). */
    public Builder mlp(MlpSettings value) {
      this.mlp = Objects.requireNonNull(value);
      return this;
    }

    /** The Python with PyTorch (default {@value PyTorchMlpTrainer#DEFAULT_PYTHON}). */
    public Builder python(String value) {
      this.python = value;
      return this;
    }

    /** Bundle name prefix (default {@code farmer}: farmer-scorecard, farmer-mlp-tf, ...). */
    public Builder prefix(String value) {
      this.prefix = value;
      return this;
    }

    /** Bundle version (default {@code 1.0.0}). */
    public Builder version(String value) {
      this.version = value;
      return this;
    }

    /**
     * Categorical features to break the AUC down by (default: those whose name mentions a
     * region or a crop).
     */
    public Builder segmentBy(List<String> value) {
      this.segmentBy = List.copyOf(value);
      return this;
    }

    /** How many data problems to list before giving up (default 20). */
    public Builder maxReportedProblems(int value) {
      this.maxProblems = value;
      return this;
    }

    /** Engine options for loading and verifying bundles. */
    public Builder engineOptions(EngineOptions value) {
      this.engineOptions = Objects.requireNonNull(value);
      return this;
    }

    /** Points and grades written into every bundle (default: 600 points at 20:1, PDO 20). */
    public Builder scoreScale(ScoreScale value) {
      this.scoreScale = Objects.requireNonNull(value);
      return this;
    }

    /** How the report describes the data (default: the CSV's file name). */
    public Builder sourceDescription(String value) {
      this.sourceDescription = value;
      return this;
    }

    /** Receives one line per step and epoch (default: nothing). */
    public Builder progress(Consumer<String> value) {
      this.progress = Objects.requireNonNull(value);
      return this;
    }

    /**
     * The pipeline, every option checked against the schema first.
     *
     * @throws IllegalArgumentException naming the option that does not fit
     */
    public TrainingPipeline build() {
      Objects.requireNonNull(data, "data");
      Objects.requireNonNull(schema, "schema");
      Objects.requireNonNull(out, "out");
      if (segmentBy != null) {
        for (String f : segmentBy) {
          if (!(schema.feature(f).orElse(null) instanceof CategoricalFeature)) {
            throw new IllegalArgumentException("--segment-by " + f + ": schema '"
                + schema.name() + "' has no categorical feature of that name; categorical: "
                + schema.features().stream().filter(x -> x instanceof CategoricalFeature)
                    .map(Feature::name).toList());
          }
        }
      }
      if (folds > 0 && cutoff != null) {
        throw new IllegalArgumentException("cross-validation and an out-of-time split exclude"
            + " each other");
      }
      if (prefix == null || !prefix.matches("[a-z0-9][a-z0-9._-]*")) {
        throw new IllegalArgumentException("--prefix must be lower-case letters, digits, '.',"
            + " '_' or '-', got '" + prefix + "'");
      }
      return new TrainingPipeline(this);
    }

    private static ScoreScale defaultScale() {
      return new ScoreScale(600, 20, 20, 300, 850, List.of(
          new ScoreScale.Grade("A", 660), new ScoreScale.Grade("B", 620),
          new ScoreScale.Grade("C", 580), new ScoreScale.Grade("D", 540),
          new ScoreScale.Grade("E", 300)));
    }
  }
}
