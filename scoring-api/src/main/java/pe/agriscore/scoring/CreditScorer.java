package pe.agriscore.scoring;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import pe.agriscore.bundle.BundleException;
import pe.agriscore.bundle.GoldenCase;
import pe.agriscore.bundle.ModelBundle;
import pe.agriscore.engine.EngineException;
import pe.agriscore.engine.EngineOptions;
import pe.agriscore.engine.Engines;
import pe.agriscore.engine.ScoringEngine;
import pe.agriscore.engine.ScoringModel;
import pe.agriscore.preprocessing.Encoder;
import pe.agriscore.request.InvalidRequestException;
import pe.agriscore.request.ScoringRequest;
import pe.agriscore.schema.Feature;

/**
 * Scores applicants with one model bundle: the facade banks code against.
 *
 * <pre>{@code
 * try (CreditScorer scorer = CreditScorer.open(Path.of("models/farmer-scorecard"))) {
 *   CreditScore score = scorer.score(ScoringRequest.builder("PE-0001", LocalDate.now())
 *       .set("farm_size_ha", 2.5)
 *       ...
 *       .build());
 *   System.out.println(score.points() + " " + score.grade() + " " + score.reasons());
 * }
 * }</pre>
 *
 * <p><b>Loading</b> opens and verifies the bundle (checksums, file consistency), finds its
 * engine by name on the classpath, loads the model, checks its input width and runs every golden
 * case; any failure refuses the bundle with a {@link BundleException} naming the file or case.
 *
 * <p><b>Thread safety:</b> a scorer is immutable after loading and fully thread-safe; share one
 * per model across the application. Concurrent calls give exactly the results they would give
 * alone.
 *
 * <p><b>Reason codes</b> (up to {@link Builder#maxReasonCodes}, default 4) measure each feature
 * against its reference baseline in one batched engine call: the applicant's row plus one row
 * per feature that differs from its baseline. For an additive model (a logistic scorecard, see
 * {@link ScoringModel#logOddsCoefficients()}) they are computed exactly without extra rows.
 */
