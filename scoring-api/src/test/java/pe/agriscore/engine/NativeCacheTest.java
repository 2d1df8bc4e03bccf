package pe.agriscore.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class NativeCacheTest {

  @Test
  void theOptionWins() {
    EngineOptions o = EngineOptions.builder().set(NativeCache.CACHE_DIR, " /srv/cache ").build();
    assertEquals(Path.of("/srv/cache"), NativeCache.directory(o));
  }
}
