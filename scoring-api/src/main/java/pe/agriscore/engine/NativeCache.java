package pe.agriscore.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

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
 */
public final class NativeCache {

  /** The option (or system property) naming the cache directory. */
  public static final String CACHE_DIR = "agriscore.cache_dir";

  private NativeCache() {}

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
