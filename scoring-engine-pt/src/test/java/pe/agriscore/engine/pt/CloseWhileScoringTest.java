package pe.agriscore.engine.pt;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pe.agriscore.testing.CloseWhileScoring;

/**
 * close() while 8 threads score must neither crash the JVM (libtorch memory freed under a
 * running forward) nor end a call with anything but a score or the closed error; in a child JVM,
 * so that a crash fails the test instead of killing the build.
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
    CloseWhileScoring.assertCleanRunInChildJvm("PyTorch", mode,
        PtFixtures.farmerBundle(tmp, PtFixtures.SCRIPTED, PtFixtures.golden(2)));
  }
}
