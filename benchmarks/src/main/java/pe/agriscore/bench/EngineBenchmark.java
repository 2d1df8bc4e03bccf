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
import pe.agriscore.engine.Engines;
import pe.agriscore.engine.ScoringModel;
import pe.agriscore.internal.bundle.ModelBundle;

/**
 * One already-encoded row through AgriScore's engine adapter alone ({@link ScoringModel#predict}
 * of the engine named by the bundle), without {@code CreditScorer}: between {@code
 * djl.BareDjlBenchmark} and {@code ScoreBenchmark}, it splits AgriScore's overhead into what the
 * engine module adds around DJL and what the scorer adds around the engine. Sampled.
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar EngineBenchmark -p model=pytorch
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(2)
public class EngineBenchmark {

  private static final int POOL = 256;

  /** The reference bundle, by engine. */
  @Param({"scorecard", "tensorflow", "pytorch"})
  public String model;

  /**
   * The engine's fast path ({@code pytorch.fast_path}): {@code off} by default, since this
   * benchmark splits the native engine's overhead over the bare DJL predictor; {@code -p
   * fastPath=on} measures the fast path's adapter.
   */
  @Param({"off"})
  public String fastPath;

  private ModelBundle bundle;
  private ScoringModel engine;
  private float[][] rows;

  /** Loads the model through its engine, as {@code CreditScorer} does, and encodes the rows. */
  @Setup(Level.Trial)
  public void load() {
    bundle = ModelBundle.open(ReferenceBundles.locate(model));
    engine = Engines.load(bundle, Fixtures.engineOptions(fastPath));
    rows = Fixtures.encodedRows(bundle, POOL);
  }

  /** Frees the native memory. */
  @TearDown(Level.Trial)
  public void close() {
    engine.close();
    bundle.close();
  }

  /** Scores the next row. */
  @Benchmark
  public double[] predict(Cursor cursor) {
    return engine.predict(rows[cursor.next(POOL - 1)], 1);
  }
}
