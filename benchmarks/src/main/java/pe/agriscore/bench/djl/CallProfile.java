package pe.agriscore.bench.djl;

import com.sun.management.OperatingSystemMXBean;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import pe.agriscore.bench.Fixtures;
import pe.agriscore.bench.ReferenceBundles;
import pe.agriscore.internal.bundle.ModelBundle;

/**
 * What one single-row call through the bare DJL predictor costs besides its latency: context
 * switches of the whole process per call (from {@code /proc/self/task/<tid>/status}, so a
 * hand-off to an engine thread shows as about one voluntary switch per call) and CPU time per
 * call, of the process and of the calling thread (their difference is work done on other
 * threads). Run it under a profiler for where the time goes (docs/benchmarks.md, "Engine
 * latency"). Linux only.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar pe.agriscore.bench.djl.CallProfile tensorflow 20000
 * java -Dagriscore.bench.tf_inter_op_threads=1 -cp benchmarks/target/benchmarks.jar \
 *     pe.agriscore.bench.djl.CallProfile tensorflow 20000
 * </pre>
 */
public final class CallProfile {

  private static final int ROWS = 256;
  private static final int WARM_UP = 20_000;
  private static final int ROUNDS = 3;

  private CallProfile() {}

  /**
   * {@code <tensorflow|pytorch> [calls per round]}: prints one line per round.
   *
   * @throws IOException if {@code /proc} cannot be read
   */
  public static void main(String[] args) throws IOException {
    String engine = args.length > 0 ? args[0] : "tensorflow";
    int calls = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
    OperatingSystemMXBean os =
        (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    try (ModelBundle bundle = ModelBundle.open(ReferenceBundles.locate(engine));
        BareDjlModel bare = BareDjlModel.load(bundle)) {
      float[][] rows = Fixtures.encodedRows(bundle, ROWS);
      for (int i = 0; i < WARM_UP; i++) {
        bare.predict(rows[i % ROWS], 1);
      }
      for (int round = 0; round < ROUNDS; round++) {
        long[] nanos = new long[calls];
        long process0 = os.getProcessCpuTime();
        long caller0 = threads.getCurrentThreadCpuTime();
        long[] switches0 = contextSwitches();
        for (int i = 0; i < calls; i++) {
          long t0 = System.nanoTime();
          bare.predict(rows[i % ROWS], 1);
          nanos[i] = System.nanoTime() - t0;
        }
        long[] switches1 = contextSwitches();
        double process = (os.getProcessCpuTime() - process0) / 1e3 / calls;
        double caller = (threads.getCurrentThreadCpuTime() - caller0) / 1e3 / calls;
        Arrays.sort(nanos);
        System.out.printf(Locale.ROOT, "%s: %d calls, p50 %.1f us, p90 %.1f us; per call:"
                + " %.3f voluntary and %.3f involuntary context switches, CPU %.1f us (process)"
                + " / %.1f us (calling thread); %d threads%n",
            engine, calls, nanos[calls / 2] / 1e3, nanos[calls * 9 / 10] / 1e3,
            (switches1[0] - switches0[0]) / (double) calls,
            (switches1[1] - switches0[1]) / (double) calls, process, caller, switches1[2]);
      }
    }
  }

  /** Voluntary and involuntary context switches summed over the process's threads, and those. */
  private static long[] contextSwitches() throws IOException {
    long voluntary = 0;
    long involuntary = 0;
    long count = 0;
    try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
      for (Path task : tasks) {
        java.util.List<String> status;
        try {
          status = Files.readAllLines(task.resolve("status"));
        } catch (java.nio.file.NoSuchFileException gone) {
          continue; // the thread ended while the directory was listed
        }
        count++;
        for (String line : status) {
          if (line.startsWith("voluntary_ctxt_switches:")) {
            voluntary += Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
          } else if (line.startsWith("nonvoluntary_ctxt_switches:")) {
            involuntary += Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
          }
        }
      }
    }
    return new long[] {voluntary, involuntary, count};
  }
}
