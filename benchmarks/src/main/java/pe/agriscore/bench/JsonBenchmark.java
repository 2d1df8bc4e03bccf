package pe.agriscore.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import pe.agriscore.CreditScorer;
import pe.agriscore.scoring.CreditScore;
import pe.agriscore.scoring.ScoringJson;
import pe.agriscore.scoring.ScoringRequest;

/**
 * The JSON wire formats ({@link ScoringJson}): parsing one request (by name, and into the
 * schema's order with a {@link ScoringJson.RequestReader}), and writing one score with four reason
 * codes, the documents the Kafka adapter reads and writes per record. The requests and
 * scores come from the reference scorecard bundle; their size, not the engine, sets the cost.
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar JsonBenchmark
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(2)
public class JsonBenchmark {

  private static final int POOL = 256;

  private byte[][] requestJson;
  private CreditScore[] scores;
  private ScoringJson.RequestReader reader;

  /** Writes the requests and scores them once, with reason codes. */
  @Setup(Level.Trial)
  public void prepare() {
    try (CreditScorer scorer = Fixtures.scorer("scorecard", 4)) {
      reader = ScoringJson.reader(scorer.model().schema().featureNames());
      ScoringRequest[] requests = Fixtures.requests("scorecard", POOL);
      requestJson = new byte[POOL][];
      scores = new CreditScore[POOL];
      for (int i = 0; i < POOL; i++) {
        requestJson[i] = ScoringJson.writeRequest(requests[i]);
        scores[i] = scorer.score(requests[i]);
      }
    }
  }

  /** Parses the next request (envelope checks; features are validated when scored). */
  @Benchmark
  public ScoringRequest readRequest(Cursor cursor) {
    return ScoringJson.readRequest(requestJson[cursor.next(POOL - 1)]);
  }

  /**
   * Parses the next request into the schema's feature order ({@link ScoringJson.RequestReader},
   * what the Kafka adapter reads with): the same request, ready for the encoder by index.
   */
  @Benchmark
  public ScoringRequest readRequestOrdered(Cursor cursor) {
    return reader.read(requestJson[cursor.next(POOL - 1)]);
  }

  /** Writes the next score. */
  @Benchmark
  public byte[] writeScore(Cursor cursor) {
    return ScoringJson.write(scores[cursor.next(POOL - 1)]);
  }
}
