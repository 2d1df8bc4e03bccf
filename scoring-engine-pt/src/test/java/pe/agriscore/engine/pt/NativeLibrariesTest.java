package pe.agriscore.engine.pt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.net.JarURLConnection;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pe.agriscore.engine.EngineException;

/**
 * The classpath check that keeps DJL from downloading natives, run against class loaders that
 * see only some of the real DJL jars.
 */
class NativeLibrariesTest {

  private static final String CLASSIFIER = "linux-x86_64";

  /** The jar on the test classpath that holds {@code resource}. */
  private static URL jarOf(String resource) throws Exception {
    URL url = NativeLibrariesTest.class.getClassLoader().getResource(resource);
    return ((JarURLConnection) url.openConnection()).getJarFileURL();
  }

  private static URLClassLoader loaderOf(String... resources) throws Exception {
    URL[] jars = new URL[resources.length];
    for (int i = 0; i < resources.length; i++) {
      jars[i] = jarOf(resources[i]);
    }
    // No parent classpath: the loader sees these jars and the JDK only.
    return new URLClassLoader(jars, ClassLoader.getPlatformClassLoader());
  }

  private static EngineException refused(ClassLoader loader, Map<String, String> env) {
    return assertThrows(EngineException.class,
        () -> NativeLibraries.check(loader, CLASSIFIER, env));
  }

  @Test
  void theTestClasspathHasEverythingDjlNeeds() {
    NativeLibraries natives = NativeLibraries.check(getClass().getClassLoader(), CLASSIFIER,
        Map.of());
    assertEquals(new NativeLibraries("2.7.1-20250812", "cpu", CLASSIFIER), natives);
  }

  @Test
  void missingLibtorchNamesTheNativeArtifact() throws Exception {
    try (URLClassLoader loader = loaderOf(NativeLibraries.ENGINE_PROPERTIES,
        NativeLibraries.JNI_PROPERTIES)) {
      EngineException e = refused(loader, Map.of());
      assertTrue(e.getMessage().contains(
          "add ai.djl.pytorch:pytorch-native-cpu:2.7.1:linux-x86_64"), e.getMessage());
      assertTrue(e.getMessage().contains("\"Choosing the native dependency\""), e.getMessage());
    }
  }

  @Test
  void missingJniNamesTheJniArtifact() throws Exception {
    try (URLClassLoader loader = loaderOf(NativeLibraries.ENGINE_PROPERTIES,
        NativeLibraries.NATIVE_PROPERTIES)) {
      EngineException e = refused(loader, Map.of());
      assertTrue(e.getMessage().contains("add ai.djl.pytorch:pytorch-jni:2.7.1-0.36.0"),
          e.getMessage());
    }
  }

  @Test
  void libtorchForAnotherPlatformIsNotEnough() throws Exception {
    try (URLClassLoader loader = loaderOf(NativeLibraries.ENGINE_PROPERTIES,
        NativeLibraries.NATIVE_PROPERTIES, NativeLibraries.JNI_PROPERTIES)) {
      EngineException e = assertThrows(EngineException.class,
          () -> NativeLibraries.check(loader, "osx-aarch64", Map.of()));
      assertTrue(e.getMessage().contains("found only [cpu-linux-x86_64]"), e.getMessage());
      assertTrue(e.getMessage().contains(
          "add ai.djl.pytorch:pytorch-native-cpu:2.7.1:osx-aarch64"), e.getMessage());
    }
  }

  @Test
  void settingsThatMakeDjlDownloadAreRefused() {
    EngineException e = refused(getClass().getClassLoader(), Map.of("PYTORCH_VERSION", "2.5.1"));
    assertTrue(e.getMessage().startsWith("PYTORCH_VERSION=2.5.1 is set"), e.getMessage());
    EngineException path = refused(getClass().getClassLoader(),
        Map.of("PYTORCH_LIBRARY_PATH", "/opt/libtorch/lib"));
    assertTrue(path.getMessage().contains("unset it"), path.getMessage());
  }

  @Test
  void directoriesHoldingALibtorchAreHiddenFromDjl(@TempDir Path tmp) throws Exception {
    Path withTorch = Files.createDirectories(tmp.resolve("distro-lib"));
    Files.createFile(withTorch.resolve(System.mapLibraryName("torch")));
    Path other = Files.createDirectories(tmp.resolve("other"));
    String path = String.join(File.pathSeparator, other.toString(), withTorch.toString(), "/nope");
    assertEquals(other + File.pathSeparator + "/nope", NativeLibraries.withoutLibtorch(path));
  }

  @Test
  void thisMachineIsNamedAsDjlNamesIt() {
    String expected = System.getProperty("os.name").startsWith("Linux")
        && System.getProperty("os.arch").equals("amd64") ? CLASSIFIER : null;
    if (expected != null) {
      assertEquals(expected, NativeLibraries.systemClassifier());
    }
    assertEquals(ai.djl.util.Platform.fromSystem("pytorch").getClassifier(),
        NativeLibraries.systemClassifier());
  }
}
