package pe.agriscore.engine.pt;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.pytorch.jni.LibUtils;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import pe.agriscore.engine.EngineConfig;
import pe.agriscore.engine.EngineException;
import pe.agriscore.engine.NativeCache;
import pe.agriscore.engine.internal.Natives;

/**
 * Starts libtorch once per JVM, offline, from the classpath natives.
 *
 * <p>DJL reads its settings from system properties when its PyTorch engine starts, and libtorch
 * itself keeps thread pools per process, so everything here is process-wide and decided by the
 * first load. Later loads asking for other values are told so in the log. Every process-wide step
 * is logged once at INFO and listed in {@code docs/natives.md}; with {@value
 * NativeCache#MANAGE}{@code =false} none is taken and the host's DJL settings are checked instead.
 */
final class NativeRuntime {

  private static final Logger LOG = LoggerFactory.getLogger(NativeRuntime.class);

  /** DJL's engine name. */
  static final String DJL_ENGINE = "PyTorch";

  /** What DJL reads to place extracted natives ({@code <dir>/pytorch/...}); env wins over it. */
  static final String DJL_ENGINE_CACHE_DIR = "ENGINE_CACHE_DIR";

  private static final String JAVA_LIBRARY_PATH = "java.library.path";

  private static volatile Running running;

  /** Whether {@link #prepareCallingThread} ran on this thread. */
  private static final ThreadLocal<Boolean> THREAD_PREPARED = new ThreadLocal<>();

  private NativeRuntime() {}

  /**
   * What the process runs with.
   *
   * @param settings the settings of the load that started libtorch
   * @param libtorchDir where libtorch was extracted and loaded from
   * @param intraOpThreads libtorch's intra-op threads, as libtorch reports them
   * @param interOpThreads libtorch's inter-op threads, as libtorch reports them
   */
  record Running(PyTorchSettings settings, Path libtorchDir, int intraOpThreads,
      int interOpThreads) {}

  /**
   * Starts libtorch if this JVM has not yet, else checks {@code requested} against what runs.
   *
   * @throws EngineException if the natives are missing (naming the artifact) or fail to load
   */
  static synchronized Running start(PyTorchSettings requested, EngineConfig config) {
    if (running != null) {
      warnIfDifferent(requested);
      return running;
    }
    ClassLoader loader = NativeRuntime.class.getClassLoader();
    NativeLibraries natives =
        NativeLibraries.check(loader, NativeLibraries.systemClassifier(), System.getenv());
    boolean managed = Natives.managed(config);
    if (managed) {
      configureDjl(requested, natives);
      Natives.skipCudaProbe(config, loader);
    } else {
      requireHostSettings(requested);
      LOG.info("{}=false: libtorch starts as the host set DJL up; the engine changes nothing in"
          + " the process", NativeCache.MANAGE);
    }
    // DJL finds natives through the thread context class loader; in containers that loader may
    // not see this module's dependencies, so point it at ours while DJL starts.
    Thread thread = Thread.currentThread();
    ClassLoader previous = thread.getContextClassLoader();
    thread.setContextClassLoader(loader);
    // DJL takes any libtorch on java.library.path over the classpath's; hide those directories
    // while it looks. The JVM's own library search read the property at startup, so only DJL
    // sees the change, and only for these lines.
    String libraryPath = System.getProperty(JAVA_LIBRARY_PATH, "");
    String hidden = NativeLibraries.withoutLibtorch(libraryPath);
    if (managed && !hidden.equals(libraryPath)) {
      LOG.info("ignoring the libtorch in java.library.path ({}): AgriScore loads libtorch {}"
          + " from the classpath", libraryPath, natives.version());
      System.setProperty(JAVA_LIBRARY_PATH, hidden);
    }
    try {
      Engine.getEngine(DJL_ENGINE);
    } catch (RuntimeException | LinkageError e) {
      throw new EngineException("libtorch " + natives.version() + " (" + natives.classifier()
          + ") failed to start: " + rootMessage(e), e);
    } finally {
      if (managed) {
        System.setProperty(JAVA_LIBRARY_PATH, libraryPath);
      }
      thread.setContextClassLoader(previous);
    }
    running = new Running(requested, Path.of(LibUtils.getLibtorchPath()),
        JniUtils.getNumThreads(), JniUtils.getNumInteropThreads());
    LOG.info("libtorch {} started from {} ({} intra-op, {} inter-op threads, graph optimizer {})",
        natives.version(), running.libtorchDir(), running.intraOpThreads(),
        running.interOpThreads(), requested.graphOptimizer() ? "on" : "off");
    return running;
  }

