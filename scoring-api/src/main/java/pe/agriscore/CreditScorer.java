package pe.agriscore;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import pe.agriscore.engine.EngineException;
import pe.agriscore.engine.EngineOptions;
import pe.agriscore.engine.Engines;
import pe.agriscore.engine.ScoringModel;
import pe.agriscore.internal.CloseGuard;
import pe.agriscore.internal.bundle.Encoder;
import pe.agriscore.internal.bundle.ModelBundle;
import pe.agriscore.schema.Feature;
import pe.agriscore.schema.GoldenCase;
import pe.agriscore.schema.ScoreScale;
import pe.agriscore.scoring.AgriScoreException;
import pe.agriscore.scoring.BundleException;
import pe.agriscore.scoring.BundleLimits;
import pe.agriscore.scoring.CreditScore;
import pe.agriscore.scoring.InvalidRequestException;
import pe.agriscore.scoring.ReasonCode;
import pe.agriscore.scoring.ScoringError;
import pe.agriscore.scoring.ScoringRequest;
import pe.agriscore.scoring.ScoringResult;
import pe.agriscore.scoring.Violation;
import pe.agriscore.trust.KeyProvider;
import pe.agriscore.trust.TrustPolicy;

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
 * <p>{@link #model()} describes the loaded model (name, version, engine, schema, checksums) for
 * inventories and logs.
 *
 * <p><b>Thread safety:</b> a scorer is immutable after loading and fully thread-safe; share one
 * per model across the application. Concurrent calls give exactly the results they would give
 * alone.
 *
 * <p><b>Closing:</b> {@link #close()} may be called while other threads score: it waits for the
 * running calls, then releases the engine once; every call that starts after it throws {@link
 * ScorerClosedException} (logged once per scorer, at WARN), so closing never frees a model
 * under a running call.
 *
 * <p><b>Errors:</b> {@code open} throws {@link BundleException}; {@code score} throws {@link
 * InvalidRequestException}, {@link EngineException} (with the engine's exception as cause) or
 * {@link ScorerClosedException}; {@code scoreAll} returns a {@link ScoringError} per failed
 * request and throws only {@link ScorerClosedException}. Whatever an engine throws is one of
 * these.
 *
 * <p><b>Reason codes</b> (up to {@link Builder#maxReasonCodes}, default 4) measure each feature
 * against its reference baseline in the same engine call: the applicant's row plus one row per
 * feature that differs from its baseline. A reason's points are the applicant's score minus the
 * score with that one feature at its baseline, both on the reported scale: clamped to the
 * scale's [minPoints, maxPoints], before rounding. So a reason never claims more points than the
 * reported score could move (an applicant at the scale's top has no adverse reason, one at its
 * bottom can gain at most maxPoints - minPoints), and saturated probabilities of 0 or 1 give
 * finite points. For an additive model (a logistic scorecard, see {@link
 * ScoringModel#logOddsCoefficients()}) the same quantity is computed exactly from the
 * coefficients, without extra rows.
 */
public final class CreditScorer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(CreditScorer.class);

  /** Contributions smaller than this many points are not reported as reasons. */
  private static final double MIN_REASON_POINTS = 0.005;

  /** The default of {@link Builder#maxRowsPerEngineCall}. */
  public static final int DEFAULT_MAX_ROWS_PER_ENGINE_CALL = 8192;

  /**
   * The most input floats (64 MiB) one engine call gets, whatever {@link
   * Builder#maxRowsPerEngineCall} says, unless one applicant's rows alone are more.
   */
  public static final int MAX_FLOATS_PER_ENGINE_CALL = 1 << 24;

  /** The largest Java array the JVMs AgriScore runs on allocate. */
  private static final long MAX_ARRAY = Integer.MAX_VALUE - 8;

  private final ModelBundle bundle;
  private final ModelDescription description;
  private final ScoringModel model;
  private final Encoder encoder;
  private final ScoreScale scale;
  private final int maxReasonCodes;
  private final Clock clock;
  /** Told each engine call's duration, or {@code null}. */
  private final EngineCallListener engineCalls;
  private final String modelName;
  private final String modelVersion;
  private final String engineName;
  private final Feature[] features;
  private final float[] baselineRow;
  /** The model's log-odds coefficient per column when it is additive, else null. */
  private final double[] linearTerms;
  /** Whether reason codes need the engine's rows with one feature at its baseline. */
  private final boolean perturbing;
  /** Applicants scored per engine call, so that no call exceeds the row and float limits. */
  private final int applicantsPerCall;
  /** Points fall by this much per unit of log-odds of default (PDO / ln 2). */
  private final double pointsPerLogit;
  /** Raw points at log-odds 0 (probability 0.5). */
  private final double pointsAtEvenOdds;

  /** Scoring calls run under it; close() waits for them. */
  private final CloseGuard lifecycle = new CloseGuard(this::refusal);
  private final AtomicBoolean refusalLogged = new AtomicBoolean();

  private CreditScorer(Builder b, ModelBundle bundle, ScoringModel model) {
    this.bundle = bundle;
    this.model = model;
    this.encoder = bundle.encoder();
    this.scale = bundle.scoreScale();
    this.maxReasonCodes = b.maxReasonCodes;
    this.clock = b.clock;
    this.engineCalls = b.engineCalls;
    this.modelName = bundle.manifest().name();
    this.modelVersion = bundle.manifest().version();
    this.engineName = bundle.manifest().engine();
    this.description = new ModelDescription(modelName, modelVersion, engineName,
        bundle.manifest().description(), bundle.manifest().createdAt(), bundle.schema(), scale,
        bundle.manifest().files(), bundle.manifest().manifestSha256(),
        bundle.goldenCases().size(), bundle.trust());
    this.features = bundle.schema().features().toArray(new Feature[0]);
    this.linearTerms = model.logOddsCoefficients().orElse(null);
    this.baselineRow = new float[encoder.width()];
    for (int i = 0; i < features.length; i++) {
      Object baseline = bundle.reference().features().get(features[i].name()).baseline();
      encoder.encodeValue(i, baseline, baselineRow, encoder.columnStart(i));
    }
    this.perturbing = maxReasonCodes > 0 && linearTerms == null;
    this.pointsPerLogit = scale.pointsToDoubleOdds() / Math.log(2);
    this.pointsAtEvenOdds = scale.rawPoints(0.5);
    // long arithmetic: features and width are ints, their product need not be.
    long rowsPerApplicant = perturbing ? 1L + features.length : 1L;
    long floatsPerApplicant = rowsPerApplicant * encoder.width();
    if (floatsPerApplicant > MAX_ARRAY) {
      throw new BundleException(ModelBundle.SCHEMA, "reason codes would need "
          + rowsPerApplicant + " engine rows of " + encoder.width() + " inputs per applicant ("
          + floatsPerApplicant + " floats), more than one Java array holds: turn reason codes"
          + " off (maxReasonCodes(0)) or encode fewer columns");
    }
    long byRows = b.maxRowsPerEngineCall / rowsPerApplicant;
    long byFloats = MAX_FLOATS_PER_ENGINE_CALL / floatsPerApplicant;
    this.applicantsPerCall = (int) Math.max(1, Math.min(byRows, byFloats));
  }

  /**
   * Opens a bundle with default settings: {@code builder(bundle).build()}.
   *
   * @param bundle a bundle directory or zip file
   * @return a loaded, thread-safe scorer; close it when the model is retired
   * @throws NullPointerException if {@code bundle} is null
   * @throws BundleException naming the bundle file or golden case at fault
   */
  public static CreditScorer open(Path bundle) {
    return builder(bundle).build();
  }

  /**
   * Starts configuring a scorer for the bundle at {@code bundle}; nothing is read until {@link
   * Builder#build()}.
   *
   * @param bundle a bundle directory or zip file
   * @return a new builder with every setting at its default
   * @throws NullPointerException if {@code bundle} is null
   */
  public static Builder builder(Path bundle) {
    return new Builder(bundle);
  }

  /**
   * Scores one applicant. Thread-safe.
   *
   * @param request the applicant; {@code null} is refused as an invalid request
   * @return the score, never null
   * @throws InvalidRequestException naming every field and rule broken; for a {@code null}
   *     request, one {@code MALFORMED} violation of field {@code $}
   * @throws EngineException if the engine fails (the engine's exception is the cause) or returns
   *     something that is not a probability
   * @throws ScorerClosedException if the scorer was closed
   */
  public CreditScore score(ScoringRequest request) {
    RuntimeException[] failure = new RuntimeException[1];
    ScoringResult r = guarded(() -> scoreBatch(Collections.singletonList(request), failure))[0];
    if (r instanceof CreditScore s) {
      return s;
    }
    ScoringError e = (ScoringError) r;
    if (e.kind() == ScoringError.Kind.INVALID_REQUEST) {
      // The encoder's own exception, so its stack trace shows where the request was refused;
      // a null request has none.
      if (failure[0] instanceof InvalidRequestException refused) {
        throw refused;
      }
      throw new InvalidRequestException(e.applicantId(), e.violations(), e.omittedViolations());
    }
    throw new EngineException(e.message(), failure[0]);
  }

  /**
   * Scores many applicants, in engine calls of at most {@link Builder#maxRowsPerEngineCall} rows
   * each (reason codes included), so a list of any size works. A bad request, {@code null}
   * included, gets its own {@link ScoringError} of kind {@code INVALID_REQUEST} and does not
   * affect the others; an engine failure gives an {@code ENGINE_FAILURE} error to the requests of
   * that engine call only. The result list has one entry per request, in order.
   *
   * @param requests the applicants, in order; the list itself must not be null
   * @return one result per request, in the same order (a fixed-size list the caller owns)
   * @throws NullPointerException if {@code requests} is null
   * @throws ScorerClosedException if the scorer was closed
   */
  public List<ScoringResult> scoreAll(List<ScoringRequest> requests) {
    Objects.requireNonNull(requests, "requests");
    return Arrays.asList(guarded(() -> scoreBatch(requests, new RuntimeException[1])));
  }

  /** Runs a scoring call unless the scorer is closed; close() waits for it to end. */
  private ScoringResult[] guarded(Supplier<ScoringResult[]> call) {
    return lifecycle.call(call);
  }

  private ScorerClosedException refusal() {
    String message = "model " + modelName + " " + modelVersion + " on engine '" + engineName
        + "' is closed: calls after close() cannot succeed, open a new CreditScorer";
    if (refusalLogged.compareAndSet(false, true)) {
      // Once per scorer: a busy caller would otherwise log a line per refused call.
      LOG.warn("{} (logged once; every later call throws ScorerClosedException)", message);
    }
    return new ScorerClosedException(message);
  }

  /**
   * Encodes the requests and scores them, {@link #applicantsPerCall} applicants per engine call;
   * {@code failure[0]} is set to the last exception behind an error (the encoder's or the
   * engine's).
   */
  private ScoringResult[] scoreBatch(List<ScoringRequest> requests, RuntimeException[] failure) {
    int n = requests.size();
    int width = encoder.width();
    ScoringResult[] results = new ScoringResult[n];
    Instant now = clock.instant();
    int capacity = Math.min(n, applicantsPerCall);
    Chunk chunk = new Chunk(new float[capacity * width], new int[capacity],
        new ScoringRequest[capacity]);
    Contributions contributions = new Contributions(features.length);
    int count = 0;
    Iterator<ScoringRequest> it = requests.iterator();
    for (int i = 0; i < n; i++) {
      ScoringRequest request = it.next();
      if (request == null) {
        results[i] = new ScoringError(null, ScoringError.Kind.INVALID_REQUEST,
            "request " + i + " of the batch is null",
            List.of(new Violation("$", Violation.Rule.MALFORMED,
                "request " + i + " of the batch is null (no request)")),
            modelName, modelVersion, now);
        continue;
      }
      try {
        encoder.encode(request, chunk.rows, count * width);
      } catch (InvalidRequestException e) {
        results[i] = ScoringError.invalidRequest(e, modelName, modelVersion, now);
        failure[0] = e;
        continue;
      }
      chunk.index[count] = i;
      chunk.requests[count++] = request;
      if (count == capacity) {
        scoreChunk(chunk, count, results, contributions, now, failure);
        count = 0;
      }
    }
    if (count > 0) {
      scoreChunk(chunk, count, results, contributions, now, failure);
    }
    return results;
  }

  /** Up to {@link #applicantsPerCall} encoded requests and where their results go. */
  private record Chunk(float[] rows, int[] index, ScoringRequest[] requests) {}

  /** Scores the first {@code count} requests of the chunk in one engine call. */
  private void scoreChunk(Chunk chunk, int count, ScoringResult[] results,
      Contributions contributions, Instant now, RuntimeException[] failure) {
    Perturbations perturbations = perturbing ? perturb(chunk.rows, count) : null;
    float[] input = perturbations == null ? chunk.rows : perturbations.rows;
    int totalRows = perturbations == null ? count : perturbations.totalRows;
    double[] pd;
    long nanos;
    try {
      long started = System.nanoTime();
      pd = model.predict(input, totalRows);
      nanos = System.nanoTime() - started;
      if (pd == null || pd.length != totalRows) {
        throw new EngineException("engine '" + engineName + "' returned "
            + (pd == null ? "null" : pd.length + " probabilities") + " for " + totalRows
            + " rows");
      }
    } catch (RuntimeException e) {
      LOG.error("engine '{}' failed on a batch of {} requests ({} rows)", engineName, count,
          totalRows, e);
      failure[0] = e;
      for (int k = 0; k < count; k++) {
        results[chunk.index[k]] = ScoringError.engineFailure(chunk.requests[k].applicantId(),
            engineName, e, modelName, modelVersion, now);
      }
      return;
    }
    if (engineCalls != null) {
      engineCalls.engineCalled(totalRows, nanos);
    }
    for (int k = 0; k < count; k++) {
      results[chunk.index[k]] = toScore(chunk.requests[k], k, chunk.rows, pd, perturbations,
          contributions, now);
    }
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
        if (!perturbations.measure(row, p, scale.clamp(scale.rawPoints(p)), pd, scale,
            contributions)) {
          return engineFailure(request, "engine '" + engineName + "' returned a value that is"
              + " not a probability while computing reason codes", now);
        }
      } else {
        linearContributions(rows, row, p, contributions);
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
   * For a model whose log-odds are a sum of column terms, setting a feature to its baseline moves
   * the log-odds by exactly its terms' difference, with no engine call. Both scores are taken on
   * the clamped scale from the exact log-odds, so a saturated probability (0 or 1) gives
   * infinite raw points that clamp to the scale's ends, never NaN.
   */
  private void linearContributions(float[] rows, int row, double p, Contributions out) {
    int base = row * encoder.width();
    double logOdds = Math.log(p) - Math.log1p(-p);
    double actual = scale.clamp(pointsAtEvenOdds - pointsPerLogit * logOdds);
    for (int f = 0; f < features.length; f++) {
      int start = encoder.columnStart(f);
      double dz = 0;
      for (int c = start; c < start + encoder.columnCount(f); c++) {
        dz += linearTerms[c] * ((double) rows[base + c] - baselineRow[c]);
      }
      if (dz != 0) {
        out.add(f, actual - scale.clamp(pointsAtEvenOdds - pointsPerLogit * (logOdds - dz)));
      }
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

    /**
     * Adds row's contributions, each the clamped points of the applicant minus the clamped points
     * with the feature at its baseline; false if a perturbed probability is invalid. A perturbed
     * probability {@code q} not below the applicant's {@code p} gives no reason and costs no
     * logarithm: points never rise with the probability ({@link ScoreScale#rawPoints} is a chain
     * of monotone steps, the logarithm semi-monotonic, PDO positive), so its contribution is >= 0
     * and {@link Contributions#add} would drop it.
     */
    boolean measure(int row, double p, double clampedPoints, double[] pd, ScoreScale scale,
        Contributions out) {
      for (int r = firstRow[row]; r < firstRow[row + 1]; r++) {
        double q = pd[r];
        if (!(q >= 0 && q <= 1)) {
          return false;
        }
        if (q < p) {
          out.add(feature[r], clampedPoints - scale.clamp(scale.rawPoints(q)));
        }
      }
      return true;
    }
  }

  /**
   * The first {@code valid} rows of {@code rows} and their perturbed copies, sized to the
   * features that differ from their baseline. The constructor bounds {@code valid * (1 +
   * features) * width} by an int (see {@link #applicantsPerCall}).
   */
  private Perturbations perturb(float[] rows, int valid) {
    int width = encoder.width();
    Perturbations p = new Perturbations();
    p.firstRow = new int[valid + 1];
    // One pass finds the features off their baseline, the second copies only those rows.
    int[] off = new int[valid * features.length];
    int next = valid;
    for (int i = 0; i < valid; i++) {
      p.firstRow[i] = next;
      for (int f = 0; f < features.length; f++) {
        off[next - valid] = f;
        next += differsFromBaseline(rows, i * width, f) ? 1 : 0;
      }
    }
    p.firstRow[valid] = next;
    p.totalRows = next;
    p.rows = perturbationBuffer(Math.multiplyExact(next, width));
    System.arraycopy(rows, 0, p.rows, 0, valid * width);
    p.feature = new int[next];
    for (int i = 0, r = valid; i < valid; i++) {
      int base = i * width;
      for (; r < p.firstRow[i + 1]; r++) {
        int f = off[r - valid];
        int start = encoder.columnStart(f);
        System.arraycopy(rows, base, p.rows, r * width, width);
        System.arraycopy(baselineRow, start, p.rows, r * width + start, encoder.columnCount(f));
        p.feature[r] = f;
      }
    }
    return p;
  }

  /** The most floats a thread keeps for its perturbation rows between calls (256 KiB). */
  private static final int REUSED_FLOATS = 1 << 16;

  /**
   * Each thread's perturbation rows, reused from call to call up to {@link #REUSED_FLOATS}: a
   * single score with reason codes would otherwise allocate and zero ~7 KB (the reference
   * schema's 25 rows) per call. Every float of the rows sent is written before the engine call,
   * and the engine reads the rows only during the call, so a reused array is never seen stale.
   */
  private static final ThreadLocal<float[]> PERTURBATION_ROWS = new ThreadLocal<>();

  private static float[] perturbationBuffer(int floats) {
    if (floats > REUSED_FLOATS) {
      return new float[floats];
    }
    float[] buffer = PERTURBATION_ROWS.get();
    if (buffer == null || buffer.length < floats) {
      buffer = new float[Math.max(floats, 1024)];
      PERTURBATION_ROWS.set(buffer);
    }
    return buffer;
  }

  /**
   * Whether feature {@code feature}'s columns of the row at {@code base} differ from its
   * baseline's, as {@link Arrays#equals(float[], float[])} compares (a loop: a feature has a
   * column or a few, too few for the library's vectorised mismatch to pay for its call).
   */
  private boolean differsFromBaseline(float[] rows, int base, int feature) {
    int start = encoder.columnStart(feature);
    int end = start + encoder.columnCount(feature);
    for (int c = start; c < end; c++) {
      if (Float.floatToIntBits(rows[base + c]) != Float.floatToIntBits(baselineRow[c])) {
        return true;
      }
    }
    return false;
  }

  /**
   * What this scorer runs, for a model inventory or a log line: name, version, engine, schema,
   * creation time, score scale, file checksums and golden case count. The description is
   * immutable, never null, the same object on every call, and stays valid after {@link #close()};
   * the bundle's files themselves are not handed out, since closing the scorer deletes a zip
   * bundle's extracted copy.
   */
  public ModelDescription model() {
    return description;
  }

  /** The model's name, from the manifest. */
  public String modelName() {
    return modelName;
  }

  /** The model's version, from the manifest. */
  public String modelVersion() {
    return modelVersion;
  }

  /**
   * Stops the scorer: calls that start from now on throw {@link ScorerClosedException}; calls
   * already running complete normally, and close() waits for them before it releases the
   * engine's native memory and a zip bundle's extracted files, exactly once. Closing again does
   * nothing.
   *
   * @throws IllegalStateException if called from inside a scoring call of this scorer (it would
   *     wait for itself)
   * @throws EngineException if the engine fails to release its model (the scorer is closed all
   *     the same, and the bundle released)
   */
  @Override
  public void close() {
    lifecycle.close(() -> {
      try {
        model.close();
      } catch (RuntimeException e) {
        throw e instanceof AgriScoreException ? e : new EngineException("engine '" + engineName
            + "' failed to release model " + modelName + " " + modelVersion + ": "
            + e.getMessage(), e);
      } finally {
        bundle.close();
      }
    });
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

  /**
   * Configures a {@link CreditScorer}; every setting has a default, so {@code
   * CreditScorer.open(path)} is {@code builder(path).build()}.
   *
   * <pre>{@code
   * CreditScorer scorer = CreditScorer.builder(Path.of("models/farmer-mlp-tf.zip"))
   *     .engineOptions(EngineOptions.builder().set("tensorflow.intra_op_threads", "2").build())
   *     .bundleLimits(BundleLimits.defaults().withMaxEntryBytes(4L << 30))
   *     .maxReasonCodes(2)
   *     .build();   // BundleException if the bundle does not verify
   * }</pre>
   *
   * <p>A builder is not thread-safe; configure it on one thread. Setters throw {@link
   * NullPointerException} for a null value and {@link IllegalArgumentException} for a value out
   * of range; {@link #build()} may be called again to open another scorer of the same bundle.
   */
  public static final class Builder {
    private final Path bundlePath;
    private EngineOptions engineOptions = EngineOptions.defaults();
    private BundleLimits bundleLimits = BundleLimits.defaults();
    private int maxReasonCodes = 4;
    private int maxRowsPerEngineCall = DEFAULT_MAX_ROWS_PER_ENGINE_CALL;
    private Clock clock = Clock.systemUTC();
    private TrustPolicy trust = TrustPolicy.unsignedAllowed();
    private KeyProvider keys = KeyProvider.none();
    private EngineCallListener engineCalls;

    private Builder(Path bundlePath) {
      this.bundlePath = Objects.requireNonNull(bundlePath, "bundle");
    }

    /** Engine settings (thread counts, native cache directory). Default: engine defaults. */
    public Builder engineOptions(EngineOptions options) {
      this.engineOptions = Objects.requireNonNull(options, "options");
      return this;
    }

    /** Size limits for opening the bundle (zip extraction, JSON files). Default: the defaults. */
    public Builder bundleLimits(BundleLimits limits) {
      this.bundleLimits = Objects.requireNonNull(limits, "limits");
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

    /**
     * The most engine rows (applicants and their reason-code rows) one engine call gets: {@link
     * CreditScorer#scoreAll} splits larger batches into several calls, so batches of any size
     * work with bounded memory. An applicant's rows are never split, so a call has more rows
     * when one applicant alone needs more. Calls are also capped at {@link
     * CreditScorer#MAX_FLOATS_PER_ENGINE_CALL} input floats. Default {@value
     * CreditScorer#DEFAULT_MAX_ROWS_PER_ENGINE_CALL}.
     */
    public Builder maxRowsPerEngineCall(int max) {
      if (max < 1) {
        throw new IllegalArgumentException("maxRowsPerEngineCall must be >= 1");
      }
      this.maxRowsPerEngineCall = max;
      return this;
    }

    /**
     * Which signatures the bundle needs (see {@code docs/security.md}). Default {@link
     * TrustPolicy#unsignedAllowed()}, for development and format v1 compatibility; production
     * uses {@link TrustPolicy#fourEyes}:
     *
     * <pre>{@code
     * CreditScorer scorer = CreditScorer.builder(path).trust(TrustPolicy.fourEyes(store)).build();
     * }</pre>
     */
    public Builder trust(TrustPolicy policy) {
      this.trust = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /**
     * The key-encryption keys of encrypted bundles ({@code docs/security.md#encryption-at-rest}):
     * the model files are decrypted into a private directory on a memory-backed filesystem
     * before the engine sees them, and deleted on close. Default: none (an encrypted bundle is
     * refused naming {@code encryption-keys/}).
     */
    public Builder keys(KeyProvider provider) {
      this.keys = Objects.requireNonNull(provider, "provider");
      return this;
    }

    /**
     * Told the duration of every engine call made while scoring (see {@link
     * EngineCallListener}). Default: none.
     */
    public Builder engineCallListener(EngineCallListener listener) {
      this.engineCalls = Objects.requireNonNull(listener, "listener");
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
      ModelBundle bundle = ModelBundle.open(bundlePath, bundleLimits, trust, keys);
      ScoringModel model = null;
      try {
        model = Engines.load(bundle, engineOptions);
        verifyGolden(bundle, model);
        CreditScorer scorer = new CreditScorer(this, bundle, model);
        LOG.info("loaded model {} {} on engine '{}' ({} features, {} inputs, {} golden cases)",
            scorer.modelName, scorer.modelVersion, bundle.manifest().engine(), bundle.schema().size(),
            bundle.encoder().width(), bundle.goldenCases().size());
        return scorer;
      } catch (RuntimeException e) {
        try {
          if (model != null) {
            model.close();
          }
        } catch (RuntimeException closing) {
          e.addSuppressed(closing);
        } finally {
          bundle.close();
        }
        if (e instanceof AgriScoreException) {
          throw e;
        }
        // An engine threw what its runtime throws: refuse the bundle in AgriScore's words.
        throw new BundleException(bundle.manifest().model(), "engine '"
            + bundle.manifest().engine() + "' failed to load the model: " + e, e);
      }
    }
  }
}
