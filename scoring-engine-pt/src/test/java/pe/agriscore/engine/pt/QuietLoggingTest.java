package pe.agriscore.engine.pt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pe.agriscore.engine.conformance.ChildJvm;

/** Opening a bundle leaves a bank's logs quiet: seen in child JVMs with SLF4J at INFO. */
class QuietLoggingTest {

  @Test
  void openingABundleLogsNoWarningAndDjlsCudaProbeOnlyWhenAskedFor(@TempDir Path tmp)
      throws Exception {
    Path bundle = PtFixtures.farmerBundle(tmp, PtFixtures.TRACED, PtFixtures.golden(2));
    String quiet = ChildJvm.start(EffectsMain.class, List.of(), bundle.toString()).await();
    assertTrue(quiet.contains("SCORED "), quiet);
    assertEquals(List.of(), warnings(quiet), quiet);

    String probed = ChildJvm.start(EffectsMain.class,
        List.of("-Dagriscore.natives.skip_cuda_probe=false"), bundle.toString()).await();
    assertTrue(probed.contains("SCORED "), probed);
    if (cudaRuntimeWithoutDriver()) {
      // What every bundle open logged before the probe was skipped, on this kind of machine.
      assertTrue(probed.contains("WARN ai.djl.util.cuda.CudaUtils - Failed to detect GPU count"),
          probed);
    }
  }

  /** A CUDA runtime the dynamic linker finds, and no GPU driver: where DJL's probe warns. */
  private static boolean cudaRuntimeWithoutDriver() throws Exception {
    Process p = new ProcessBuilder("ldconfig", "-p").redirectErrorStream(true).start();
    String libs = new String(p.getInputStream().readAllBytes());
    p.waitFor();
    return libs.contains("libcudart.so") && !libs.contains("libcuda.so.1");
  }

  private static List<String> warnings(String out) {
    return out.lines().filter(l -> l.contains(" WARN ")).toList();
  }
}
