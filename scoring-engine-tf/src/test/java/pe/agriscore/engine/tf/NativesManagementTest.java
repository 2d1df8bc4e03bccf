package pe.agriscore.engine.tf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pe.agriscore.engine.conformance.ChildJvm;

/**
 * Every change the engine makes to the process, seen from fresh JVMs that start with none of the
 * test JVM's settings: made and logged by default, none with {@code agriscore.natives.manage=false}
 * (where the host's own set-up is used, or refused naming what is missing). docs/natives.md lists
 * the same effects.
 */
class NativesManagementTest {

  @TempDir static Path tmp;
  static Path bundle;

  @BeforeAll
  static void exportModel() throws Exception {
    bundle = new Mlp(11, 42).writeBundle(tmp, "mlp");
  }

  /**
   * Properties that JNA, JavaCPP and TensorFlow set themselves whenever they load, in either mode
   * (docs/natives.md lists them apart): not the engine's doing.
   */
  private static final List<String> SET_BY_THE_LIBRARIES = List.of("PROPERTY jna.",
      "PROPERTY jnidispatch.path=", "PROPERTY org.bytedeco.javacpp.maxBytes=",
      "PROPERTY org.bytedeco.javacpp.maxPhysicalBytes=",
      "PROPERTY org.bytedeco.javacpp.platform.preloadpath=", "PROPERTY user.timezone=");

  private static List<String> lines(String out, String prefix) {
    return out.lines().filter(l -> l.startsWith(prefix))
        .filter(l -> SET_BY_THE_LIBRARIES.stream().noneMatch(l::startsWith)).toList();
  }

  @Test
  void byDefaultTheEngineSetsUpTheProcessItselfLoggingEachStepAndDownloadsNothing()
      throws Exception {
    String out = ChildJvm.start(EffectsMain.class, List.of(), bundle.toString()).await();
    Path natives = TensorFlowNatives.defaultCacheRoot()
        .resolve("tensorflow-core-native-1.0.0-rc.1-linux-x86_64");
    assertTrue(out.contains("SCORED "), out);
    assertEquals(List.of(
            "PROPERTY TENSORFLOW_LIBRARY_PATH=" + natives,
            "PROPERTY ai.djl.offline=true",
            "PROPERTY ai.djl.tensorflow.num_interop_threads=-1",
            "PROPERTY ai.djl.tensorflow.num_intraop_threads=1",
            "PROPERTY org.bytedeco.javacpp.pathsFirst=true"),
        lines(out, "PROPERTY "), out);
    assertEquals(List.of("ENV TF_CPP_MIN_LOG_LEVEL=2"), lines(out, "ENV "), out);
    // Each step is in the log once, saying how to turn it off.
    for (String step : List.of("setting system property TENSORFLOW_LIBRARY_PATH=",
        "setting system property ai.djl.offline=true",
        "setting system property org.bytedeco.javacpp.pathsFirst=true",
        "setting environment variable TF_CPP_MIN_LOG_LEVEL=2",
        "initialising DJL's ai.djl.util.cuda.CudaUtils with no CUDA runtime")) {
      assertEquals(1, out.lines().filter(l -> l.contains(step)).count(), step + " in\n" + out);
    }
    assertEquals(List.of(), lines(out, "NETWORK "), out);
    assertEquals(List.of(), lines(out, "CUDART"), "a CUDA runtime was loaded:\n" + out);
  }

  @Test
  void withManagementOffTheHostsSetUpIsUsedAndTheProcessIsLeftAlone() throws Exception {
    Path natives = TensorFlowNatives.extract(TensorFlowNatives.defaultCacheRoot());
    String out = ChildJvm.start(EffectsMain.class, List.of("-Dagriscore.natives.manage=false",
        "-DTENSORFLOW_LIBRARY_PATH=" + natives, "-Dorg.bytedeco.javacpp.pathsFirst=true",
        "-Dai.djl.offline=true"), bundle.toString()).await();
    assertTrue(out.contains("SCORED "), out);
    assertEquals(List.of(), lines(out, "PROPERTY "), out);
    assertEquals(List.of(), lines(out, "ENV "), out);
    assertEquals(List.of(), lines(out, "NETWORK "), out);
    assertTrue(out.contains("agriscore.natives.manage=false: TensorFlow starts from " + natives),
        out);
  }

  @Test
  void withManagementOffAndNothingSetTheLoadIsRefusedNamingEachSetting() throws Exception {
    Path cache = tmp.resolve("unused-cache");
    String out = ChildJvm.start(EffectsMain.class, List.of("-Dagriscore.natives.manage=false",
        "-Dagriscore.cache_dir=" + cache), bundle.toString()).await();
    List<String> refused = lines(out, "REFUSED ");
    assertEquals(1, refused.size(), out);
    String message = refused.get(0);
    assertTrue(message.startsWith("REFUSED the tensorflow engine runs with"
        + " agriscore.natives.manage=false"), message);
    for (String setting : List.of("TENSORFLOW_LIBRARY_PATH (environment variable or system"
        + " property)", "libjnitensorflow.so", "org.tensorflow:tensorflow-core-native:1.0.0-rc.1",
        "system property org.bytedeco.javacpp.pathsFirst=true",
        "system property ai.djl.offline=true or environment variable DJL_OFFLINE=true")) {
      assertTrue(message.contains(setting), setting + " not in " + message);
    }
    assertEquals(List.of(), lines(out, "PROPERTY "), out);
    assertEquals(List.of(), lines(out, "ENV "), out);
    assertFalse(Files.exists(cache), "nothing may be extracted");
  }
}
