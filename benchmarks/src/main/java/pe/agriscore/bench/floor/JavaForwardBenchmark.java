package pe.agriscore.bench.floor;

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
import org.openjdk.jmh.annotations.Warmup;
import pe.agriscore.bench.Cursor;
import pe.agriscore.bench.Fixtures;
import pe.agriscore.bench.ReferenceBundles;
import pe.agriscore.internal.bundle.ModelBundle;

/**
 * One already-encoded row through the reference MLP's forward pass in plain Java ({@link
 * JavaMlp}), with the weights read out of each engine's model file: the floor under {@code
 * BareDjlBenchmark}. Sampled, like the other single-request benchmarks.
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar JavaForwardBenchmark
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(2)
public class JavaForwardBenchmark {

  private static final int POOL = 256;

  /** The reference bundle whose weights are used, by engine. */
  @Param({"tensorflow", "pytorch"})
  public String model;

  private JavaMlp mlp;
  private float[][] rows;

  /** Reads the weights and encodes the rows. */
  @Setup(Level.Trial)
  public void load() {
    try (ModelBundle bundle = ModelBundle.open(ReferenceBundles.locate(model))) {
      mlp = new JavaMlp(Weights.of(bundle));
      rows = Fixtures.encodedRows(bundle, POOL);
    }
  }

  /** Scores the next row. */
  @Benchmark
  public double forward(Cursor cursor) {
    return mlp.predict(rows[cursor.next(POOL - 1)], 0);
  }
}
