package pe.agriscore.engine.pt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pe.agriscore.engine.EngineOptions;
import pe.agriscore.engine.NativeCache;
import pe.agriscore.engine.conformance.ChildJvm;

/**
 * Every change the engine makes to the process, seen from fresh JVMs that start with none of the
 * test JVM's settings (its surefire argLine sets {@code ai.djl.offline}; these do not): made and
 * logged by default, none with {@code agriscore.natives.manage=false}, where the host's own DJL
 * set-up is used or refused naming what is missing. docs/natives.md lists the same effects.
 */
class NativesManagementTest {

  @TempDir static Path tmp;
  static Path bundle;

  @BeforeAll
  static void writeBundle() throws Exception {
    bundle = PtFixtures.farmerBundle(tmp, PtFixtures.TRACED, PtFixtures.golden(2));
  }

  /**
   * Properties that the JDK (on the first time-zone look-up) and JNA (when DJL's CUDA probe
   * loads it) set themselves: not the engine's doing. docs/natives.md lists them apart.
   */
  private static final List<String> SET_BY_THE_LIBRARIES = List.of("PROPERTY jna.",
      "PROPERTY jnidispatch.path=", "PROPERTY user.timezone=");

  private static List<String> lines(String out, String prefix) {
    return out.lines().filter(l -> l.startsWith(prefix))
        .filter(l -> SET_BY_THE_LIBRARIES.stream().noneMatch(l::startsWith)).toList();
  }

  @Test
  void theEngineItselfTurnsDjlOfflineAndSetsUpLibtorchLoggingEachStepOnce() throws Exception {
    String out = ChildJvm.start(EffectsMain.class, List.of(), bundle.toString()).await();
    assertTrue(out.contains("SCORED "), out);
    Path cache = NativeCache.directory(EngineOptions.defaults());
    // Nothing else either: java.library.path is restored once DJL has looked for libtorch.
    assertEquals(List.of(
            "PROPERTY ENGINE_CACHE_DIR=" + cache,
            "PROPERTY ai.djl.offline=true",
            "PROPERTY ai.djl.pytorch.graph_optimizer=false",
            "PROPERTY ai.djl.pytorch.num_interop_threads=1",
            "PROPERTY ai.djl.pytorch.num_threads=1"),
        lines(out, "PROPERTY "), out);
    for (String step : List.of("setting system property ai.djl.offline=true",
        "setting system property ENGINE_CACHE_DIR=" + cache,
        "setting system property ai.djl.pytorch.num_threads=1",
        "initialising DJL's ai.djl.util.cuda.CudaUtils with no CUDA runtime")) {
      assertEquals(1, out.lines().filter(l -> l.contains(step)).count(), step + " in\n" + out);
    }
    // Offline for real: no connection was even attempted, and no CUDA runtime was loaded.
    assertEquals(List.of(), lines(out, "NETWORK "), out);
    assertEquals(List.of(), lines(out, "CUDART"), out);
  }

  @Test
  void withManagementOffTheHostsDjlSetUpIsUsedAndTheProcessIsLeftAlone() throws Exception {
    Path cache = NativeCache.directory(EngineOptions.defaults());
    Path libraryPath = Files.createDirectories(tmp.resolve("host-lib"));
    String out = ChildJvm.start(EffectsMain.class, List.of("-Dagriscore.natives.manage=false",
        "-Dai.djl.offline=true", "-Dai.djl.pytorch.num_threads=1",
        "-Dai.djl.pytorch.num_interop_threads=1", "-Dai.djl.pytorch.graph_optimizer=false",
        "-DENGINE_CACHE_DIR=" + cache, "-Djava.library.path=" + libraryPath),
        bundle.toString()).await();
    assertTrue(out.contains("SCORED "), out);
    assertEquals(List.of(), lines(out, "PROPERTY "), out);
    assertEquals(List.of(), lines(out, "NETWORK "), out);
    assertTrue(out.contains("agriscore.natives.manage=false: libtorch starts as the host set DJL"
        + " up"), out);
  }

  @Test
  void withManagementOffAndNothingSetTheLoadIsRefusedNamingEachSetting() throws Exception {
    Path cache = tmp.resolve("unused-cache");
    String out = ChildJvm.start(EffectsMain.class, List.of("-Dagriscore.natives.manage=false",
        "-Dagriscore.cache_dir=" + cache), bundle.toString()).await();
    List<String> refused = lines(out, "REFUSED ");
    assertEquals(1, refused.size(), out);
    String message = refused.get(0);
    assertTrue(message.startsWith("REFUSED the pytorch engine runs with"
        + " agriscore.natives.manage=false"), message);
    for (String setting : List.of(
        "system property ai.djl.offline=true or environment variable DJL_OFFLINE=true",
        "system property ai.djl.pytorch.num_threads=1",
        "system property ai.djl.pytorch.num_interop_threads=1",
        "system property ai.djl.pytorch.graph_optimizer=false",
        "ENGINE_CACHE_DIR=" + cache + " as agriscore.cache_dir asks")) {
      assertTrue(message.contains(setting), setting + " not in " + message);
    }
    assertEquals(List.of(), lines(out, "PROPERTY "), out);
    assertFalse(Files.exists(cache), "nothing may be extracted");
  }
}
