package pe.agriscore.bench;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import pe.agriscore.CreditScorer;
import pe.agriscore.engine.EngineOptions;
import pe.agriscore.internal.bundle.ModelBundle;
import pe.agriscore.schema.GoldenCase;
import pe.agriscore.scoring.ScoringRequest;

/**
 * What every benchmark loads the same way: scorers with the suite's engine settings, and the
 * requests they score.
 *
 * <pre>{@code
 * CreditScorer scorer = Fixtures.scorer("tensorflow", 0);
 * ScoringRequest[] requests = Fixtures.requests("tensorflow", 1024);
 * }</pre>
 *
 * <p><b>Threads.</b> Every engine runs with {@value #INTRA_OP_THREADS} intra-op threads (default
 * 1), in AgriScore and in the bare-engine benchmarks alike, so the two measure the same native
 * work. libtorch gets one inter-op thread; TensorFlow gets {@value #TF_INTER_OP_THREADS} (default
 * -1, the engine's own default: each call runs its graph in the calling thread; a pool of one
 * thread hands every call over to it and back, which profiling showed costs most of a one-row
 * call, see docs/benchmarks.md). One thread per call is also how a bank's request threads or Kafka
 * consumers use the engines: concurrency comes from callers ({@code ConcurrencyBenchmark}).
 *
 * <p><b>Requests</b> are the bundle's golden cases, cycled with fresh applicant ids: real
 * applicants drawn by the training pipeline, valid by construction, with the usual share of
 * missing values and features at their reference baseline (which sets the reason-code work).
 */
public final class Fixtures {

  /** Intra-op threads per engine call, for AgriScore's engines and the bare engines alike. */
  public static final String INTRA_OP_THREADS = "agriscore.bench.intra_op_threads";

  /**
   * TensorFlow's inter-op threads, for AgriScore's engine and the bare engine alike: -1 (the
   * default, as in the product) runs each call in the calling thread, 1 or more use a pool.
   */
  public static final String TF_INTER_OP_THREADS = "agriscore.bench.tf_inter_op_threads";

  private Fixtures() {}

  /** {@value #INTRA_OP_THREADS}, default 1. */
  public static int intraOpThreads() {
    int n = Integer.getInteger(INTRA_OP_THREADS, 1);
    if (n < 1) {
      throw new IllegalArgumentException(INTRA_OP_THREADS + " must be >= 1, got " + n);
    }
    return n;
  }

  /** {@value #TF_INTER_OP_THREADS}, default -1 (in the calling thread). */
  public static int tfInterOpThreads() {
    int n = Integer.getInteger(TF_INTER_OP_THREADS, -1);
    if (n < -1) {
      throw new IllegalArgumentException(TF_INTER_OP_THREADS + " must be >= -1, got " + n);
    }
    return n;
  }

  /** The options AgriScore's engines get: see the class comment. */
  public static EngineOptions engineOptions() {
    String threads = Integer.toString(intraOpThreads());
    return EngineOptions.builder()
        .setAll(Map.of(
            "pytorch.num_threads", threads,
            "pytorch.num_interop_threads", "1",
            "tensorflow.intra_op_threads", threads,
            "tensorflow.inter_op_threads", Integer.toString(tfInterOpThreads())))
        .build();
  }

  /**
   * {@link #engineOptions()} with the engines' {@code pytorch.fast_path} and {@code
   * tensorflow.fast_path} set to {@code fastPath} ({@code auto}, {@code on} or {@code off}; the
   * scorecard ignores them).
   */
  public static EngineOptions engineOptions(String fastPath) {
    return EngineOptions.builder().setAll(engineOptions().asMap())
        .set("pytorch.fast_path", fastPath).set("tensorflow.fast_path", fastPath).build();
  }

  /**
   * Loads the reference bundle of {@code engine} (see {@link ReferenceBundles}).
   *
   * @throws IllegalStateException if the bundle found runs on another engine
   */
  public static CreditScorer scorer(String engine, int maxReasonCodes) {
    return scorer(engine, maxReasonCodes, "auto");
  }

  /**
   * The same with the engines' {@code pytorch.fast_path} and {@code tensorflow.fast_path} set to
   * {@code fastPath} ({@code auto}, {@code on} or {@code off}; each engine ignores the other's).
   */
  public static CreditScorer scorer(String engine, int maxReasonCodes, String fastPath) {
    Path bundle = ReferenceBundles.locate(engine);
    CreditScorer scorer = CreditScorer.builder(bundle)
        .engineOptions(engineOptions(fastPath))
        .maxReasonCodes(maxReasonCodes)
        .build();
    String actual = scorer.model().engine();
    if (!actual.equals(engine)) {
      scorer.close();
      throw new IllegalStateException(bundle + " runs on engine '" + actual + "', not '" + engine
          + "'");
    }
    return scorer;
  }

  /** {@link #requests(ModelBundle, int)} of the reference bundle of {@code engine}. */
  public static ScoringRequest[] requests(String engine, int n) {
    try (ModelBundle bundle = ModelBundle.open(ReferenceBundles.locate(engine))) {
      return requests(bundle, n);
    }
  }

  /** {@code n} requests: the bundle's golden cases in order, repeated, ids {@code BENCH-<i>}. */
  public static ScoringRequest[] requests(ModelBundle bundle, int n) {
    List<GoldenCase> golden = bundle.goldenCases();
    ScoringRequest[] out = new ScoringRequest[n];
    for (int i = 0; i < n; i++) {
      ScoringRequest g = golden.get(i % golden.size()).request();
      ScoringRequest.Builder b = ScoringRequest.builder("BENCH-" + i, g.asOfDate());
      g.values().forEach(b::setRaw);
      out[i] = b.build();
    }
    return out;
  }

  /** {@link #requests} encoded by the bundle's encoder, one row per request. */
  public static float[][] encodedRows(ModelBundle bundle, int n) {
    ScoringRequest[] requests = requests(bundle, n);
    float[][] rows = new float[n][];
    for (int i = 0; i < n; i++) {
      rows[i] = bundle.encoder().encode(requests[i]);
    }
    return rows;
  }
}
