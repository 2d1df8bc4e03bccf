package pe.agriscore.engine.tf;

import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.net.URLConnection;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import pe.agriscore.engine.EngineConfig;
import pe.agriscore.engine.EngineException;
import pe.agriscore.engine.EngineOptions;
import pe.agriscore.engine.NativeCache;
import pe.agriscore.engine.internal.Natives;

/**
 * Starts TensorFlow in this JVM from the natives on the classpath, with no setup and no network.
 *
 * <p>The TensorFlow 2.16.1 natives come from {@code
 * org.tensorflow:tensorflow-core-native:1.0.0-rc.1:linux-x86_64} (632 MB of shared libraries).
 * The first start on a machine extracts them once into a cache directory; every later start, in
 * any JVM, loads them from there. Before DJL's TensorFlow engine initialises, this class points
 * it at that directory ({@code TENSORFLOW_LIBRARY_PATH}), makes JavaCPP load the libraries from
 * there instead of extracting them a second time ({@code org.bytedeco.javacpp.pathsFirst}), turns
 * DJL's downloads off ({@code ai.djl.offline}), fixes TensorFlow's thread pools and quiets its
 * C++ logging.
 *
 * <p>{@link TensorFlowEngine} calls it on every load; code that uses the {@code org.tensorflow}
 * graph API directly (the training pipeline) calls it first:
 *
 * <pre>{@code
 * TensorFlowNatives.ensureLoaded(EngineOptions.defaults());
 * try (Graph graph = new Graph(); Session session = new Session(graph)) {
 *   Ops tf = Ops.create(graph);
 *   ...
 * }
 * }</pre>
 *
 * <p><b>Cache directory</b> ({@value TensorFlowEngine#CACHE_DIR}): default {@code
 * ~/.cache/agriscore}, or {@code <java.io.tmpdir>/agriscore-<user>} when the home directory is not
 * writable. The libraries go into a sub-directory named after the native artifact and version,
 * so upgrades never mix files. A directory filled in advance (for example at image build time)
 * may be read-only. Concurrent first starts are safe: extraction holds a file lock, writes each
 * library under a temporary name and renames it atomically into place.
 *
 * <p><b>Process-wide effects</b> (all listed in {@code docs/natives.md}): the system properties
 * above, the extraction, libc's {@code setenv} of {@code TF_CPP_MIN_LOG_LEVEL}, and DJL's CUDA
 * probe skipped (see {@code Natives.skipCudaProbe}). Each is logged once at INFO. With the
 * option or system property {@value NativeCache#MANAGE}{@code =false} none of them happens: the
 * host sets {@code TENSORFLOW_LIBRARY_PATH}, {@code org.bytedeco.javacpp.pathsFirst=true} and
 * {@code ai.djl.offline=true} itself, and a missing one is refused by name.
 *
 * <p><b>Process-wide settings:</b> TensorFlow starts once per process. The options read here
 * ({@value TensorFlowEngine#INTRA_OP_THREADS}, {@value TensorFlowEngine#INTER_OP_THREADS},
 * {@value TensorFlowEngine#LOG_LEVEL}, the cache directory) take effect on the first call;
 * later calls with other values are logged and ignored.
 *
 * <p>Thread-safe; idempotent.
 */
public final class TensorFlowNatives {

  private static final Logger LOG = LoggerFactory.getLogger(TensorFlowNatives.class);

  /** The platform whose library names this class knows. */
  static final String SUPPORTED_PLATFORM = "linux-x86_64";

  /** The JNI library DJL and JavaCPP look for; the other two are its dependencies. */
  static final String JNI_LIBRARY = "libjnitensorflow.so";

  /** Everything the native jar holds for {@link #SUPPORTED_PLATFORM}, as it names the files. */
  static final List<String> LIBRARIES =
      List.of("libtensorflow_framework.so.2", "libtensorflow_cc.so.2", JNI_LIBRARY);

