package pe.agriscore.scoring;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pe.agriscore.testing.ChildJvm;
import pe.agriscore.testing.CloseWhileScoring;
import pe.agriscore.testing.TestBundles;

/**
 * close() while 8 threads score ends every call with a score or the closed error, and a closed
 * scorecard scores nothing more; in a child JVM like the native engines' tests.
 */
class CloseWhileScoringTest {

  /** At least 20, as the issue asks; {@code -Dagriscore.test.close_rounds=100} runs longer. */
  private static final String ROUNDS =
      String.valueOf(Math.max(20, Integer.getInteger("agriscore.test.close_rounds", 20)));

  @Test
  void closingAScorerWhileThreadsScoreIsClean(@TempDir Path tmp) throws Exception {
    assertCleanRun(tmp, "scorer");
  }

  @Test
  void closingTheEnginesModelWhileThreadsPredictIsClean(@TempDir Path tmp) throws Exception {
    assertCleanRun(tmp, "model");
  }

  private static void assertCleanRun(Path tmp, String mode) throws Exception {
    Path bundle = TestBundles.writeScorecardBundle(tmp);
    String out = ChildJvm.start(CloseWhileScoring.class, CloseWhileScoring.JVM_ARGS, mode, bundle.toString(),
        ROUNDS).await();
    System.out.println("scorecard " + mode + ": " + out.lines()
        .filter(l -> l.contains(" rounds: ")).findFirst().orElse(out));
    assertTrue(out.contains(CloseWhileScoring.OK), out);
  }
}
