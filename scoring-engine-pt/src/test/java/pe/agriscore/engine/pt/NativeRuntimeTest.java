package pe.agriscore.engine.pt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pe.agriscore.engine.EngineConfig;
import pe.agriscore.engine.EngineOptions;
import pe.agriscore.engine.Engines;
import pe.agriscore.engine.NativeCache;
import pe.agriscore.engine.ScoringModel;
import pe.agriscore.engine.internal.FastPaths;
import pe.agriscore.internal.bundle.ModelBundle;

/**
 * What the first load sets up for the whole process: natives, cache, threads. Offline mode is
 * proven in fresh JVMs by {@link NativesManagementTest} (this JVM's argLine already sets it).
 */
class NativeRuntimeTest {

  @TempDir static Path tmp;

  private static NativeRuntime.Running running;

  @BeforeAll
  static void loadOnce() throws Exception {
    Path dir = PtFixtures.farmerBundle(tmp, PtFixtures.SCRIPTED, PtFixtures.golden(1));
    try (ModelBundle bundle = ModelBundle.open(dir);
        ScoringModel model = Engines.load(new PyTorchEngine(), bundle, EngineOptions.defaults())) {
      assertEquals(11, model.inputWidth());
      running = NativeRuntime.running().orElseThrow();
    }
  }

  @Test
  void smallTabularModelsGetOneThreadEach() {
    // Every test in this JVM loads with default options, so the defaults are what runs.
    assertEquals(1, running.intraOpThreads());
    assertEquals(1, running.interOpThreads());
    assertFalse(running.settings().graphOptimizer());
  }

  @Test
  void libtorchIsExtractedIntoTheAgriScoreCache() {
    assumeTrue(System.getenv("ENGINE_CACHE_DIR") == null, "DJL's ENGINE_CACHE_DIR env wins");
    Path expected = System.getProperty(PyTorchEngine.CACHE_DIR) != null
        ? Path.of(System.getProperty(PyTorchEngine.CACHE_DIR))
        : NativeCache.directory(EngineOptions.defaults());
    Path dir = running.libtorchDir();
    assertTrue(dir.startsWith(expected.resolve("pytorch")), dir + " not under " + expected);
    assertTrue(Files.isRegularFile(dir.resolve("libtorch_cpu.so")));
  }

  @Test
  void theLoadedLibtorchIsTheClasspathOne() throws Exception {
    // A distribution's libtorch (Debian's 1.13 in /lib/x86_64-linux-gnu) must not be mapped.
    List<String> torchMappings = Files.readAllLines(Path.of("/proc/self/maps")).stream()
        .filter(l -> l.contains("libtorch_cpu.so"))
        .map(l -> l.substring(l.indexOf('/')))
        .distinct()
        .toList();
    assertEquals(List.of(running.libtorchDir().resolve("libtorch_cpu.so").toString()),
        torchMappings);
  }

  @Test
  void optionsOverrideDefaultsAndDjlProperties() {
    PyTorchSettings s = PyTorchSettings.from(EngineConfig.of(new PyTorchEngine().descriptor(),
        EngineOptions.builder()
        .set(PyTorchEngine.NUM_THREADS, "4")
        .set(PyTorchEngine.NUM_INTEROP_THREADS, "2")
        .set(PyTorchEngine.GRAPH_OPTIMIZER, "TRUE")
        .set(PyTorchEngine.POOL_SIZE, "6")
        .set(PyTorchEngine.CACHE_DIR, "/var/cache/agriscore/")
        .build()));
    assertEquals(new PyTorchSettings(4, 2, true, 6, FastPaths.Mode.AUTO,
        java.util.Optional.of(Path.of("/var/cache/agriscore"))), s);
  }
}
