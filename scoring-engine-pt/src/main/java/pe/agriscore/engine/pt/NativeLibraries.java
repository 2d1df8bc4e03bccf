package pe.agriscore.engine.pt;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import pe.agriscore.engine.EngineException;

/**
 * Checks, before DJL starts, that libtorch and DJL's JNI library can come from the classpath.
 *
 * <p>DJL falls back to downloading both whenever the classpath lacks them or holds versions that
 * do not fit together, and its offline flag does not stop that for natives. So the checks here
 * mirror the conditions under which DJL 0.36's {@code LibUtils} would reach for the network, and
 * refuse to start with the Maven coordinates to add instead.
 *
 * @param version libtorch's version as the native jar states it, e.g. {@code 2.7.1-20250812}
 * @param flavor e.g. {@code cpu}
 * @param classifier e.g. {@code linux-x86_64}
 */
record NativeLibraries(String version, String flavor, String classifier) {

  static final String ENGINE_PROPERTIES = "pytorch-engine.properties";
  static final String NATIVE_PROPERTIES = "native/lib/pytorch.properties";
  static final String JNI_PROPERTIES = "jnilib/pytorch.properties";

  /** Variables that make DJL look for libtorch elsewhere, or download another version. */
  private static final List<String> OVERRIDES =
      List.of("PYTORCH_LIBRARY_PATH", "PYTORCH_VERSION", "PYTORCH_FLAVOR");

  /**
   * Checks the classpath of {@code loader}.
   *
   * @param loader the class loader DJL will search (the thread context loader while it starts)
   * @param systemClassifier this machine, e.g. {@code linux-x86_64}
   * @param environment the process environment (DJL reads overrides from it first)
   * @return the libtorch that DJL will extract and load
   * @throws EngineException naming the artifact to add, or the setting to remove
   */
  static NativeLibraries check(ClassLoader loader, String systemClassifier,
      Map<String, String> environment) {
    for (String name : OVERRIDES) {
      String value = environment.containsKey(name) ? environment.get(name)
          : System.getProperty(name);
      if (value != null && !value.isEmpty()) {
        throw new EngineException(name + "=" + value + " is set: it makes DJL load or download a"
            + " libtorch other than the one on the classpath, which AgriScore never does;"
            + " unset it");
      }
    }
    Properties engine = read(loader, ENGINE_PROPERTIES);
    if (engine == null) {
      throw new EngineException("DJL's PyTorch engine is not on the classpath: add"
          + " ai.djl.pytorch:pytorch-engine");
    }
    String torchVersion = engine.getProperty("pytorch_version", "?");
    String djlVersion = engine.getProperty("djl_version", "?");
    String nativeArtifact =
        "ai.djl.pytorch:pytorch-native-cpu:" + torchVersion + ":" + systemClassifier;
    String jniVersion = torchVersion + "-" + djlVersion;
    String jniArtifact = "ai.djl.pytorch:pytorch-jni:" + jniVersion;

    List<Properties> natives = readAll(loader, NATIVE_PROPERTIES);
    Properties matching = null;
    List<String> seen = new ArrayList<>();
    for (Properties p : natives) {
      seen.add(p.getProperty("flavor") + "-" + p.getProperty("classifier"));
      if (systemClassifier.equals(p.getProperty("classifier")) && matching == null) {
        matching = p;
      }
    }
    if (matching == null) {
      throw new EngineException("libtorch for " + systemClassifier + " is not on the classpath"
          + (seen.isEmpty() ? "" : " (found only " + seen + ")") + ": add " + nativeArtifact
          + " (runtime scope; docs/natives.md, \"Choosing the native dependency\", has the POM"
          + " snippet; DJL would otherwise try to download it)");
    }
    String version = matching.getProperty("version", "");
    String flavor = matching.getProperty("flavor", "");
    if (!version.startsWith(torchVersion + "-") && !version.equals(torchVersion)) {
      throw new EngineException("the classpath holds libtorch " + version + " but DJL "
          + djlVersion + "'s PyTorch engine needs " + torchVersion + ": use " + nativeArtifact);
    }
    for (String lib : matching.getProperty("libraries", "").split(",")) {
      String resource = "pytorch/" + flavor + "/" + systemClassifier + "/" + lib.trim();
      if (!lib.isBlank() && loader.getResource(resource) == null) {
        throw new EngineException("the libtorch jar on the classpath lacks " + resource
            + ": use an intact " + nativeArtifact);
      }
    }

    Properties jni = read(loader, JNI_PROPERTIES);
    if (jni == null) {
      throw new EngineException("DJL's PyTorch JNI library is not on the classpath: add "
          + jniArtifact + " (DJL would otherwise try to download it)");
    }
    String foundJni = jni.getProperty("jni_version", "");
    if (!foundJni.startsWith(jniVersion)) {
      throw new EngineException("the classpath holds pytorch-jni " + foundJni + " but libtorch "
          + torchVersion + " with DJL " + djlVersion + " needs " + jniArtifact);
    }
    String jniLib = "jnilib/" + systemClassifier + "/" + flavor + "/"
        + System.mapLibraryName("djl_torch");
    if (loader.getResource(jniLib) == null) {
      throw new EngineException(jniArtifact + " has no JNI library for " + systemClassifier + "/"
          + flavor + " (" + jniLib + ")");
    }
    return new NativeLibraries(version, flavor, systemClassifier);
  }

  /**
   * {@code libraryPath} without the directories that hold a libtorch. DJL prefers any libtorch on
   * {@code java.library.path} to the classpath's, and distributions put theirs in standard
   * directories (Debian's python3-torch installs libtorch 1.13 in {@code /lib/x86_64-linux-gnu}),
   * where it would be loaded with a JNI library built for another version.
   */
  static String withoutLibtorch(String libraryPath) {
    String lib = System.mapLibraryName("torch");
    List<String> kept = new ArrayList<>();
    for (String dir : libraryPath.split(File.pathSeparator, -1)) {
      if (dir.isEmpty() || !Files.isRegularFile(Path.of(dir, lib))) {
        kept.add(dir);
      }
    }
    return String.join(File.pathSeparator, kept);
  }

  /** This machine as DJL names platforms: {@code linux-x86_64}, {@code osx-aarch64}, ... */
  static String systemClassifier() {
    String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
    String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
    String prefix = os.startsWith("win") ? "win" : os.startsWith("mac") ? "osx" : os;
    String cpu = arch.equals("amd64") || arch.equals("x86_64") ? "x86_64"
        : arch.equals("arm64") ? "aarch64" : arch;
    return prefix + "-" + cpu;
  }

  private static Properties read(ClassLoader loader, String resource) {
    List<Properties> all = readAll(loader, resource);
    return all.isEmpty() ? null : all.get(0);
  }

  private static List<Properties> readAll(ClassLoader loader, String resource) {
    List<Properties> result = new ArrayList<>();
    try {
      for (URL url : Collections.list(loader.getResources(resource))) {
        Properties p = new Properties();
        try (InputStream in = url.openStream()) {
          p.load(in);
        }
        result.add(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + resource + " from the classpath", e);
    }
    return result;
  }
}