  /**
   * Gives the calling thread libtorch's intra-op thread count; once per thread, before its first
   * forward call.
   *
   * <p>{@code at::set_num_threads}, which DJL calls once on the thread that starts the engine, sets
   * OpenMP's {@code nthreads-var} and MKL's thread count only for the calling thread (OpenMP ICVs
   * and {@code mkl_set_num_threads_local} are per thread). libtorch applies the count to another
   * thread lazily, when that thread first reaches a parallel ATen loop, which the small tensors of
   * a tabular model never do. Without this, every other caller thread runs MKL's {@code sgemm}
   * with OpenMP's default team (one thread per CPU), whose different split of a batch rounds
   * differently, so the same row could score a few ULPs apart depending on the calling thread.
   */
  static void prepareCallingThread() {
    if (THREAD_PREPARED.get() == null) {
      JniUtils.setNumThreads(running.settings().numThreads());
      THREAD_PREPARED.set(Boolean.TRUE);
    }
  }

  /** What runs, or empty before the first load. */
  static synchronized Optional<Running> running() {
    return Optional.ofNullable(running);
  }

  /**
   * With {@value NativeCache#MANAGE}{@code =false}: refuses to start unless the host made every
   * setting {@link #configureDjl} would otherwise make, with the values this load asks for.
   */
  private static void requireHostSettings(PyTorchSettings s) {
    List<String> missing = new ArrayList<>();
    if (!Natives.djlOffline()) {
      missing.add("system property " + Natives.DJL_OFFLINE + "=true or environment variable"
          + " DJL_OFFLINE=true (else DJL may download natives)");
    }
    requireProperty(missing, PyTorchSettings.DJL_NUM_THREADS, Integer.toString(s.numThreads()));
    requireProperty(missing, PyTorchSettings.DJL_NUM_INTEROP_THREADS,
        Integer.toString(s.numInteropThreads()));
    requireProperty(missing, PyTorchSettings.DJL_GRAPH_OPTIMIZER,
        Boolean.toString(s.graphOptimizer()));
    if (s.cacheDir().isPresent()) {
      String env = System.getenv(DJL_ENGINE_CACHE_DIR);
      String actual = env != null ? env : System.getProperty(DJL_ENGINE_CACHE_DIR);
      if (actual == null || !Path.of(actual).toAbsolutePath().normalize()
          .equals(s.cacheDir().get())) {
        missing.add(DJL_ENGINE_CACHE_DIR + "=" + s.cacheDir().get() + " as "
            + PyTorchEngine.CACHE_DIR + " asks" + (actual == null ? "" : " (it is " + actual + ")"));
      }
    }
    String libraryPath = System.getProperty(JAVA_LIBRARY_PATH, "");
    if (!NativeLibraries.withoutLibtorch(libraryPath).equals(libraryPath)) {
      missing.add(JAVA_LIBRARY_PATH + " without the directories holding another libtorch (it is "
          + libraryPath + "; DJL would load that libtorch with a JNI library built for 2.7.1)");
    }
    Natives.requireHostSettings(PyTorchEngine.NAME, missing);
  }

  private static void requireProperty(List<String> missing, String key, String value) {
    String actual = System.getProperty(key);
    if (!value.equals(actual)) {
      missing.add("system property " + key + "=" + value
          + (actual == null ? "" : " (it is " + actual + ")"));
    }
  }

