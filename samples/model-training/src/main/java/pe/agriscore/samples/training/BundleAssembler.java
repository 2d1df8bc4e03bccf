package pe.agriscore.samples.training;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.stream.Stream;
import pe.agriscore.CreditScorer;
import pe.agriscore.authoring.BundleWriter;
import pe.agriscore.engine.EngineOptions;
import pe.agriscore.engine.Engines;
import pe.agriscore.engine.ScoringModel;
import pe.agriscore.internal.bundle.Encoder;
import pe.agriscore.internal.bundle.ModelBundle;
import pe.agriscore.schema.FeatureSchema;
import pe.agriscore.schema.GoldenCase;
import pe.agriscore.schema.Preprocessing;
import pe.agriscore.schema.ScoreScale;

/**
 * Wraps a trained model into a sealed bundle whose golden cases and score profile come from the
 * model itself, running in its engine.
 *
 * <p>It writes a provisional bundle (no golden cases, no score profile), loads it through {@link
 * Engines#find}, scores the training, test and golden rows, writes the final bundle with those
 * golden probabilities (or with probabilities computed elsewhere, such as by PyTorch in Python,
 * which the engine must then reproduce) and the training score distribution, and finally opens it
 * with {@link CreditScorer#open}, which runs the golden cases again. Every probability the
 * evaluation report uses is one the engine computed.
 *
 * <pre>{@code
 * BundleAssembler.Packaged p = BundleAssembler.builder()
 *     .name("farmer-scorecard").version("1.0.0").engine("scorecard")
 *     .modelFormat("agriscore-logistic").model(file, "model/scorecard.json")
 *     .schema(schema).preprocessing(prep).scoreScale(scale)
 *     .rows(split.train(), split.test(), golden).goldenTolerance(1e-9)
 *     .assemble(Path.of("models/farmer-scorecard"));
 * }</pre>
 */
public final class BundleAssembler {

  /** Engines are called with at most this many rows at a time. */
  private static final int CHUNK_ROWS = 8192;

  private String name;
  private String version = "1.0.0";
  private String description;
  private String engine;
  private String modelFormat;
  private Path modelSource;
  private String modelTarget;
  private String inputName = "features";
  private String outputName = "probability";
  private final Map<String, String> properties = new TreeMap<>();
  private FeatureSchema schema;
  private Preprocessing preprocessing;
  private ScoreScale scoreScale;
  private List<LabeledRow> train;
  private List<LabeledRow> test;
  private List<LabeledRow> golden;
  private double[] externalGolden;
  private double goldenTolerance = 1e-6;
  private EngineOptions engineOptions = EngineOptions.defaults();
  private Instant createdAt;

  private BundleAssembler() {}

  /** Starts a bundle. */
  public static BundleAssembler builder() {
    return new BundleAssembler();
  }

  /** The model name, e.g. {@code farmer-mlp-tf}. */
  public BundleAssembler name(String value) {
    this.name = value;
    return this;
  }

  /** The model version (default {@code 1.0.0}). */
  public BundleAssembler version(String value) {
    this.version = value;
    return this;
  }

  /** Free text for the manifest. */
  public BundleAssembler description(String value) {
    this.description = value;
    return this;
  }

  /** The engine name. */
  public BundleAssembler engine(String value) {
    this.engine = value;
    return this;
  }

  /** The model format. */
  public BundleAssembler modelFormat(String value) {
    this.modelFormat = value;
    return this;
  }

  /** The model file or directory and its path in the bundle. */
  public BundleAssembler model(Path source, String target) {
    this.modelSource = source;
    this.modelTarget = target;
    return this;
  }

  /** Input and output tensor names (default {@code features}, {@code probability}). */
  public BundleAssembler tensors(String input, String output) {
    this.inputName = input;
    this.outputName = output;
    return this;
  }

  /** An engine-specific manifest property. */
  public BundleAssembler property(String key, String value) {
    properties.put(key, value);
    return this;
  }

  /** The schema. */
  public BundleAssembler schema(FeatureSchema value) {
    this.schema = value;
    return this;
  }

  /** The fitted preprocessing. */
  public BundleAssembler preprocessing(Preprocessing value) {
    this.preprocessing = value;
    return this;
  }

  /** Points and grades. */
  public BundleAssembler scoreScale(ScoreScale value) {
    this.scoreScale = value;
    return this;
  }

  /**
   * The rows to score.
   *
   * @param trainRows profiled for the reference (features and score distribution)
   * @param testRows scored for the evaluation
   * @param goldenRows become the golden cases
   */
  public BundleAssembler rows(List<LabeledRow> trainRows, List<LabeledRow> testRows,
      List<LabeledRow> goldenRows) {
    this.train = trainRows;
    this.test = testRows;
    this.golden = goldenRows;
    return this;
  }

  /**
   * Golden probabilities computed outside the engine, one per golden row (e.g. by PyTorch in
   * Python); the engine must reproduce them within the tolerance. By default the golden
   * probabilities are the engine's own.
   */
  public BundleAssembler externalGolden(double[] probabilities) {
    this.externalGolden = probabilities.clone();
    return this;
  }

