package pe.agriscore.engine.tf;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pe.agriscore.testing.ChildJvm;

/**
 * TensorFlow's C++ logging writes straight to the process's stderr, so it is observed in child
 * JVMs that load a model the way an application does.
 */
class QuietLoggingTest {

  /** What TensorFlow 2.16 prints at INFO level while loading a SavedModel. */
  private static final String LOADER_LINE = "tensorflow/cc/saved_model/loader.cc";

  @Test
  void tensorFlowIsQuietByDefaultAndLogsWhenAsked(@TempDir Path tmp) throws Exception {
    Path bundle = new Mlp(11, 42).writeBundle(tmp, "mlp");

    String quiet = ChildJvm.start(LoadMain.class, List.of(), bundle.toString()).await();
    assertTrue(quiet.contains("SCORED "), quiet);
    assertFalse(quiet.contains(LOADER_LINE), quiet);
    assertFalse(quiet.matches("(?s).*\\] (I|W) tensorflow/.*"), quiet);

    // The same load with the level lowered shows the lines the default hides.
    String verbose = ChildJvm.start(LoadMain.class, List.of("-Dtensorflow.log_level=0"),
        bundle.toString()).await();
    assertTrue(verbose.contains("SCORED "), verbose);
    assertTrue(verbose.contains(LOADER_LINE), verbose);
  }
}
