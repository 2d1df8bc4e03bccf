package pe.agriscore.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/**
 * The one directory where AgriScore's engines extract the native libraries they carry in their
 * jars (TensorFlow, libtorch): extracted once, reused by every later start; and the switches
 * every native engine honours.
 *
 * <p>Set the directory with the option or system property {@value #CACHE_DIR}; by default it is
 * {@code ~/.cache/agriscore}, or {@code <java.io.tmpdir>/agriscore-<user>} when the home
 * directory cannot be written (a locked-down service account, a read-only container image).
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

  private NativeCache() {}

  /** The shared keys every engine's configuration knows, read or not. */
  static final Set<String> SHARED_KEYS = Set.of(CACHE_DIR, MANAGE, SKIP_CUDA_PROBE);

  /**
   * The directory the engines extract natives to with {@code options}: {@value #CACHE_DIR} if
   * set, else the default described above.
   */
  public static Path directory(EngineOptions options) {
    return options.get(CACHE_DIR).map(String::trim).filter(s -> !s.isEmpty()).map(Path::of)
        .orElseGet(() -> defaultDirectory(Path.of(System.getProperty("user.home")),
            Path.of(System.getProperty("java.io.tmpdir")),
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
