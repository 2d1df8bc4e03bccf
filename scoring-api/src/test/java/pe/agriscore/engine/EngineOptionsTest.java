package pe.agriscore.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class EngineOptionsTest {

  @Test
  void explicitValuesWinOverSystemPropertiesWhichWinOverDefaults() {
    String key = "agriscore.test.option." + System.nanoTime();
    EngineOptions none = EngineOptions.defaults();
    assertEquals(7, none.getInt(key, 7));
    System.setProperty(key, "3");
    try {
      assertEquals(3, none.getInt(key, 7));
      assertEquals(5, EngineOptions.builder().set(key, " 5 ").build().getInt(key, 7));
    } finally {
      System.clearProperty(key);
    }
  }

  @Test
  void aNonIntegerIsRefusedNamingTheKey() {
    EngineOptions o = EngineOptions.builder().set("pytorch.num_threads", "two").build();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> o.getInt("pytorch.num_threads", 1));
    assertEquals("engine option 'pytorch.num_threads' must be an integer, got 'two'",
        e.getMessage());
  }

  @Test
  void booleansAreStrict() {
    EngineOptions o = EngineOptions.builder().set("a", "TRUE").set("b", "yes").build();
    assertTrue(o.getBoolean("a", false));
    assertTrue(o.getBoolean("missing", true));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> o.getBoolean("b", false));
    assertEquals("engine option 'b' must be true or false, got 'yes'", e.getMessage());
  }

  @Test
  void optionsAreImmutableAndSorted() {
    EngineOptions o = EngineOptions.builder().setAll(Map.of("b", "2", "a", "1")).build();
    assertEquals("[a, b]", o.asMap().keySet().toString());
    assertThrows(UnsupportedOperationException.class, () -> o.asMap().put("c", "3"));
    assertEquals(Optional.of("1"), o.get("a"));
  }

  @Test
  void enginesAreFoundByName() {
    assertTrue(Engines.available().containsKey("scorecard"));
    assertEquals("scorecard", Engines.find("scorecard").name());
  }
}
