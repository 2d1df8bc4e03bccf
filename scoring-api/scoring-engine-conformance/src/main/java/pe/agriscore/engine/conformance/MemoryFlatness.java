package pe.agriscore.engine.conformance;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import pe.agriscore.CreditScorer;
import pe.agriscore.internal.bundle.ModelBundle;
import pe.agriscore.schema.GoldenCase;

/**
 * Scores many records in a child JVM and reports resident memory after a warm-up and at the
 * end: per-call native memory that is not freed shows as growth. Every score is checked against
 * its golden probability, so the loop provably scored.
 */
public final class MemoryFlatness {

  /** The child's JVM options: the heap committed and touched at start (see CloseWhileScoring). */
  public static final List<String> JVM_ARGS = List.of("-Xms256m", "-XX:+AlwaysPreTouch");

  /** Printed by the child: {@code RESULT <warm KiB> <end KiB> <scored> <mismatches>}. */
  public static final String RESULT = "RESULT ";

  private MemoryFlatness() {}

  /** Child JVM entry point: {@code <bundle dir> <records>}. */
  public static void main(String[] args) {
    Path dir = Path.of(args[0]);
    long records = Long.parseLong(args[1]);
    List<GoldenCase> golden;
    double tolerance;
    try (ModelBundle bundle = ModelBundle.open(dir)) {
      golden = new ArrayList<>(bundle.goldenCases());
      tolerance = bundle.goldenTolerance();
    }
    long warmUp = Math.min(20_000, records / 10);
    long mismatches = 0;
    long scored = 0;
    long warm = -1;
    long t0 = 0;
    try (CreditScorer scorer = CreditScorer.open(dir)) {
      for (long i = 0; i < records; i++) {
        GoldenCase g = golden.get((int) (i % golden.size()));
        double p = scorer.score(g.request()).probabilityOfDefault();
        if (!(Math.abs(p - g.probability()) <= tolerance)) {
          mismatches++;
        }
        scored++;
        if (i + 1 == warmUp) {
          System.gc();
          warm = CloseWhileScoring.residentKib();
          t0 = System.nanoTime();
        }
      }
      System.gc();
      long end = CloseWhileScoring.residentKib();
      System.out.printf("memory flatness: %,d records (%.1f us each after warm-up), VmRSS %,d KiB"
          + " after %,d warm-up records, %,d KiB at the end (%+,d KiB)%n", records,
          (System.nanoTime() - t0) / 1e3 / Math.max(1, records - warmUp), warm, warmUp, end,
          end - warm);
      System.out.println(RESULT + warm + " " + end + " " + scored + " " + mismatches);
    }
  }
}
