package pe.agriscore.engine.tf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pe.agriscore.CreditScorer;
import pe.agriscore.scoring.ScoringRequest;
import pe.agriscore.testing.ChildJvm;

/**
 * Scoring many records keeps resident memory flat: per-call tensors are freed with each call.
 * Runs in a child JVM of its own (native memory is the point, and a native fault must not take
 * the suite down). {@code -Dagriscore.test.records=5000000} runs it at scale.
 */
class MemoryTest {

  private static final long MAX_GROWTH_MB = 150;
  private static final int WARM_UP = 20_000;

  @Test
  void residentMemoryStaysFlat(@TempDir Path tmp) throws Exception {
    int records = Integer.getInteger("agriscore.test.records", 200_000);
    Path bundle = new Mlp(11, 42).writeBundle(tmp, "mlp");
    String out = ChildJvm.start(Main.class, List.of(), bundle.toString(),
        Integer.toString(records)).await();
    out.lines().filter(l -> l.startsWith("MemoryTest: ")).forEach(System.out::println);
    String[] rss = out.lines().filter(l -> l.startsWith("VMRSS_KB ")).findFirst()
        .orElseThrow(() -> new AssertionError("no VMRSS_KB line in\n" + out)).split(" ");
    long before = Long.parseLong(rss[1]);
    long after = Long.parseLong(rss[2]);
    long growthMb = (after - before) / 1024;
    assertTrue(growthMb < MAX_GROWTH_MB, "VmRSS grew by " + growthMb + " MB over " + records
        + " records (from " + before / 1024 + " MB to " + after / 1024 + " MB):\n" + out);
    // The loop really scored: a fresh request still matched the Java forward pass.
    assertTrue(out.contains("FORWARD_MATCHES"), out);
  }

  /** Child JVM: scores {@code args[1]} records with the bundle {@code args[0]}. */
  public static final class Main {
    private Main() {}

    public static void main(String[] args) throws Exception {
      int records = Integer.parseInt(args[1]);
      Mlp mlp = new Mlp(11, 42); // the same seed, so the same weights as the bundle's
      try (CreditScorer scorer = CreditScorer.open(Path.of(args[0]))) {
        Random rnd = new Random(3);
        score(scorer, rnd, WARM_UP);
        System.gc();
        long before = residentKb();
        long t0 = System.nanoTime();
        double sum = score(scorer, rnd, records);
        long nanos = System.nanoTime() - t0;
        System.gc();
        long after = residentKb();
        System.out.printf("MemoryTest: %,d records (%.1f us each, reason codes on): VmRSS %,d MB"
            + " after warm-up, %,d MB at the end (%+d MB); mean PD %.4f%n", records,
            nanos / 1e3 / records, before / 1024, after / 1024, (after - before) / 1024,
            sum / records);
        System.out.println("VMRSS_KB " + before + " " + after);
        ScoringRequest r = Mlp.validRequest(rnd, "last");
        assertEquals(mlp.forward(r), scorer.score(r).probabilityOfDefault(), 1e-5);
        System.out.println("FORWARD_MATCHES");
      }
    }
  }

  private static double score(CreditScorer scorer, Random rnd, int n) {
    double sum = 0;
    for (int i = 0; i < n; i++) {
      sum += scorer.score(Mlp.validRequest(rnd, "PE-" + i)).probabilityOfDefault();
    }
    return sum;
  }

  /** This process's resident set size in kB, from /proc/self/status. */
  private static long residentKb() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    throw new IllegalStateException("no VmRSS in /proc/self/status");
  }
}
