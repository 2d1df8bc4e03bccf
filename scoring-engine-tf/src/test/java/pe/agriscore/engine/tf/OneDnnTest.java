package pe.agriscore.engine.tf;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pe.agriscore.engine.conformance.ChildJvm;

/**
 * {@value TensorFlowEngine#ONEDNN}: TensorFlow reads TF_ENABLE_ONEDNN_OPTS once, from the
 * process environment, so it is observed in child JVMs through the line TensorFlow logs (at log
 * level 0) when its oneDNN kernels are on.
 */
class OneDnnTest {

  /** What TensorFlow 2.16 prints at INFO level when oneDNN's kernels serve. */
  private static final String ONEDNN_LINE = "oneDNN custom operations are on";

  @Test
  void oneDnnIsOffByDefaultAndOnWhenAsked(@TempDir Path tmp) throws Exception {
    Path bundle = new Mlp(11, 42).writeBundle(tmp, "mlp");

    String off = ChildJvm.start(LoadMain.class, List.of("-Dtensorflow.log_level=0"),
        bundle.toString()).await();
    assertTrue(off.contains("SCORED "), off);
    assertTrue(off.contains("TF_ENABLE_ONEDNN_OPTS=0"), off);
    assertFalse(off.contains(ONEDNN_LINE), off);

    String on = ChildJvm.start(LoadMain.class,
        List.of("-Dtensorflow.log_level=0", "-Dtensorflow.onednn=true"), bundle.toString())
        .await();
    assertTrue(on.contains("SCORED "), on);
    assertTrue(on.contains(ONEDNN_LINE), on);
  }
}
