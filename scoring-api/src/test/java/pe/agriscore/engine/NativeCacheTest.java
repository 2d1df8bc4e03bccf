package pe.agriscore.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NativeCacheTest {

  @TempDir Path tmp;

  @Test
  void theOptionWins() {
    EngineOptions o = EngineOptions.builder().set(NativeCache.CACHE_DIR, " /srv/cache ").build();
    assertEquals(Path.of("/srv/cache"), NativeCache.directory(o));
  }

  @Test
  void homeCacheByDefault() {
    Path home = tmp.resolve("home");
    assertEquals(home.resolve(".cache/agriscore"),
        NativeCache.defaultDirectory(home, tmp.resolve("t"), "ana"));
  }

  @Test
  void tmpWhenHomeCannotBeWritten() {
    // /proc refuses new directories even to root.
    Path home = Path.of("/proc/agriscore-test-home");
    assertEquals(tmp.resolve("t/agriscore-ana"),
        NativeCache.defaultDirectory(home, tmp.resolve("t"), "ana"));
  }

  @Test
  void aRegularFileInTheWayIsNotWritable() throws Exception {
    Path home = Files.createFile(tmp.resolve("home"));
    assertEquals(tmp.resolve("t/agriscore-ana"),
        NativeCache.defaultDirectory(home, tmp.resolve("t"), "ana"));
  }
}
