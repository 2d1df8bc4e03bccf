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
import pe.agriscore.bench.Fixtures;
import pe.agriscore.bench.ReferenceBundles;
import pe.agriscore.internal.bundle.Encoder;
import pe.agriscore.internal.bundle.ModelBundle;
import pe.agriscore.scoring.ScoringRequest;

/**
 * The batches of {@code BatchBenchmark}, already encoded, through the bare DJL predictor, in
 * batches per second (the report shows rows per second). {@code BatchBenchmark.scoreAll} with
 * 1,024 requests must reach 80% of this one's rows per second.
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar BareBatchBenchmark -p batch=1024
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(2)
public class BareBatchBenchmark {

  /** The reference bundle, by engine. */
  @Param({"tensorflow", "pytorch"})
  public String model;

  /** Rows per call. */
  @Param({"1", "64", "1024"})
  public int batch;

  private ModelBundle bundle;
  private BareDjlModel bare;
  private float[] rows;

  /** Loads the model and encodes the batch of {@code BatchBenchmark}. */
  @Setup(Level.Trial)
  public void load() {
    bundle = ModelBundle.open(ReferenceBundles.locate(model));
    bare = BareDjlModel.load(bundle);
    Encoder encoder = bundle.encoder();
    ScoringRequest[] requests = Fixtures.requests(bundle, batch);
    rows = new float[batch * encoder.width()];
    for (int i = 0; i < batch; i++) {
      encoder.encode(requests[i], rows, i * encoder.width());
    }
  }

  /** Frees the native memory. */
  @TearDown(Level.Trial)
  public void close() {
    bare.close();
    bundle.close();
  }

  /** Scores the batch. */
  @Benchmark
  public float[] predict() {
    return bare.predict(rows, batch);
  }
}
