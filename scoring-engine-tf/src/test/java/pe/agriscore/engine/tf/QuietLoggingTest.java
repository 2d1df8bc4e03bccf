package pe.agriscore.engine.tf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pe.agriscore.engine.conformance.ChildJvm;

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
    // Nor a WARN of DJL's: its CUDA probe would log "Failed to detect GPU count" on a machine
    // with a CUDA runtime but no GPU driver.
    assertEquals(List.of(), warnings(quiet), quiet);

    // The same load with the level lowered shows the lines the default hides.
    String verbose = ChildJvm.start(LoadMain.class, List.of("-Dtensorflow.log_level=0"),
        bundle.toString()).await();
    assertTrue(verbose.contains("SCORED "), verbose);
    assertTrue(verbose.contains(LOADER_LINE), verbose);
  }

  @Test
  void djlsCudaProbeIsSkippedUnlessAskedFor(@TempDir Path tmp) throws Exception {
    Path bundle = new Mlp(11, 42).writeBundle(tmp, "mlp");
    String probed = ChildJvm.start(LoadMain.class,
        List.of("-Dagriscore.natives.skip_cuda_probe=false"), bundle.toString()).await();
    assertTrue(probed.contains("SCORED "), probed);
    if (CUDA_RUNTIME_WITHOUT_DRIVER) {
      // What every bundle open logged before the probe was skipped, on this kind of machine.
      assertTrue(probed.contains("WARN ai.djl.util.cuda.CudaUtils - Failed to detect GPU count"),
          probed);
    }
    String skipped = ChildJvm.start(LoadMain.class, List.of(), bundle.toString()).await();
    assertEquals(List.of(), warnings(skipped), skipped);
  }

  /** A CUDA runtime the dynamic linker finds, and no GPU driver: where DJL's probe warns. */
  private static final boolean CUDA_RUNTIME_WITHOUT_DRIVER = cudaRuntimeWithoutDriver();

  private static boolean cudaRuntimeWithoutDriver() {
    try {
      Process p = new ProcessBuilder("ldconfig", "-p").redirectErrorStream(true).start();
      String libs = new String(p.getInputStream().readAllBytes());
      p.waitFor();
      return libs.contains("libcudart.so") && !libs.contains("libcuda.so.1");
    } catch (Exception e) {
      return false;
    }
  }

  private static List<String> warnings(String out) {
    return out.lines().filter(l -> l.contains(" WARN ")).toList();
  }
}
