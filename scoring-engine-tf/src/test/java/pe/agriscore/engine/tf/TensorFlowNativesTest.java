package pe.agriscore.engine.tf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pe.agriscore.engine.EngineException;
import pe.agriscore.engine.EngineOptions;
import pe.agriscore.engine.conformance.ChildJvm;

/** The natives bootstrap, for real: 632 MB extracted, reused, raced by threads and JVMs. */
class TensorFlowNativesTest {

  private static final String ARTIFACT =
      "org.tensorflow:tensorflow-core-native:1.0.0-rc.1:linux-x86_64";
  private static final String JAR_DIR = "org/tensorflow/internal/c_api/linux-x86_64/";
  private static final List<String> LIBRARIES =
      List.of("libtensorflow_framework.so.2", "libtensorflow_cc.so.2", "libjnitensorflow.so");

  @Test
  void concurrentExtractionsAreSafeAndASecondOneReusesTheFiles(@TempDir Path tmp)
      throws Exception {
    Path cache = tmp.resolve("cache");
    Path go = tmp.resolve("go");
    // Two other JVMs and two threads of this one start extracting into one empty cache at once.
    List<ChildJvm> children = List.of(
        ChildJvm.start(ExtractMain.class, List.of(), cache.toString(), go.toString()),
        ChildJvm.start(ExtractMain.class, List.of(), cache.toString(), go.toString()));
    ExecutorService threads = Executors.newFixedThreadPool(2);
    List<Future<Path>> inProcess = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      inProcess.add(threads.submit(() -> {
        while (!Files.exists(go)) {
          Thread.sleep(5);
        }
        return TensorFlowNatives.extract(cache);
      }));
    }
    Thread.sleep(1500); // lets the child JVMs reach their wait loop
    Files.createFile(go);

    Path dir = inProcess.get(0).get();
    assertEquals(cache.resolve("tensorflow-core-native-1.0.0-rc.1-linux-x86_64"), dir);
    assertEquals(dir, inProcess.get(1).get());
    for (ChildJvm child : children) {
      String out = child.await();
      assertTrue(out.contains("EXTRACTED " + dir), out);
    }
    threads.shutdown();

    List<String> names = new ArrayList<>();
    try (var files = Files.list(dir)) {
      files.forEach(f -> names.add(f.getFileName().toString()));
    }
    assertTrue(names.stream().noneMatch(n -> n.endsWith(".tmp")), "leftovers: " + names);
    for (String lib : LIBRARIES) {
      assertEquals(jarEntrySize(lib), Files.size(dir.resolve(lib)), lib);
    }
    try (InputStream jar = resource("libjnitensorflow.so").openStream()) {
      assertArrayEquals(jar.readAllBytes(), Files.readAllBytes(dir.resolve("libjnitensorflow.so")));
    }

