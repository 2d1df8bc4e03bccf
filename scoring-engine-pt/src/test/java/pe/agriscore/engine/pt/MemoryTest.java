package pe.agriscore.engine.pt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pe.agriscore.engine.EngineOptions;
import pe.agriscore.engine.ScoringModel;
import pe.agriscore.internal.bundle.ModelBundle;
import pe.agriscore.testing.ChildJvm;

/**
 * Scoring many records keeps resident memory flat: every call's tensors are freed when it
 * returns. Runs in a child JVM of its own (native memory is the point, and a native fault must
 * not take the suite down). {@code -Dagriscore.pt.memory_records=5000000} scales the run up.
 */
class MemoryTest {

  /** Generous: the JIT's code cache and GC bookkeeping grow a little too. */
  private static final long MAX_GROWTH_KIB = 150 * 1024;

  @TempDir Path tmp;

  @Test
  void residentMemoryStaysFlatWhileScoringAndEveryRowScoresAsPythonDid() throws Exception {
    int records = Integer.getInteger("agriscore.pt.memory_records", 200_000);
    Path dir = PtFixtures.farmerBundle(tmp, PtFixtures.SCRIPTED, PtFixtures.golden(2));
    // The heap is committed and pre-touched at start, so that resident memory shows native
    // growth rather than the heap's first use of its pages.
    String out = ChildJvm.start(Main.class, List.of("-Xms256m", "-XX:+AlwaysPreTouch"),
        dir.toString(), Integer.toString(records)).await();
    System.out.println(line(out, "MemoryTest: "));
    long[] figures = Arrays.stream(line(out, "RESULT ").split(" ")).skip(1)
        .mapToLong(Long::parseLong).toArray();
    long warm = figures[0];
    long end = figures[1];
    assertEquals(records, figures[2], "rows scored");
    assertTrue(end - warm < MAX_GROWTH_KIB,
        "resident memory grew by " + (end - warm) + " KiB over " + records + " records:\n" + out);
    // Every row of every batch, of every size, scored as Python PyTorch did.
    double worst = Double.parseDouble(line(out, "WORST_DEVIATION ").split(" ")[1]);
    assertTrue(worst <= PtFixtures.TOLERANCE, "a row scored " + worst + " away from Python:\n"
        + out);
  }

  private static String line(String out, String prefix) {
    return out.lines().filter(l -> l.startsWith(prefix)).findFirst()
        .orElseThrow(() -> new AssertionError("no " + prefix + "line in\n" + out));
  }

  /** Child JVM: scores {@code args[1]} rows with the bundle {@code args[0]}, then reports. */
  public static final class Main {
    private Main() {}

    public static void main(String[] args) throws Exception {
      int records = Integer.parseInt(args[1]);
      // The Python fixture's rows, with the probabilities Python computed for them.
      List<PtFixtures.PythonCase> cases = PtFixtures.pythonCases();
      int rows = cases.size();
      try (ModelBundle bundle = ModelBundle.open(Path.of(args[0]));
          ScoringModel model = new PyTorchEngine().load(bundle, EngineOptions.defaults())) {
        int width = model.inputWidth();
        float[] pool = new float[rows * width];
        for (int i = 0; i < rows; i++) {
          System.arraycopy(cases.get(i).row(), 0, pool, i * width, width);
        }
        Random rnd = new Random(1);
        double worst = 0;
        long done = 0;
        int warmRecords = Math.min(20_000, records / 10);
        long warm = 0;
        long start = 0;
        while (done < records) {
          // Batch sizes from 1 to all the rows vary the tensor shapes as real traffic does.
          int n = (int) Math.min(records - done, 1 + rnd.nextInt(rows));
          int from = rnd.nextInt(rows - n + 1);
          double[] p = model.predict(Arrays.copyOfRange(pool, from * width, (from + n) * width),
              n);
          for (int i = 0; i < n; i++) {
            worst = Math.max(worst, Math.abs(p[i] - cases.get(from + i).probability()));
          }
          done += n;
          if (warm == 0 && done >= warmRecords) {
            warm = PtFixtures.residentKib();
            start = System.nanoTime();
          }
        }
        long end = PtFixtures.residentKib();
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("MemoryTest: %,d records, VmRSS after warm-up %,d KiB, at the end"
            + " %,d KiB (growth %,d KiB), %,.0f records/s after warm-up%n", records, warm, end,
            end - warm, (records - warmRecords) / seconds);
        System.out.println("RESULT " + warm + " " + end + " " + done);
        System.out.println("WORST_DEVIATION " + worst);
      }
    }
  }
}