public final class CreditScorer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(CreditScorer.class);

  /** Contributions smaller than this many points are not reported as reasons. */
  private static final double MIN_REASON_POINTS = 0.005;

  private final ModelBundle bundle;
  private final ScoringModel model;
  private final Encoder encoder;
  private final ScoreScale scale;
  private final int maxReasonCodes;
  private final Clock clock;
  private final String modelName;
  private final String modelVersion;
  private final String engineName;
  private final Feature[] features;
  private final float[] baselineRow;
  /** The model's log-odds coefficient per column when it is additive, else null. */
  private final double[] linearTerms;

  private CreditScorer(Builder b, ModelBundle bundle, ScoringModel model) {
    this.bundle = bundle;
    this.model = model;
    this.encoder = bundle.encoder();
    this.scale = bundle.scoreScale();
    this.maxReasonCodes = b.maxReasonCodes;
    this.clock = b.clock;
    this.modelName = bundle.manifest().name();
    this.modelVersion = bundle.manifest().version();
    this.engineName = bundle.manifest().engine();
    this.features = bundle.schema().features().toArray(new Feature[0]);
    this.linearTerms = model.logOddsCoefficients().orElse(null);
    this.baselineRow = new float[encoder.width()];
    for (int i = 0; i < features.length; i++) {
      Object baseline = bundle.reference().features().get(features[i].name()).baseline();
      encoder.encodeValue(i, baseline, baselineRow, encoder.columnStart(i));
    }
  }

  /**
   * Opens a bundle with default settings.
   *
   * @throws BundleException naming the bundle file or golden case at fault
   */
  public static CreditScorer open(Path bundle) {
    return builder(bundle).build();
  }

  /** Starts configuring a scorer for the bundle at {@code bundle} (directory or zip). */
  public static Builder builder(Path bundle) {
    return new Builder(bundle);
  }

  /**
   * Scores one applicant.
   *
   * @throws InvalidRequestException naming every field and rule broken
   * @throws EngineException if the engine fails or returns something that is not a probability
   */
  public CreditScore score(ScoringRequest request) {
    ScoringResult r = scoreAll(List.of(request)).get(0);
    if (r instanceof CreditScore s) {
      return s;
    }
    ScoringError e = (ScoringError) r;
    if (e.kind() == ScoringError.Kind.INVALID_REQUEST) {
      throw new InvalidRequestException(e.applicantId(), e.violations(), e.omittedViolations());
    }
    throw new EngineException(e.message());
  }

  /**
   * Scores many applicants in one engine call. A bad request gets its own {@link ScoringError}
   * and does not affect the others; the result list has one entry per request, in order.
   */
  public List<ScoringResult> scoreAll(List<ScoringRequest> requests) {
    int n = requests.size();
    int width = encoder.width();
    ScoringResult[] results = new ScoringResult[n];
    Instant now = clock.instant();
    float[] rows = new float[n * width];
    int[] rowOf = new int[n];
    int valid = 0;
    for (int i = 0; i < n; i++) {
      ScoringRequest request = requests.get(i);
      try {
        encoder.encode(request, rows, valid * width);
        rowOf[i] = valid++;
      } catch (InvalidRequestException e) {
        rowOf[i] = -1;
        results[i] = ScoringError.invalidRequest(e, modelName, modelVersion, now);
      }
    }
    if (valid == 0) {
      return Arrays.asList(results);
    }
    Perturbations perturbations =
        maxReasonCodes > 0 && linearTerms == null ? perturb(rows, valid) : null;
    float[] input = perturbations == null ? rows : perturbations.rows;
    int totalRows = perturbations == null ? valid : perturbations.totalRows;
    double[] pd;
    try {
      pd = model.predict(input, totalRows);
      if (pd == null || pd.length != totalRows) {
        throw new EngineException("engine '" + engineName + "' returned "
            + (pd == null ? "null" : pd.length + " probabilities") + " for " + totalRows
            + " rows");
      }
    } catch (RuntimeException e) {
      LOG.error("engine '{}' failed on a batch of {} requests ({} rows)", engineName, valid,
          totalRows, e);
      String message = "engine '" + engineName + "' failed: " + e.getMessage();
      for (int i = 0; i < n; i++) {
        if (rowOf[i] >= 0) {
          results[i] = new ScoringError(requests.get(i).applicantId(),
              ScoringError.Kind.ENGINE_FAILURE, message, List.of(), modelName, modelVersion, now,
              e.getClass().getName());
        }
      }
      return Arrays.asList(results);
    }
    Contributions contributions = new Contributions(features.length);
    for (int i = 0; i < n; i++) {
      if (rowOf[i] >= 0) {
        results[i] = toScore(requests.get(i), rowOf[i], rows, pd, perturbations, contributions,
            now);
      }
    }
    return Arrays.asList(results);
  }

  private ScoringResult toScore(ScoringRequest request, int row, float[] rows, double[] pd,
      Perturbations perturbations, Contributions contributions, Instant now) {
    double p = pd[row];
    if (!(p >= 0 && p <= 1)) {
      return engineFailure(request, "engine '" + engineName + "' returned " + p
          + ", not a probability", now);
    }
    List<ReasonCode> reasons = List.of();
    if (maxReasonCodes > 0) {
      contributions.clear();
      if (perturbations != null) {
        if (!perturbations.measure(row, scale.rawPoints(p), pd, scale, contributions)) {
          return engineFailure(request, "engine '" + engineName + "' returned a value that is"
              + " not a probability while computing reason codes", now);
        }
      } else {
        linearContributions(rows, row, contributions);
      }
      reasons = contributions.topAdverse(maxReasonCodes, features);
    }
    int points = scale.points(p);
    return new CreditScore(request.applicantId(), request.asOfDate(), p, points,
        scale.grade(points).grade(), reasons, modelName, modelVersion, now);
  }

  private ScoringError engineFailure(ScoringRequest request, String message, Instant now) {
    return new ScoringError(request.applicantId(), ScoringError.Kind.ENGINE_FAILURE, message,
        List.of(), modelName, modelVersion, now);
  }

  /**
   * For a model whose log-odds are a sum of column terms, a feature's contribution is exact
   * without the engine: points fall by PDO / ln 2 for every unit of log-odds of default.
   */
  private void linearContributions(float[] rows, int row, Contributions out) {
    int base = row * encoder.width();
    double pointsPerLogit = scale.pointsToDoubleOdds() / Math.log(2);
    for (int f = 0; f < features.length; f++) {
      int start = encoder.columnStart(f);
      double dz = 0;
      for (int c = start; c < start + encoder.columnCount(f); c++) {
        dz += linearTerms[c] * ((double) rows[base + c] - baselineRow[c]);
      }
      out.add(f, -pointsPerLogit * dz);
    }
  }

  /** One applicant's feature contributions in points; reused across a batch. */
  private static final class Contributions {
    final double[] points;
    final int[] feature;
    int size;

    Contributions(int capacity) {
      points = new double[capacity];
      feature = new int[capacity];
    }

    void clear() {
      size = 0;
    }

    void add(int featureIndex, double contribution) {
      if (contribution < -MIN_REASON_POINTS) {
        points[size] = contribution;
        feature[size++] = featureIndex;
      }
    }

    /** The {@code max} most negative, ties broken by schema order. */
    List<ReasonCode> topAdverse(int max, Feature[] features) {
      int k = Math.min(size, max);
      List<ReasonCode> reasons = new ArrayList<>(k);
      boolean[] taken = new boolean[size];
      for (int rank = 1; rank <= k; rank++) {
        int best = -1;
        for (int j = 0; j < size; j++) {
          if (!taken[j] && (best < 0 || points[j] < points[best]
              || (points[j] == points[best] && feature[j] < feature[best]))) {
            best = j;
          }
        }
        taken[best] = true;
        Feature f = features[feature[best]];
        reasons.add(new ReasonCode(rank, f.text().reasonCode(), f.name(),
            Math.round(points[best] * 100) / 100.0, f.text().reasonEs(), f.text().reasonEn()));
      }
      return reasons;
    }
  }

  /** The valid rows, followed by each row's copies with one feature set to its baseline. */
  private static final class Perturbations {
    float[] rows;
    int totalRows;
    /** For perturbed row r: the feature set to baseline. */
    int[] feature;
    /** For original row i: perturbed rows firstRow[i] until firstRow[i + 1]. */
    int[] firstRow;

    /** Adds row's contributions; false if a perturbed probability is invalid. */
    boolean measure(int row, double actualPoints, double[] pd, ScoreScale scale,
        Contributions out) {
      for (int r = firstRow[row]; r < firstRow[row + 1]; r++) {
        double q = pd[r];
        if (!(q >= 0 && q <= 1)) {
          return false;
        }
        out.add(feature[r], actualPoints - scale.rawPoints(q));
      }
      return true;
    }
  }

  private Perturbations perturb(float[] rows, int valid) {
    int width = encoder.width();
    int maxRows = valid * (1 + features.length);
    Perturbations p = new Perturbations();
    p.rows = Arrays.copyOf(rows, maxRows * width);
    p.feature = new int[maxRows];
    p.firstRow = new int[valid + 1];
    int next = valid;
    for (int i = 0; i < valid; i++) {
      p.firstRow[i] = next;
      int base = i * width;
      for (int f = 0; f < features.length; f++) {
        int start = encoder.columnStart(f);
        int len = encoder.columnCount(f);
        if (Arrays.equals(rows, base + start, base + start + len, baselineRow, start,
            start + len)) {
          continue;
        }
        int target = next * width;
        System.arraycopy(rows, base, p.rows, target, width);
        System.arraycopy(baselineRow, start, p.rows, target + start, len);
        p.feature[next++] = f;
      }
    }
    p.firstRow[valid] = next;
    p.totalRows = next;
    return p;
  }

  /** The bundle this scorer was loaded from (schema, manifest, reference profile...). */
  public ModelBundle bundle() {
    return bundle;
  }

  /** The model's name, from the manifest. */
  public String modelName() {
    return modelName;
  }

  /** The model's version, from the manifest. */
  public String modelVersion() {
    return modelVersion;
  }

  /** Releases the engine's native memory and a zip bundle's extracted files. */
  @Override
  public void close() {
    try {
      model.close();
    } finally {
      bundle.close();
    }
  }

  private static void verifyGolden(ModelBundle bundle, ScoringModel model) {
    List<GoldenCase> cases = bundle.goldenCases();
    if (cases.isEmpty()) {
      throw new BundleException(ModelBundle.GOLDEN,
          "no golden cases: a bundle must prove its model reproduces its training outputs");
    }
    Encoder encoder = bundle.encoder();
    float[] rows = new float[cases.size() * encoder.width()];
    for (int i = 0; i < cases.size(); i++) {
      encoder.encode(cases.get(i).request(), rows, i * encoder.width());
    }
    double[] pd;
    try {
      pd = model.predict(rows, cases.size());
    } catch (RuntimeException e) {
      throw new BundleException(ModelBundle.GOLDEN,
          "the engine failed on the golden cases: " + e.getMessage(), e);
    }
    double tolerance = bundle.goldenTolerance();
    for (int i = 0; i < cases.size(); i++) {
      GoldenCase c = cases.get(i);
      double diff = Math.abs(pd[i] - c.probability());
      if (!(diff <= tolerance)) {
        throw new BundleException(ModelBundle.GOLDEN, "golden case '" + c.id()
            + "' failed: expected probability " + c.probability() + " but engine '"
            + bundle.manifest().engine() + "' computed " + pd[i] + " (difference " + diff
            + " > tolerance " + tolerance + ")");
      }
    }
  }

  /** Configures a {@link CreditScorer}. */
  public static final class Builder {
    private final Path bundlePath;
    private EngineOptions engineOptions = EngineOptions.defaults();
    private int maxReasonCodes = 4;
    private Clock clock = Clock.systemUTC();

    private Builder(Path bundlePath) {
      this.bundlePath = Objects.requireNonNull(bundlePath, "bundle");
    }

    /** Engine settings (thread counts, native cache directory). Default: engine defaults. */
    public Builder engineOptions(EngineOptions options) {
      this.engineOptions = Objects.requireNonNull(options, "options");
      return this;
    }

    /**
     * The most adverse reason codes returned per score, 0 to turn them off (saves the extra
     * engine rows). Default 4, the usual adverse-action maximum.
     */
    public Builder maxReasonCodes(int max) {
      if (max < 0) {
        throw new IllegalArgumentException("maxReasonCodes must be >= 0");
      }
      this.maxReasonCodes = max;
      return this;
    }

    /** The clock that timestamps results. Default: the system UTC clock. */
    public Builder clock(Clock value) {
      this.clock = Objects.requireNonNull(value, "clock");
      return this;
    }

    /**
     * Opens, verifies and loads the bundle.
     *
     * @throws BundleException naming the bundle file or golden case at fault
     */
    public CreditScorer build() {
      ModelBundle bundle = ModelBundle.open(bundlePath);
      ScoringModel model = null;
      try {
        ScoringEngine engine = Engines.find(bundle.manifest().engine());
        model = engine.load(bundle, engineOptions);
        if (model.inputWidth() != bundle.encoder().width()) {
          throw new BundleException(bundle.manifest().model(), "the model takes "
              + model.inputWidth() + " inputs but schema.json and preprocessing.json encode "
              + bundle.encoder().width());
        }
        verifyGolden(bundle, model);
        CreditScorer scorer = new CreditScorer(this, bundle, model);
        LOG.info("loaded model {} {} on engine '{}' ({} features, {} inputs, {} golden cases)",
            scorer.modelName, scorer.modelVersion, engine.name(), bundle.schema().size(),
            bundle.encoder().width(), bundle.goldenCases().size());
        return scorer;
      } catch (RuntimeException e) {
        if (model != null) {
          model.close();
        }
        bundle.close();
        throw e;
      }
    }
  }
}