    List<Object> inodes = new ArrayList<>();
    List<FileTime> times = new ArrayList<>();
    for (String lib : LIBRARIES) {
      inodes.add(Files.getAttribute(dir.resolve(lib), "unix:ino"));
      times.add(Files.getLastModifiedTime(dir.resolve(lib)));
    }
    assertEquals(dir, TensorFlowNatives.extract(cache));
    for (int i = 0; i < LIBRARIES.size(); i++) {
      Path lib = dir.resolve(LIBRARIES.get(i));
      assertEquals(inodes.get(i), Files.getAttribute(lib, "unix:ino"), "rewritten: " + lib);
      assertEquals(times.get(i), Files.getLastModifiedTime(lib), "rewritten: " + lib);
    }
  }

  @Test
  void aTruncatedLibraryIsExtractedAgain(@TempDir Path tmp) throws Exception {
    Path dir = tmp.resolve("tensorflow-core-native-1.0.0-rc.1-linux-x86_64");
    Files.createDirectories(dir);
    Path jni = dir.resolve("libjnitensorflow.so");
    Files.write(jni, new byte[100]);
    ClassLoader onlyJni = new FilteringLoader(List.of("libtensorflow_framework.so.2",
        "libtensorflow_cc.so.2"), true);
    // The two big libraries come from a loader that has them as empty stand-ins.
    assertEquals(dir, TensorFlowNatives.extract(tmp, "linux-x86_64", onlyJni));
    assertEquals(jarEntrySize("libjnitensorflow.so"), Files.size(jni));
  }

  @Test
  void missingNativesNameTheArtifactToAdd(@TempDir Path tmp) {
    ClassLoader withoutNatives = new FilteringLoader(LIBRARIES, false);
    EngineException e = assertThrows(EngineException.class,
        () -> TensorFlowNatives.extract(tmp, "linux-x86_64", withoutNatives));
    assertTrue(e.getMessage().contains("add the dependency " + ARTIFACT), e.getMessage());
    assertTrue(e.getMessage().contains("\"Choosing the native dependency\""), e.getMessage());
    assertFalse(Files.exists(tmp.resolve("tensorflow-core-native-1.0.0-rc.1-linux-x86_64")));
  }

  @Test
  void anUnsupportedPlatformNamesTheArtifact(@TempDir Path tmp) {
    EngineException e = assertThrows(EngineException.class,
        () -> TensorFlowNatives.extract(tmp, "macosx-arm64",
            TensorFlowNativesTest.class.getClassLoader()));
    assertTrue(e.getMessage().contains("linux-x86_64 only") && e.getMessage().contains(ARTIFACT)
        && e.getMessage().contains("macosx-arm64"), e.getMessage());
  }

  @Test
  void tensorFlowRunsFromTheCacheDirectoryAndNotFromAnotherCopy() throws Exception {
    Path dir = TensorFlowNatives.ensureLoaded(EngineOptions.defaults());
    assertEquals(dir, TensorFlowNatives.ensureLoaded(EngineOptions.defaults()));
    assertEquals(dir.toString(), System.getProperty("TENSORFLOW_LIBRARY_PATH"));
    assertEquals("true", System.getProperty("org.bytedeco.javacpp.pathsFirst"));
    assertEquals("true", System.getProperty("ai.djl.offline"));
    // What the process really mapped: every TensorFlow library from the cache, none from a
    // second extraction (JavaCPP's ~/.javacpp/cache, DJL's ~/.djl.ai).
    List<String> mapped = Files.readAllLines(Path.of("/proc/self/maps")).stream()
        .filter(l -> l.contains("tensorflow") && l.contains(".so"))
        .map(l -> l.substring(l.indexOf('/'))).distinct().toList();
    for (String lib : LIBRARIES) {
      assertTrue(mapped.contains(dir.resolve(lib).toString()), lib + " not mapped from " + dir
          + ": " + mapped);
    }
    assertTrue(mapped.stream().allMatch(p -> p.startsWith(dir.toString())), mapped.toString());
  }

  @Test
  void defaultCacheIsUnderHomeElseUnderTheTemporaryDirectory(@TempDir Path tmp) {
    String home = System.getProperty("user.home");
    String tmpdir = System.getProperty("java.io.tmpdir");
    try {
      System.setProperty("user.home", tmp.resolve("home").toString());
      assertEquals(tmp.resolve("home/.cache/agriscore"), TensorFlowNatives.defaultCacheRoot());
      // /proc refuses new directories, even to root.
      System.setProperty("user.home", "/proc/agriscore-test-home");
      System.setProperty("java.io.tmpdir", tmp.resolve("t").toString());
      assertEquals(tmp.resolve("t/agriscore-" + System.getProperty("user.name")),
          TensorFlowNatives.defaultCacheRoot());
    } finally {
      System.setProperty("user.home", home);
      System.setProperty("java.io.tmpdir", tmpdir);
    }
  }

  private static URL resource(String lib) {
    return TensorFlowNativesTest.class.getClassLoader().getResource(JAR_DIR + lib);
  }

  private static long jarEntrySize(String lib) throws Exception {
    return resource(lib).openConnection().getContentLengthLong();
  }

  /**
   * Hides some TensorFlow libraries from the classpath, or (stand-ins) serves them as files
   * already in place so that only the others get extracted.
   */
  private static final class FilteringLoader extends ClassLoader {
    private final List<String> hidden;
    private final boolean standIns;

    FilteringLoader(List<String> hidden, boolean standIns) {
      super(TensorFlowNativesTest.class.getClassLoader());
      this.hidden = hidden;
      this.standIns = standIns;
    }

    @Override
    public URL getResource(String name) {
      for (String lib : hidden) {
        if (name.equals(JAR_DIR + lib)) {
          return standIns ? standIn(lib) : null;
        }
      }
      return super.getResource(name);
    }

    private URL standIn(String lib) {
      try {
        Path empty = Files.createTempFile("standin-", lib);
        empty.toFile().deleteOnExit();
        return empty.toUri().toURL();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
