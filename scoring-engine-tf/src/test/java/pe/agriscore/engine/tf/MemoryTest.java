package pe.agriscore.engine.tf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pe.agriscore.request.ScoringRequest;
import pe.agriscore.scoring.CreditScorer;

/**
 * Scoring many records keeps resident memory flat: per-call tensors are freed with each call.
 * {@code -Dagriscore.test.records=5000000} runs it at scale.
 */
class MemoryTest {

  private static final long MAX_GROWTH_MB = 150;
  private static final int WARM_UP = 20_000;

  @Test
  void residentMemoryStaysFlat(@TempDir Path tmp) throws Exception {
    int records = Integer.getInteger("agriscore.test.records", 200_000);
    Mlp mlp = new Mlp(11, 42);
    try (CreditScorer scorer = CreditScorer.open(mlp.writeBundle(tmp, "mlp"))) {
      Random rnd = new Random(3);
      score(scorer, rnd, WARM_UP);
      System.gc();
      long before = residentKb();
      long t0 = System.nanoTime();
      double sum = score(scorer, rnd, records);
      long nanos = System.nanoTime() - t0;
      System.gc();
      long after = residentKb();
      long growthMb = (after - before) / 1024;
      System.out.printf("MemoryTest: %,d records (%.1f us each, reason codes on): VmRSS %,d MB"
          + " after warm-up, %,d MB at the end (%+d MB); mean PD %.4f%n", records,
          nanos / 1e3 / records, before / 1024, after / 1024, growthMb, sum / records);
      assertTrue(growthMb < MAX_GROWTH_MB, "VmRSS grew by " + growthMb + " MB over " + records
          + " records (from " + before / 1024 + " MB to " + after / 1024 + " MB)");
      // The loop really scored: a fresh request still matches the Java forward pass.
      ScoringRequest r = Mlp.validRequest(rnd, "last");
      assertEquals(mlp.forward(r), scorer.score(r).probabilityOfDefault(), 1e-5);
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
