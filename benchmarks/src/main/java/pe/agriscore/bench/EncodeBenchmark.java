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
import pe.agriscore.internal.bundle.Encoder;
import pe.agriscore.internal.bundle.ModelBundle;
import pe.agriscore.scoring.ScoringRequest;

/**
 * Validating and encoding one request alone ({@link Encoder#encode(ScoringRequest, float[], int)},
 * the call {@code CreditScorer} makes per request), with each reference bundle's schema and
 * preprocessing. No engine is loaded.
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar EncodeBenchmark
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(2)
public class EncodeBenchmark {

  private static final int POOL = 256;

  /** The reference bundle, by engine. */
  @Param({"scorecard", "tensorflow", "pytorch"})
  public String model;

  private ModelBundle bundle;
  private Encoder encoder;
  private ScoringRequest[] requests;
  private float[] row;

  /** Opens the bundle (verifying it) without loading its model. */
  @Setup(Level.Trial)
  public void open() {
    bundle = ModelBundle.open(ReferenceBundles.locate(model));
    encoder = bundle.encoder();
    requests = Fixtures.requests(bundle, POOL);
    row = new float[encoder.width()];
  }

  /** Deletes a zip bundle's extracted files. */
  @TearDown(Level.Trial)
  public void close() {
    bundle.close();
  }

  /** Validates and encodes the next applicant into a reused row. */
  @Benchmark
  public float[] encode(Cursor cursor) {
    encoder.encode(requests[cursor.next(POOL - 1)], row, 0);
    return row;
  }
}