  private static final String RESOURCE_DIR = "org/tensorflow/internal/c_api/";
  private static final String NATIVE_POM =
      "META-INF/maven/org.tensorflow/tensorflow-core-native/pom.properties";
  private static final String NATIVES = "pe/agriscore/engine/tf/natives.properties";
  private static final String LIBRARY_PATH = "TENSORFLOW_LIBRARY_PATH";
  private static final String LOG_LEVEL_ENV = "TF_CPP_MIN_LOG_LEVEL";
  private static final String ONEDNN_ENV = "TF_ENABLE_ONEDNN_OPTS";
  private static final String PATHS_FIRST = "org.bytedeco.javacpp.pathsFirst";
  private static final String DJL_ENGINE = "TensorFlow";

  private static Started started;

  private TensorFlowNatives() {}

  /** What TensorFlow started with in this process: the settings every model then uses. */
  record Started(Path directory, int intraOpThreads, int interOpThreads, int logLevel,
      boolean oneDnn) {}

  /** The settings TensorFlow started with, or null before {@link #ensureLoaded}. */
  static synchronized Started started() {
    return started;
  }

  /**
   * Starts TensorFlow if this process has not yet: extracts the natives into the cache directory
   * unless they are already there, configures DJL and JavaCPP, and initialises DJL's TensorFlow
   * engine.
   *
   * @param options {@value TensorFlowEngine#CACHE_DIR}, {@value
   *     TensorFlowEngine#INTRA_OP_THREADS}, {@value TensorFlowEngine#INTER_OP_THREADS} and
   *     {@value TensorFlowEngine#LOG_LEVEL}; see {@link TensorFlowEngine} for their defaults
   * @return the directory TensorFlow's libraries were loaded from
   * @throws EngineException naming the artifact to add when the natives are missing or the
   *     platform unsupported, the directory when extraction or loading fails, or, with {@value
   *     NativeCache#MANAGE}{@code =false}, each setting the host has not made
   */
  public static synchronized Path ensureLoaded(EngineOptions options) {
    return ensureLoaded(EngineConfig.of(TensorFlowEngine.DESCRIPTOR, options));
  }

  /** As {@link #ensureLoaded(EngineOptions)}, with the options the core parsed for a load. */
  static synchronized Path ensureLoaded(EngineConfig config) {
    TensorFlowSettings settings = TensorFlowSettings.of(config);
    if (started != null) {
      warnIfIgnored(settings);
      return started.directory;
    }
    long t0 = System.nanoTime();
    Path dir;
    if (Natives.managed(config)) {
      dir = libraryDirectory(settings);
      configure(dir, settings);
      Natives.skipCudaProbe(config, classLoader());
    } else {
      dir = hostLibraryDirectory();
      LOG.info("{}=false: TensorFlow starts from {} as the host set it up; the engine changes"
          + " nothing in the process", NativeCache.MANAGE, dir);
    }
    try {
      ai.djl.engine.Engine engine = ai.djl.engine.Engine.getEngine(DJL_ENGINE);
      LOG.info("TensorFlow {} started from {} in {} ms (intra-op threads {}, inter-op threads {})",
          engine.getVersion(), dir, (System.nanoTime() - t0) / 1_000_000,
          settings.intraOpThreads(), settings.interOpThreads());
    } catch (RuntimeException | LinkageError e) {
      throw new EngineException("TensorFlow failed to start from the natives in " + dir + ": "
          + describe(e) + " (they come from " + artifact() + ")", e);
    }
    started = new Started(dir, settings.intraOpThreads(), settings.interOpThreads(),
        settings.logLevel(), settings.oneDnn());
    return dir;
  }

  /**
   * Extracts the natives into {@code cacheRoot} unless a complete copy is already there, safely
   * against other threads and processes doing the same. Does not load them.
   *
   * @param cacheRoot the AgriScore cache directory; the libraries go into a sub-directory named
   *     after the native artifact, e.g. {@code tensorflow-core-native-1.0.0-rc.1-linux-x86_64}
   * @return that sub-directory
   * @throws EngineException naming the artifact to add when the natives are not on the classpath
   *     or the platform is unsupported, or naming the directory when it cannot be written
   */
  public static Path extract(Path cacheRoot) {
    return extract(cacheRoot, platform(), classLoader());
  }

