package pe.agriscore;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pe.agriscore.testing.CloseWhileScoring;
import pe.agriscore.testing.TestBundles;

/**
 * close() while 8 threads score ends every call with a score or the closed error, and a closed
 * scorecard scores nothing more; in a child JVM like the native engines' tests.
 */
class CloseWhileScoringTest {

  @Test
  void closingAScorerWhileThreadsScoreIsClean(@TempDir Path tmp) throws Exception {
    assertCleanRun(tmp, "scorer");
  }

  @Test
  void closingTheEnginesModelWhileThreadsPredictIsClean(@TempDir Path tmp) throws Exception {
    assertCleanRun(tmp, "model");
  }

  private static void assertCleanRun(Path tmp, String mode) throws Exception {
    CloseWhileScoring.assertCleanRunInChildJvm("scorecard", mode,
        TestBundles.writeScorecardBundle(tmp));
  }
}
