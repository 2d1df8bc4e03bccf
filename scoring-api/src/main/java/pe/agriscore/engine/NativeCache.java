package pe.agriscore.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one directory where AgriScore's engines extract the native libraries they carry in their
 * jars (TensorFlow, libtorch): extracted once, reused by every later start.
 *
 * <p>Set it with the option or system property {@value #CACHE_DIR}; by default it is {@code
 * ~/.cache/agriscore}, or {@code <java.io.tmpdir>/agriscore-<user>} when the home directory
 * cannot be written (a locked-down service account, a read-only container image).
 *
 * <pre>{@code
 * EngineOptions options = EngineOptions.builder()
 *     .set(NativeCache.CACHE_DIR, "/var/cache/agriscore")
 *     .build();
 * Path dir = NativeCache.directory(options);
 * }</pre>
 *
 * <p><b>Process-wide effects.</b> By default the engines set up their natives themselves (system
 * properties, extraction, TensorFlow's log level, DJL's CUDA probe: the full list is in {@code
 * docs/natives.md}). A host that manages natives itself sets {@value #MANAGE} to {@code false}:
 * the engines then change nothing in the process and refuse to start, naming each setting the
 * host still has to make.
 */
public final class NativeCache {

  /** The option (or system property) naming the cache directory. */
  public static final String CACHE_DIR = "agriscore.cache_dir";

  /**
   * The option (or system property) that lets the engines change process-wide state to set up
   * their natives: {@code true} (the default) or {@code false}.
   */
  public static final String MANAGE = "agriscore.natives.manage";

  /**
   * The option (or system property) that keeps DJL from probing for CUDA: {@code true} (the
   * default while {@value #MANAGE} is on) or {@code false}.
   */
  public static final String SKIP_CUDA_PROBE = "agriscore.natives.skip_cuda_probe";

  /** DJL's offline switch; both engines set it to true when {@value #MANAGE} is on. */
  public static final String DJL_OFFLINE = "ai.djl.offline";

  /** DJL's switch: set while its CUDA probe class initialises, it loads no CUDA runtime. */
  private static final String DJL_CUDA_FORK = "ai.djl.util.cuda.fork";

  private static final String DJL_CUDA_UTILS = "ai.djl.util.cuda.CudaUtils";

  private static final Logger LOG = LoggerFactory.getLogger(NativeCache.class);

  /** Whether {@link #skipCudaProbe} already ran in this JVM (both engines call it). */
  private static boolean cudaProbeHandled;

  private NativeCache() {}

  /**
   * Whether the engines may change process-wide state ({@value #MANAGE}, default true).
   *
   * @throws IllegalArgumentException if the value is neither true nor false
   */
  public static boolean managed(EngineOptions options) {
    return options.getBoolean(MANAGE, true);
  }

  /**
   * Sets a system property the natives read at start, logging it once at INFO with the reason:
   * every process-wide step an engine takes goes through here or is logged alike.
   */
  public static void setSystemProperty(String key, String value, String why) {
    String previous = System.getProperty(key);
    if (!value.equals(previous)) {
      LOG.info("setting system property {}={} ({}; {}=false turns this off)", key, value, why,
          MANAGE);
      System.setProperty(key, value);
    }
  }

  /**
   * Whether DJL runs offline, read as DJL reads it: the environment variable {@code DJL_OFFLINE}
   * if set, else the system property {@code ai.djl.offline}.
   */
  public static boolean djlOffline() {
    String env = System.getenv("DJL_OFFLINE");
    return Boolean.parseBoolean(env != null ? env : System.getProperty(DJL_OFFLINE));
  }

  /**
   * Refuses to start an engine whose host turned {@value #MANAGE} off but did not make every
   * setting the engine would otherwise have made.
   *
   * @param engine the engine's name, e.g. {@code tensorflow}
   * @param missing what the host still has to set, one entry per setting with its reason, e.g.
   *     {@code "system property ai.djl.offline=true (DJL must not download)"}; empty to pass
   * @throws EngineException listing every missing setting
   */
  public static void requireHostSettings(String engine, List<String> missing) {
    if (!missing.isEmpty()) {
      throw new EngineException("the " + engine + " engine runs with " + MANAGE + "=false, so it"
          + " changes nothing in the process and needs the host to set, before the first load: "
          + String.join("; ", missing) + " (or remove " + MANAGE + "=false; see docs/natives.md)");
    }
  }

  /**
   * Keeps DJL from probing for CUDA, once per JVM, when {@value #SKIP_CUDA_PROBE} and {@value
   * #MANAGE} allow it. AgriScore's natives are CPU builds, yet DJL loads {@code libcudart} when it
   * finds one and calls {@code cudaGetDeviceCount}, which on a machine with the CUDA toolkit but
   * no GPU driver logs {@code WARN Failed to detect GPU count} at every engine start. DJL's
   * {@code CudaUtils} loads no CUDA runtime if {@value #DJL_CUDA_FORK} is set while it
   * initialises; the property is removed right after, so DJL then reports zero GPUs without
   * probing (and without forking the probe process that property otherwise asks for).
   *
   * @param loader the class loader that sees DJL
   */
  public static synchronized void skipCudaProbe(EngineOptions options, ClassLoader loader) {
    if (cudaProbeHandled || !managed(options) || !options.getBoolean(SKIP_CUDA_PROBE, true)
        || System.getProperty(DJL_CUDA_FORK) != null) {
      return; // done, or the host decides, or already has
    }
    cudaProbeHandled = true;
    LOG.info("initialising DJL's {} with no CUDA runtime (AgriScore's natives are CPU builds;"
        + " {}=false lets DJL probe for GPUs)", DJL_CUDA_UTILS, SKIP_CUDA_PROBE);
    System.setProperty(DJL_CUDA_FORK, "true");
    try {
      Class.forName(DJL_CUDA_UTILS, true, loader);
    } catch (ClassNotFoundException e) {
      LOG.debug("{} is not on the classpath: nothing to skip", DJL_CUDA_UTILS);
    } finally {
      System.clearProperty(DJL_CUDA_FORK);
    }
  }

  /** The directory set with {@value #CACHE_DIR}, if any. */
  public static Optional<Path> configured(EngineOptions options) {
    return options.get(CACHE_DIR).map(String::trim).filter(s -> !s.isEmpty()).map(Path::of);
  }

  /** The configured directory, else the default described in the class documentation. */
  public static Path directory(EngineOptions options) {
    return configured(options).orElseGet(() -> defaultDirectory(
        Path.of(System.getProperty("user.home")), Path.of(System.getProperty("java.io.tmpdir")),
        System.getProperty("user.name", "user")));
  }

  static Path defaultDirectory(Path home, Path tmp, String user) {
    Path preferred = home.resolve(".cache").resolve("agriscore");
    return canCreateOrWrite(preferred) ? preferred : tmp.resolve("agriscore-" + user);
  }

  /** Creates {@code dir} if needed; true if it then exists and is writable. */
  static boolean canCreateOrWrite(Path dir) {
    try {
      Files.createDirectories(dir);
      return Files.isWritable(dir);
    } catch (IOException | SecurityException e) {
      return false; // permission, read-only file system, or a file in the way: use the fallback
    }
  }
}
