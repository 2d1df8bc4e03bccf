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
import pe.agriscore.scoring.ScoringJson;
import pe.agriscore.scoring.ScoringRequest;
import pe.agriscore.scoring.ScoringResult;

/**
 * A batch of {@code batch} requests through {@link CreditScorer#scoreAll} (one engine call,
 * reason codes off), in batches per second; the report multiplies by {@code batch} for rows per
 * second and sets it against {@code djl.BareBatchBenchmark} on the same batch sizes.
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar BatchBenchmark -p batch=1024
 * java -jar benchmarks/target/benchmarks.jar BatchBenchmark -p batch=1024 -p model=pytorch \
 *     -p fastPath=on,off -p source=built,json
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

  /**
   * The PyTorch engine's {@code pytorch.fast_path} ({@code auto}, {@code on}, {@code off}); other
   * engines ignore it. {@code -p model=pytorch -p fastPath=on,off} measures both.
   */
  @Param({"auto"})
  public String fastPath;

  /**
   * Where the requests come from: {@code built} by name in code ({@code ScoringRequest.builder},
   * values in a map the encoder looks thirty names up in), or {@code json}, read from their wire
   * format by a {@link ScoringJson.RequestReader} of the model's schema (values in the schema's
   * order, encoded by index: the bulk path the Kafka adapter takes). The same applicants.
   */
  @Param({"built"})
  public String source;

  private CreditScorer scorer;
  private List<ScoringRequest> requests;

  /** Loads the bundle and builds the batch. */
  @Setup(Level.Trial)
  public void load() {
    scorer = Fixtures.scorer(model, 0, fastPath);
    ScoringRequest[] built = Fixtures.requests(model, batch);
    if (source.equals("json")) {
      ScoringJson.RequestReader reader = ScoringJson.reader(
          scorer.model().schema().featureNames());
      for (int i = 0; i < built.length; i++) {
        built[i] = reader.read(ScoringJson.writeRequest(built[i]));
      }
    } else if (!source.equals("built")) {
      throw new IllegalArgumentException("source must be built or json, not " + source);
    }
    requests = Arrays.asList(built);
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
