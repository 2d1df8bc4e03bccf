package pe.agriscore.bench;

import java.util.Arrays;
import java.util.List;
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
import pe.agriscore.scoring.ScoringRequest;
import pe.agriscore.scoring.ScoringResult;

/**
 * A batch of {@code batch} requests through {@link CreditScorer#scoreAll} (one engine call,
 * reason codes off), in batches per second; the report multiplies by {@code batch} for rows per
 * second and sets it against {@code djl.BareBatchBenchmark} on the same batch sizes.
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar BatchBenchmark -p batch=1024
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(2)
public class BatchBenchmark {

  /** The reference bundle, by engine. */
  @Param({"scorecard", "tensorflow", "pytorch"})
  public String model;

  /** Requests per {@code scoreAll} call. */
  @Param({"1", "64", "1024"})
  public int batch;

  private CreditScorer scorer;
  private List<ScoringRequest> requests;

  /** Loads the bundle and builds the batch. */
  @Setup(Level.Trial)
  public void load() {
    scorer = Fixtures.scorer(model, 0);
    requests = Arrays.asList(Fixtures.requests(model, batch));
  }

  /** Frees the engine's native memory. */
  @TearDown(Level.Trial)
  public void close() {
    scorer.close();
  }

  /** Scores the batch. */
  @Benchmark
  public List<ScoringResult> scoreAll() {
    return scorer.scoreAll(requests);
  }
}