  /** The largest accepted golden difference (default 1e-6). */
  public BundleAssembler goldenTolerance(double value) {
    this.goldenTolerance = value;
    return this;
  }

  /** Options for loading the engine. */
  public BundleAssembler engineOptions(EngineOptions value) {
    this.engineOptions = value;
    return this;
  }

  /** The manifest's creation time (default: now). */
  public BundleAssembler createdAt(Instant value) {
    this.createdAt = value;
    return this;
  }

  /**
   * What was assembled.
   *
   * @param dir the sealed bundle
   * @param trainPd the engine's probability for each training row
   * @param testPd the engine's probability for each test row
   * @param goldenEnginePd the engine's probability for each golden row
   * @param goldenPd the probabilities written to golden.json
   * @param bytes the bundle's total size on disk
   */
  public record Packaged(Path dir, double[] trainPd, double[] testPd, double[] goldenEnginePd,
      double[] goldenPd, long bytes) {}

  /**
   * Writes the bundle into {@code dir}, replacing a bundle already there.
   *
   * @throws IOException if {@code dir} exists and is not a bundle, or on a write failure
   * @throws pe.agriscore.scoring.BundleException if the engine cannot load the model or does not
   *     reproduce the golden probabilities
   */
  public Packaged assemble(Path dir) throws IOException {
    Objects.requireNonNull(train, "rows");
    Instant created = createdAt == null ? Instant.now() : createdAt;
    Path scratch = Files.createTempDirectory("agriscore-provisional-");
    double[] trainPd;
    double[] testPd;
    double[] goldenEngine;
    try {
      Path provisional = writer(ReferenceProfiles.of(schema, train, null), List.of(), created)
          .writeTo(scratch.resolve("bundle"));
      try (ModelBundle bundle = ModelBundle.open(provisional);
          ScoringModel model = Engines.find(engine).load(bundle, engineOptions)) {
        trainPd = predict(model, EncodedRows.encode(bundle.encoder(), train));
        testPd = predict(model, EncodedRows.encode(bundle.encoder(), test));
        goldenEngine = predict(model, EncodedRows.encode(bundle.encoder(), golden));
      }
    } finally {
      deleteTree(scratch);
    }
    double[] goldenPd = externalGolden != null ? externalGolden : goldenEngine;
    if (goldenPd.length != golden.size()) {
      throw new IllegalArgumentException(goldenPd.length + " golden probabilities for "
          + golden.size() + " golden rows");
    }
    List<GoldenCase> cases = new ArrayList<>();
    for (int i = 0; i < golden.size(); i++) {
      LabeledRow r = golden.get(i);
      cases.add(new GoldenCase(r.request().applicantId() + "@line" + r.line(), r.request(),
          goldenPd[i]));
    }
    replaceBundleDir(dir);
    writer(ReferenceProfiles.of(schema, train, trainPd), cases, created).writeTo(dir);
    // Opening runs every golden case through the engine once more, as a bank's load would.
    try (CreditScorer scorer = CreditScorer.open(dir)) {
      if (scorer.model().goldenCaseCount() != cases.size()) {
        throw new IllegalStateException(dir + " holds " + scorer.model().goldenCaseCount()
            + " golden cases, not " + cases.size());
      }
    }
    return new Packaged(dir, trainPd, testPd, goldenEngine, goldenPd, sizeOf(dir));
  }

  private BundleWriter writer(pe.agriscore.schema.ReferenceProfile reference,
      List<GoldenCase> cases, Instant created) {
    BundleWriter w = BundleWriter.builder()
        .name(name).version(version).description(description)
        .engine(engine).modelFormat(modelFormat)
        .model(modelSource, modelTarget)
        .input(inputName, Encoder.compile(schema, preprocessing).width()).output(outputName)
        .createdAt(created)
        .schema(schema).preprocessing(preprocessing).scoreScale(scoreScale)
        .reference(reference)
        .golden(cases, goldenTolerance);
    properties.forEach(w::property);
    return w;
  }

  /** The engine's probabilities, in chunks. */
  static double[] predict(ScoringModel model, EncodedRows rows) {
    double[] out = new double[rows.rows()];
    int w = rows.width();
    for (int start = 0; start < rows.rows(); start += CHUNK_ROWS) {
      int n = Math.min(CHUNK_ROWS, rows.rows() - start);
      float[] chunk = java.util.Arrays.copyOfRange(rows.x(), start * w, (start + n) * w);
      double[] pd = model.predict(chunk, n);
      if (pd.length != n) {
        throw new IllegalStateException("engine returned " + pd.length + " values for " + n
            + " rows");
      }
      System.arraycopy(pd, 0, out, start, n);
    }
    return out;
  }

  private static void replaceBundleDir(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    boolean empty;
    try (Stream<Path> s = Files.list(dir)) {
      empty = s.findAny().isEmpty();
    }
    if (!empty && !Files.isRegularFile(dir.resolve(ModelBundle.MANIFEST))) {
      throw new IOException(dir + " exists and is not a model bundle; refusing to replace it");
    }
    deleteTree(dir);
  }

  static long sizeOf(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).mapToLong(p -> {
        try {
          return Files.size(p);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }).sum();
    }
  }

  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
