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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import pe.agriscore.CreditScorer;
import pe.agriscore.scoring.CreditScore;
import pe.agriscore.scoring.ScoringRequest;

/**
 * One shared {@link CreditScorer} scoring single requests from 1, 2 and 4 threads at once, as a
 * bank's request threads would; the score is the total scores per second of all threads. Each
 * thread count is its own method ({@code @Threads}), so one run measures all three: do not pass
 * {@code -t}, which would override them.
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar ConcurrencyBenchmark -p model=tensorflow
 * </pre>
 *
 * <p>Scaling stops at the machine's core count, and engines cap concurrent native calls (the
 * PyTorch engine's predictor pool defaults to the number of processors).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(2)
public class ConcurrencyBenchmark {

  private static final int POOL = 1024;

  /** The reference bundle, by engine. */
  @Param({"scorecard", "tensorflow", "pytorch"})
  public String model;

  /**
   * The PyTorch engine's {@code pytorch.fast_path} ({@code auto}, {@code on}, {@code off}); other
   * engines ignore it.
   */
  @Param({"auto"})
  public String fastPath;

  private CreditScorer scorer;
  private ScoringRequest[] requests;

  /** Loads the bundle once; every thread shares the scorer. */
  @Setup(Level.Trial)
  public void load() {
    scorer = Fixtures.scorer(model, 0, fastPath);
    requests = Fixtures.requests(model, POOL);
  }

  /** Frees the engine's native memory. */
  @TearDown(Level.Trial)
  public void close() {
    scorer.close();
  }

  /** One thread. */
  @Benchmark
  @Threads(1)
  public CreditScore threads1(Cursor cursor) {
    return scorer.score(requests[cursor.next(POOL - 1)]);
  }

  /** Two threads. */
  @Benchmark
  @Threads(2)
  public CreditScore threads2(Cursor cursor) {
    return scorer.score(requests[cursor.next(POOL - 1)]);
  }

  /** Four threads. */
  @Benchmark
  @Threads(4)
  public CreditScore threads4(Cursor cursor) {
    return scorer.score(requests[cursor.next(POOL - 1)]);
  }
}
