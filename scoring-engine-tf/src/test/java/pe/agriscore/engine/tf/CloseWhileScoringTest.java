package pe.agriscore.engine.tf;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pe.agriscore.testing.ChildJvm;
import pe.agriscore.testing.CloseWhileScoring;

/**
 * close() while 8 threads score must neither crash the JVM (a freed TensorFlow session under a
 * running TF_SessionRun is a SIGSEGV) nor end a call with anything but a score or the closed
 * error; in a child JVM, so that a crash fails the test instead of killing the build.
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
    Path bundle = new Mlp(11, 42).writeBundle(tmp, "mlp");
    String out = ChildJvm.start(CloseWhileScoring.class, CloseWhileScoring.JVM_ARGS, mode, bundle.toString(),
        ROUNDS).await();
    System.out.println("TensorFlow " + mode + ": " + out.lines()
        .filter(l -> l.contains(" rounds: ")).findFirst().orElse(out));
    assertTrue(out.contains(CloseWhileScoring.OK), out);
  }
}
