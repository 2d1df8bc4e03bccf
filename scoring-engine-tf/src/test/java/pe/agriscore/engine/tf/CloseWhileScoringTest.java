package pe.agriscore.engine.tf;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pe.agriscore.testing.CloseWhileScoring;

/**
 * close() while 8 threads score must neither crash the JVM (a freed TensorFlow session under a
 * running TF_SessionRun is a SIGSEGV) nor end a call with anything but a score or the closed
 * error; in a child JVM, so that a crash fails the test instead of killing the build.
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
    CloseWhileScoring.assertCleanRunInChildJvm("TensorFlow", mode,
        new Mlp(11, 42).writeBundle(tmp, "mlp"));
  }
}