  /** {@link #extract(Path)} for a given platform and classpath. */
  static Path extract(Path cacheRoot, String platform, ClassLoader loader) {
    if (!SUPPORTED_PLATFORM.equals(platform)) {
      throw new EngineException("the TensorFlow engine runs on " + SUPPORTED_PLATFORM
          + " only (natives " + artifact() + "), not on " + platform + " ("
          + System.getProperty("os.name") + ", " + System.getProperty("os.arch") + ")");
    }
    URL[] sources = new URL[LIBRARIES.size()];
    long[] sizes = new long[LIBRARIES.size()];
    for (int i = 0; i < sources.length; i++) {
      sources[i] = loader.getResource(RESOURCE_DIR + platform + "/" + LIBRARIES.get(i));
      if (sources[i] == null) {
        throw new EngineException("TensorFlow's native library " + LIBRARIES.get(i)
            + " is not on the classpath: add the dependency " + artifact()
            + " (runtime scope, its own dependencies excluded; docs/natives.md, \"Choosing the"
            + " native dependency\", has the POM snippet)");
      }
      sizes[i] = contentLength(sources[i]);
    }
    Path dir = cacheRoot.toAbsolutePath().normalize()
        .resolve("tensorflow-core-native-" + nativeVersion(loader) + "-" + platform);
    if (complete(dir, sizes)) {
      return dir;
    }
    // One thread per JVM at a time: FileLock is held per process, not per thread.
    synchronized (TensorFlowNatives.class) {
      try {
        Files.createDirectories(dir);
        try (FileChannel lockFile = FileChannel.open(dir.resolve(".lock"),
            StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
          // Blocks while another process extracts; then finds its files complete.
          FileLock lock = lockFile.lock();
          try {
            for (int i = 0; i < sources.length; i++) {
              Path target = dir.resolve(LIBRARIES.get(i));
              if (!Files.isRegularFile(target) || Files.size(target) != sizes[i]) {
                copyAtomically(sources[i], target, sizes[i]);
              }
            }
          } finally {
            lock.release();
          }
        }
      } catch (IOException e) {
        throw new EngineException("cannot extract TensorFlow's natives into " + dir + ": " + e
            + "; set " + TensorFlowEngine.CACHE_DIR + " to a writable directory", e);
      }
    }
    return dir;
  }

  /** The platform as Maven classifiers name it, e.g. {@code linux-x86_64}. */
  static String platform() {
    String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
    String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
    String o = os.startsWith("linux") ? "linux"
        : os.startsWith("mac") ? "macosx"
        : os.startsWith("windows") ? "windows" : os.replace(' ', '_');
    String a = arch.equals("amd64") || arch.equals("x86_64") ? "x86_64"
        : arch.equals("aarch64") || arch.equals("arm64") ? "arm64" : arch;
    return o + "-" + a;
  }

  /** The Maven coordinates of the natives this engine needs. */
  static String artifact() {
    Properties p = ownNatives();
    return p.getProperty("groupId") + ":" + p.getProperty("artifactId") + ":"
        + p.getProperty("version") + ":" + SUPPORTED_PLATFORM;
  }

  /** The default cache directory (see {@link NativeCache}). */
  static Path defaultCacheRoot() {
    return Natives.directory(java.util.Optional.empty());
  }

  private static Path libraryDirectory(TensorFlowSettings settings) {
    String override = System.getenv(LIBRARY_PATH);
    if (override != null) {
      // DJL reads the environment before system properties, so this directory would win anyway.
      if (!Files.isRegularFile(Path.of(override, JNI_LIBRARY))) {
        throw new EngineException(LIBRARY_PATH + "=" + override + " is set in the environment"
            + " but holds no " + JNI_LIBRARY + ": unset it to use the natives of "
            + artifact());
      }
      LOG.info("loading TensorFlow from {}={} (set in the environment)", LIBRARY_PATH, override);
      return Path.of(override);
    }
    Path root = settings.cacheDir() != null ? settings.cacheDir() : defaultCacheRoot();
    return extract(root);
  }

  /**
   * With {@value NativeCache#MANAGE}{@code =false}: the directory the host named, after checking
   * that the host made every setting {@link #configure} would otherwise make and that TensorFlow
   * cannot start without (its log level and thread pools are the host's choice then).
   */
  private static Path hostLibraryDirectory() {
    List<String> missing = new ArrayList<>();
    String env = System.getenv(LIBRARY_PATH);
    String dir = env != null ? env : System.getProperty(LIBRARY_PATH);
    if (dir == null || !Files.isRegularFile(Path.of(dir, JNI_LIBRARY))) {
      missing.add(LIBRARY_PATH + " (environment variable or system property) naming a directory"
          + " that holds " + String.join(", ", LIBRARIES) + " from " + artifact()
          + (dir == null ? "" : "; " + dir + " holds no " + JNI_LIBRARY));
    }
    if (!Boolean.getBoolean(PATHS_FIRST)) {
      missing.add("system property " + PATHS_FIRST + "=true (else JavaCPP extracts a second"
          + " 630 MB copy of the libraries)");
    }
    if (!Natives.djlOffline()) {
      missing.add("system property " + Natives.DJL_OFFLINE + "=true or environment variable"
          + " DJL_OFFLINE=true (else DJL may download natives)");
    }
    Natives.requireHostSettings(TensorFlowEngine.NAME, missing);
    return Path.of(dir);
  }

  /** Everything DJL, JavaCPP and TensorFlow read once, when they start. */
  private static void configure(Path dir, TensorFlowSettings settings) {
    Natives.setSystemProperty(LIBRARY_PATH, dir.toString(),
        "DJL loads TensorFlow from the extracted natives");
    Natives.setSystemProperty(PATHS_FIRST, "true",
        "JavaCPP loads those files instead of extracting its own 630 MB copy");
    Natives.setSystemProperty(Natives.DJL_OFFLINE, "true", "DJL never downloads");
    // DJL creates TensorFlow's first context from these; its thread pools are process-wide.
    Natives.setSystemProperty(TensorFlowSettings.DJL_INTRA_OP,
        Integer.toString(settings.intraOpThreads()), TensorFlowEngine.INTRA_OP_THREADS);
    Natives.setSystemProperty(TensorFlowSettings.DJL_INTER_OP,
        Integer.toString(settings.interOpThreads()), TensorFlowEngine.INTER_OP_THREADS);
    setEnvironment(LOG_LEVEL_ENV, Integer.toString(settings.logLevel()),
        TensorFlowEngine.LOG_LEVEL, "TensorFlow will log at its default level");
    setEnvironment(ONEDNN_ENV, settings.oneDnn() ? "1" : "0", TensorFlowEngine.ONEDNN,
        "TensorFlow keeps its default kernels");
  }

  /**
   * TensorFlow reads TF_CPP_MIN_LOG_LEVEL and TF_ENABLE_ONEDNN_OPTS from the process environment
   * once, at its first message or kernel, and Java cannot change its own environment: so libc's
   * setenv is called through JNA before the libraries load. A value set by the operator is left
   * alone.
   */
  private static void setEnvironment(String name, String value, String option,
      String otherwise) {
    if (System.getenv(name) != null) {
      return;
    }
    LOG.info("setting environment variable {}={} through libc's setenv ({}; {}=false turns"
        + " this off)", name, value, option, NativeCache.MANAGE);
    try {
      Function setenv = NativeLibrary.getInstance(Platform.C_LIBRARY_NAME).getFunction("setenv");
      int rc = setenv.invokeInt(new Object[] {name, value, 0});
      if (rc != 0) {
        LOG.warn("setenv({}) failed ({}): {}", name, rc, otherwise);
      }
    } catch (RuntimeException | LinkageError e) {
      LOG.warn("cannot set {} ({}): {}", name, e.toString(), otherwise);
    }
  }

  private static void warnIfIgnored(TensorFlowSettings s) {
    if (s.intraOpThreads() != started.intraOpThreads
        || s.interOpThreads() != started.interOpThreads || s.logLevel() != started.logLevel
        || s.oneDnn() != started.oneDnn) {
      LOG.warn("TensorFlow already runs in this process with {}={}, {}={}, {}={}, {}={}; the"
              + " values {}, {}, {}, {} are ignored (TensorFlow reads them once per process)",
          TensorFlowEngine.INTRA_OP_THREADS, started.intraOpThreads,
          TensorFlowEngine.INTER_OP_THREADS, started.interOpThreads,
          TensorFlowEngine.LOG_LEVEL, started.logLevel, TensorFlowEngine.ONEDNN, started.oneDnn,
          s.intraOpThreads(), s.interOpThreads(), s.logLevel(), s.oneDnn());
    }
    if (s.cacheDir() != null
        && !started.directory.startsWith(s.cacheDir().toAbsolutePath().normalize())) {
      LOG.warn("TensorFlow already runs in this process from {}; {}={} is ignored",
          started.directory, TensorFlowEngine.CACHE_DIR, s.cacheDir());
    }
  }

  private static boolean complete(Path dir, long[] sizes) {
    try {
      for (int i = 0; i < sizes.length; i++) {
        Path f = dir.resolve(LIBRARIES.get(i));
        if (!Files.isRegularFile(f) || Files.size(f) != sizes[i]) {
          return false;
        }
      }
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static void copyAtomically(URL source, Path target, long size) throws IOException {
    LOG.info("extracting {} ({} MB) to {}", target.getFileName(), size >> 20, target.getParent());
    Path tmp = Files.createTempFile(target.getParent(), target.getFileName() + ".", ".tmp");
    try {
      try (InputStream in = source.openStream()) {
        long copied = Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
        if (copied != size) {
          throw new IOException("copied " + copied + " of " + size + " bytes from " + source);
        }
      }
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        ch.force(true);
      }
      if (tmp.getFileSystem().supportedFileAttributeViews().contains("posix")) {
        // Temporary files are private; the libraries may serve every user of a shared cache.
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
      }
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE,
          StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private static long contentLength(URL url) {
    try {
      URLConnection c = url.openConnection();
      long n = c.getContentLengthLong();
      if (n < 0) {
        throw new IOException("unknown size");
      }
      return n;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + url, e);
    }
  }

  /** The version of the native jar actually on the classpath (it names the cache directory). */
  private static String nativeVersion(ClassLoader loader) {
    String v = properties(loader, NATIVE_POM).getProperty("version");
    return v != null ? v : ownNatives().getProperty("version");
  }

  /**
   * This module's {@code natives.properties}, read through the class so that it is found in a
   * named module too (a class loader sees a module's package resources only if it is opened).
   */
  private static Properties ownNatives() {
    Properties p = new Properties();
    try (InputStream in = TensorFlowNatives.class.getResourceAsStream("/" + NATIVES)) {
      if (in == null) {
        throw new IllegalStateException(NATIVES + " is missing from the engine's jar");
      }
      p.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + NATIVES, e);
    }
    return p;
  }

  private static Properties properties(ClassLoader loader, String resource) {
    Properties p = new Properties();
    try (InputStream in = loader.getResourceAsStream(resource)) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + resource, e);
    }
    return p;
  }

  private static ClassLoader classLoader() {
    return TensorFlowNatives.class.getClassLoader();
  }

  private static String describe(Throwable e) {
    StringBuilder sb = new StringBuilder(String.valueOf(e.getMessage()));
    Throwable c = e.getCause();
    for (int depth = 0; c != null && depth < 5; depth++, c = c.getCause()) {
      sb.append("; caused by ").append(c);
    }
    return sb.toString();
  }
}