  private static void configureDjl(PyTorchSettings s, NativeLibraries natives) {
    // Models and natives never come from the network; DJL's model zoo and telemetry obey this.
    Natives.setSystemProperty(Natives.DJL_OFFLINE, "true", "DJL never downloads");
    String envOffline = System.getenv("DJL_OFFLINE");
    if (envOffline != null && !Boolean.parseBoolean(envOffline)) {
      LOG.warn("DJL_OFFLINE={} in the environment overrides ai.djl.offline=true for DJL; the"
          + " natives are still taken only from the classpath", envOffline);
    }
    Natives.setSystemProperty(PyTorchSettings.DJL_NUM_THREADS,
        Integer.toString(s.numThreads()), PyTorchEngine.NUM_THREADS);
    Natives.setSystemProperty(PyTorchSettings.DJL_NUM_INTEROP_THREADS,
        Integer.toString(s.numInteropThreads()), PyTorchEngine.NUM_INTEROP_THREADS);
    // DJL re-applies this on every forward call, on the calling thread: libtorch keeps the flag
    // per thread, and the default (true) would otherwise hold on every caller thread.
    Natives.setSystemProperty(PyTorchSettings.DJL_GRAPH_OPTIMIZER,
        Boolean.toString(s.graphOptimizer()), PyTorchEngine.GRAPH_OPTIMIZER);

    Map<String, String> env = System.getenv();
    Path cache = s.cacheDir().orElse(null);
    if (cache == null && System.getProperty(DJL_ENGINE_CACHE_DIR) == null
        && !env.containsKey(DJL_ENGINE_CACHE_DIR)) {
      cache = Natives.directory(Optional.empty());
    }
    if (cache != null) {
      try {
        Files.createDirectories(cache);
      } catch (IOException e) {
        throw new EngineException("cannot create the native cache directory " + cache + " ("
            + PyTorchEngine.CACHE_DIR + "): " + e, e);
      }
      if (!Files.isWritable(cache)) {
        // A read-only cache is fine once libtorch is extracted there (a container image's
        // build step does it: docs/deployment.md); DJL then only reads it.
        Path libtorch = cache.resolve("pytorch").resolve(natives.version() + "-"
            + natives.flavor() + "-" + natives.classifier());
        if (!Files.isDirectory(libtorch)) {
          throw new EngineException("the native cache directory " + cache + " ("
              + PyTorchEngine.CACHE_DIR + ") is not writable and holds no extracted libtorch ("
              + libtorch + ")");
        }
        LOG.info("the native cache directory {} ({}) is read-only: libtorch is loaded from {},"
            + " extracted there before", cache, PyTorchEngine.CACHE_DIR, libtorch);
      }
      if (env.containsKey(DJL_ENGINE_CACHE_DIR)) {
        LOG.warn("{}={} in the environment overrides {}={} for DJL", DJL_ENGINE_CACHE_DIR,
            env.get(DJL_ENGINE_CACHE_DIR), PyTorchEngine.CACHE_DIR, cache);
      }
      Natives.setSystemProperty(DJL_ENGINE_CACHE_DIR, cache.toString(),
          "DJL extracts libtorch under " + PyTorchEngine.CACHE_DIR);
    }
  }

  private static void warnIfDifferent(PyTorchSettings requested) {
    PyTorchSettings active = running.settings();
    if (requested.numThreads() != active.numThreads()
        || requested.numInteropThreads() != active.numInteropThreads()
        || requested.graphOptimizer() != active.graphOptimizer()
        || (requested.cacheDir().isPresent() && !requested.cacheDir().equals(active.cacheDir()))) {
      LOG.warn("libtorch already runs in this JVM with {}={}, {}={}, {}={}, natives in {};"
              + " the values asked for now ({}, {}, {}, {}) are process-wide and take effect only"
              + " at the first load", PyTorchEngine.NUM_THREADS, active.numThreads(),
          PyTorchEngine.NUM_INTEROP_THREADS, active.numInteropThreads(),
          PyTorchEngine.GRAPH_OPTIMIZER, active.graphOptimizer(), running.libtorchDir(),
          requested.numThreads(), requested.numInteropThreads(), requested.graphOptimizer(),
          requested.cacheDir().map(Path::toString).orElse("default cache"));
    }
  }

  static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t == e ? String.valueOf(e.getMessage()) : e.getMessage() + " (" + t + ")";
  }
}
