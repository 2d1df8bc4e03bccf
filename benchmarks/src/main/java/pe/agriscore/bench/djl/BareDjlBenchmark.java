package pe.agriscore.bench.djl;

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
import pe.agriscore.bench.Cursor;
import pe.agriscore.bench.Fixtures;
import pe.agriscore.bench.ReferenceBundles;
import pe.agriscore.internal.bundle.ModelBundle;

/**
 * One already-encoded row through the bare DJL predictor ({@link BareDjlModel}): the engine's
 * own cost for one applicant, which {@code ScoreBenchmark.score} with {@code reasonCodes=0} is
 * divided by for the end-to-end overhead target. Sampled, like the end-to-end benchmark.
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar BareDjlBenchmark -p model=tensorflow
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(2)
public class BareDjlBenchmark {

  private static final int POOL = 256;

  /** The reference bundle, by engine. */
  @Param({"tensorflow", "pytorch"})
  public String model;

  private ModelBundle bundle;
  private BareDjlModel bare;
  private float[][] rows;

  /** Loads the model and encodes the rows it scores. */
  @Setup(Level.Trial)
  public void load() {
    bundle = ModelBundle.open(ReferenceBundles.locate(model));
    bare = BareDjlModel.load(bundle);
    rows = Fixtures.encodedRows(bundle, POOL);
  }

  /** Frees the native memory. */
  @TearDown(Level.Trial)
  public void close() {
    bare.close();
    bundle.close();
  }

  /** Scores the next row. */
  @Benchmark
  public float[] predict(Cursor cursor) {
    return bare.predict(rows[cursor.next(POOL - 1)], 1);
  }
}
