package pe.agriscore.engine.internal;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import pe.agriscore.engine.EngineConfig;
import pe.agriscore.engine.EngineException;
import pe.agriscore.engine.EngineOption;
import pe.agriscore.engine.EngineOptions;
import pe.agriscore.engine.NativeCache;

/**
 * What AgriScore's native engines share to set up their natives: the shared options, the cache
 * directory, and every process-wide step, each logged once and listed in {@code docs/natives.md}.
 * Not a public API: exported only to the engine modules (the module's {@code exports ... to}).
 */
public final class Natives {

  /** The cache directory option ({@value NativeCache#CACHE_DIR}). */
  public static final EngineOption<Path> CACHE_DIR = EngineOption.path(NativeCache.CACHE_DIR);

  /** Whether engines may change process-wide state ({@value NativeCache#MANAGE}). */
  public static final EngineOption<Boolean> MANAGE =
      EngineOption.bool(NativeCache.MANAGE).defaultTo(true);

  /** Whether DJL's CUDA probe is skipped ({@value NativeCache#SKIP_CUDA_PROBE}). */
  public static final EngineOption<Boolean> SKIP_CUDA_PROBE =
      EngineOption.bool(NativeCache.SKIP_CUDA_PROBE).defaultTo(true);

  /** The shared options, for the descriptors of the engines that read them. */
  public static final List<EngineOption<?>> SHARED_OPTIONS =
      List.of(CACHE_DIR, MANAGE, SKIP_CUDA_PROBE);

  /** DJL's offline switch; both engines set it to true when {@value NativeCache#MANAGE} is on. */
  public static final String DJL_OFFLINE = "ai.djl.offline";

  /** DJL's switch: set while its CUDA probe class initialises, it loads no CUDA runtime. */
  private static final String DJL_CUDA_FORK = "ai.djl.util.cuda.fork";

  private static final String DJL_CUDA_UTILS = "ai.djl.util.cuda.CudaUtils";

  private static final Logger LOG = LoggerFactory.getLogger(Natives.class);

  /** Whether {@link #skipCudaProbe} already ran in this JVM (both engines call it). */
  private static boolean cudaProbeHandled;

  private Natives() {}

  /** Whether the engines may change process-wide state ({@value NativeCache#MANAGE}). */
  public static boolean managed(EngineConfig config) {
    return config.get(MANAGE);
  }

  /**
   * Sets a system property the natives read at start, logging it once at INFO with the reason:
   * every process-wide step an engine takes goes through here or is logged alike.
   */
  public static void setSystemProperty(String key, String value, String why) {
    String previous = System.getProperty(key);
    if (!value.equals(previous)) {
      LOG.info("setting system property {}={} ({}; {}=false turns this off)", key, value, why,
          NativeCache.MANAGE);
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
   * Refuses to start an engine whose host turned {@value NativeCache#MANAGE} off but did not make
   * every setting the engine would otherwise have made.
   *
   * @param engine the engine's name, e.g. {@code tensorflow}
   * @param missing what the host still has to set, one entry per setting with its reason, e.g.
   *     {@code "system property ai.djl.offline=true (DJL must not download)"}; empty to pass
   * @throws EngineException listing every missing setting
   */
  public static void requireHostSettings(String engine, List<String> missing) {
    if (!missing.isEmpty()) {
      throw new EngineException("the " + engine + " engine runs with " + NativeCache.MANAGE
          + "=false, so it changes nothing in the process and needs the host to set, before the"
          + " first load: " + String.join("; ", missing) + " (or remove " + NativeCache.MANAGE
          + "=false; see docs/natives.md)");
    }
  }

  /**
   * Keeps DJL from probing for CUDA, once per JVM, when {@value NativeCache#SKIP_CUDA_PROBE} and
   * {@value NativeCache#MANAGE} allow it. AgriScore's natives are CPU builds, yet DJL loads
   * {@code libcudart} when it finds one and calls {@code cudaGetDeviceCount}, which on a machine
   * with the CUDA toolkit but no GPU driver logs {@code WARN Failed to detect GPU count} at every
   * engine start. DJL's {@code CudaUtils} loads no CUDA runtime if {@value #DJL_CUDA_FORK} is set
   * while it initialises; the property is removed right after, so DJL then reports zero GPUs
   * without probing (and without forking the probe process that property otherwise asks for).
   *
   * @param loader the class loader that sees DJL
   */
  public static synchronized void skipCudaProbe(EngineConfig config, ClassLoader loader) {
    if (cudaProbeHandled || !managed(config) || !config.get(SKIP_CUDA_PROBE)
        || System.getProperty(DJL_CUDA_FORK) != null) {
      return; // done, or the host decides, or already has
    }
    cudaProbeHandled = true;
    LOG.info("initialising DJL's {} with no CUDA runtime (AgriScore's natives are CPU builds;"
        + " {}=false lets DJL probe for GPUs)", DJL_CUDA_UTILS, NativeCache.SKIP_CUDA_PROBE);
    System.setProperty(DJL_CUDA_FORK, "true");
    try {
      Class.forName(DJL_CUDA_UTILS, true, loader);
    } catch (ClassNotFoundException e) {
      LOG.debug("{} is not on the classpath: nothing to skip", DJL_CUDA_UTILS);
    } finally {
      System.clearProperty(DJL_CUDA_FORK);
    }
  }

  /** The directory set with {@value NativeCache#CACHE_DIR}, if any. */
  public static Optional<Path> configured(EngineConfig config) {
    return config.find(CACHE_DIR);
  }

  /** The configured directory, else the default described in {@link NativeCache}. */
  public static Path directory(Optional<Path> configured) {
    return configured.orElseGet(() -> NativeCache.directory(EngineOptions.defaults()));
  }
}
