package pe.agriscore.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import pe.agriscore.CreditScorer;
import pe.agriscore.scoring.CreditScore;
import pe.agriscore.scoring.ScoringRequest;

/**
 * One request scored end to end through {@link CreditScorer#score}: validation, encoding, the
 * engine call, points and grade, and with {@code reasonCodes=4} the reason codes (one batched
 * engine call of the applicant's row plus one row per feature off its baseline). Sampled, so the
 * report shows the median and the p99 latency.
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar ScoreBenchmark -p model=pytorch -p reasonCodes=0
 * java -jar benchmarks/target/benchmarks.jar ScoreBenchmark -p model=pytorch -p fastPath=on,off
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(2)
public class ScoreBenchmark {

  private static final int POOL = 256;

  /** The reference bundle, by engine. */
  @Param({"scorecard", "tensorflow", "pytorch"})
  public String model;

  /** {@code CreditScorer.Builder.maxReasonCodes}: 0 is the plain score. */
  @Param({"0", "4"})
  public int reasonCodes;

  /**
   * The engines' fast path ({@code pytorch.fast_path}, {@code tensorflow.fast_path}): {@code on}
   * (the verified JVM fast path, which {@code auto}, the product default, picks for the reference
   * MLPs) and {@code off} (libtorch, TensorFlow), both by default so that one run compares them
   * and the report's targets of each come from the same run. The scorecard ignores it. {@code -p
   * fastPath=auto} measures the product default.
   */
  @Param({"on", "off"})
  public String fastPath;

  /**
   * The fast path's kernel ({@code agriscore.fast_path.kernel}): {@code auto} (the Vector API
   * where the JVM enables {@code jdk.incubator.vector}, else scalar loops), {@code scalar}, or
   * {@code vector} (as {@code auto}, but refuses to run without the module). Enable the module
   * for the forks with {@code AGRISCORE_BENCH_JAVA_OPTS="--add-modules jdk.incubator.vector"};
   * {@code -p kernel=vector,scalar} measures both side by side.
   */
  @Param({"auto"})
  public String kernel;

  private CreditScorer scorer;
  private ScoringRequest[] requests;

  /** Loads the bundle (golden cases included) once per fork. */
  @Setup(Level.Trial)
  public void load() {
    if (kernel.equals("vector") && ModuleLayer.boot().findModule("jdk.incubator.vector")
        .isEmpty()) {
      throw new IllegalStateException("kernel=vector needs the JVM flag --add-modules"
          + " jdk.incubator.vector (AGRISCORE_BENCH_JAVA_OPTS)");
    }
    if (!kernel.equals("vector")) {
      // Read when the network is built, i.e. when the scorer loads.
      System.setProperty("agriscore.fast_path.kernel", kernel);
    }
    scorer = Fixtures.scorer(model, reasonCodes, fastPath);
    requests = Fixtures.requests(model, POOL);
  }

  /** Frees the engine's native memory. */
  @TearDown(Level.Trial)
  public void close() {
    scorer.close();
  }

  /** Scores the next applicant. */
  @Benchmark
  public CreditScore score(Cursor cursor) {
    return scorer.score(requests[cursor.next(POOL - 1)]);
  }
}
