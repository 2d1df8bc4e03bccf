package pe.agriscore.engine.pt;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import pe.agriscore.engine.EngineOptions;
import pe.agriscore.engine.ScoringModel;
import pe.agriscore.internal.bundle.ModelBundle;

/**
 * Measures what TorchScript's profiling graph optimiser costs and gains for a tabular model:
 * the latency of the first calls at each new batch size after a fresh load, and the
 * steady-state latency with the optimiser on and off, interleaved call by call. Not a
 * test (it asserts nothing and times the machine); the numbers in {@code docs/engine-pytorch.md}
 * come from it. The optimiser flag is process-wide, so run one JVM per setting:
 *
 * <pre>{@code
 * mvn -o -q -B -pl scoring-engine-pt test-compile dependency:build-classpath \
 *     -Dmdep.outputFile=target/cp.txt -Dmdep.includeScope=test
 * java -cp scoring-engine-pt/target/test-classes:scoring-engine-pt/target/classes:$(cat \
 *     scoring-engine-pt/target/cp.txt) pe.agriscore.engine.pt.GraphOptimizerMeasurement false
 * }</pre>
 *
 * <p>Arguments: {@code true|false} (the optimiser) and optionally the fixture, {@code
 * farmer_mlp_scripted.pt} (default) or {@code farmer_mlp_traced.pt}.
 */
public final class GraphOptimizerMeasurement {

  private static final int[] BATCH_SIZES = {1, 7, 64, 1024};
  private static final int FIRST_CALLS = 3;
  private static final int STEADY_CALLS = 2000;
  private static final int REPETITIONS = 9;

  private GraphOptimizerMeasurement() {}

  private static double median(double[] values) {
    double[] v = values.clone();
    Arrays.sort(v);
    return v[v.length / 2];
  }

  private static double p90(double[] values) {
    double[] v = values.clone();
    Arrays.sort(v);
    return v[v.length * 9 / 10];
  }

  public static void main(String[] args) throws Exception {
    String optimizer = args.length > 0 ? args[0] : "false";
    String fixture = args.length > 1 ? args[1] : PtFixtures.SCRIPTED;
    Path tmp = Files.createTempDirectory("pt-graph-optimizer");
    Path dir = PtFixtures.farmerBundle(tmp, fixture, PtFixtures.golden(2));
    EngineOptions options = EngineOptions.builder()
        .set(PyTorchEngine.GRAPH_OPTIMIZER, optimizer)
        .set(PyTorchEngine.POOL_SIZE, "1")
        .build();
    Random rnd = new Random(3);
    float[] rows = new float[1024 * 11];
    for (int i = 0; i < rows.length; i++) {
      rows[i] = (float) rnd.nextGaussian();
    }
    try (ModelBundle bundle = ModelBundle.open(dir)) {
      // The first load also starts libtorch; it is reported but kept out of the medians.
      long t0 = System.nanoTime();
      new PyTorchEngine().load(bundle, options).close();
      System.out.printf("optimizer=%s model=%s first load (starts libtorch): %.1f ms%n",
          optimizer, fixture, (System.nanoTime() - t0) / 1e6);
      // Each fresh model has fresh TorchScript executors, so each repetition sees first calls.
      double[] loads = new double[REPETITIONS];
      double[][][] first = new double[REPETITIONS][BATCH_SIZES.length][FIRST_CALLS];
      ScoringModel model = null;
      for (int r = 0; r < REPETITIONS; r++) {
        if (model != null) {
          model.close();
        }
        long s = System.nanoTime();
        model = new PyTorchEngine().load(bundle, options);
        loads[r] = (System.nanoTime() - s) / 1e6;
        for (int b = 0; b < BATCH_SIZES.length; b++) {
          for (int c = 0; c < FIRST_CALLS; c++) {
            long cs = System.nanoTime();
            model.predict(rows, BATCH_SIZES[b]);
            first[r][b][c] = (System.nanoTime() - cs) / 1e6;
          }
        }
      }
      System.out.printf("load of a fresh model incl. probe (3 rows) + warm-up (1 row): median"
          + " %.2f ms over %d%n", median(loads), REPETITIONS);
      for (int b = 0; b < BATCH_SIZES.length; b++) {
        StringBuilder line = new StringBuilder(String.format("batch %4d, calls 1..%d after load:",
            BATCH_SIZES[b], FIRST_CALLS));
        for (int c = 0; c < FIRST_CALLS; c++) {
          double[] v = new double[REPETITIONS];
          for (int r = 0; r < REPETITIONS; r++) {
            v[r] = first[r][b][c];
          }
          line.append(String.format(" %7.3f", median(v)));
        }
        System.out.println(line.append(" ms (medians)"));
      }
      // Steady state, A/B interleaved call by call so that machine noise hits both alike. DJL
      // re-reads its property before every forward, so flipping it switches the executor mode.
      for (int n : BATCH_SIZES) {
        double[][] t = new double[2][STEADY_CALLS];
        for (int c = 0; c < 2 * STEADY_CALLS; c++) {
          int on = c & 1;
          System.setProperty(PyTorchSettings.DJL_GRAPH_OPTIMIZER, on == 1 ? "true" : "false");
          long s = System.nanoTime();
          model.predict(rows, n);
          t[on][c / 2] = (System.nanoTime() - s) / 1e3;
        }
        System.out.printf("steady batch %4d, interleaved: optimizer off median %6.1f us (p90"
            + " %6.1f), on median %6.1f us (p90 %6.1f)%n", n, median(t[0]), p90(t[0]),
            median(t[1]), p90(t[1]));
      }
      System.setProperty(PyTorchSettings.DJL_GRAPH_OPTIMIZER, optimizer);
      model.close();
    } finally {
      try (var paths = Files.walk(tmp)) {
        paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
