package pe.agriscore.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The options map, and how the core parses it against an engine's declarations. */
class EngineOptionsTest {

  private static final EngineOption<Integer> THREADS =
      EngineOption.integer("demo.threads").between(0, 8).defaultTo(2);
  private static final EngineOption<Integer> POOL =
      EngineOption.integer("demo.pool").atLeast(1).defaultTo(() -> 3, "three");
  private static final EngineOption<Boolean> FAST = EngineOption.bool("demo.fast").defaultTo(false);
  private static final EngineOption<String> LABEL = EngineOption.text("demo.label");
  private static final EngineDescriptor DEMO =
      EngineDescriptor.of("demo", "com.example:demo", Set.of("demo-format"),
          List.of(THREADS, POOL, FAST, LABEL));

  private static EngineConfig parse(EngineOptions options) {
    return EngineConfig.of(DEMO, options);
  }

  private static EngineOptions of(String... keyValues) {
    EngineOptions.Builder b = EngineOptions.builder();
    for (int i = 0; i < keyValues.length; i += 2) {
      b.set(keyValues[i], keyValues[i + 1]);
    }
    return b.build();
  }

  @Test
  void explicitValuesWinOverSystemPropertiesWhichWinOverFallbacksAndDefaults() {
    String key = "agriscoretest.option" + System.nanoTime() % 1000;
    String djl = "agriscoretest.djl" + System.nanoTime() % 1000;
    EngineOption<Integer> o = EngineOption.integer("x" + key).orSystemProperty(djl).defaultTo(7);
    EngineDescriptor d = EngineDescriptor.of("x", "g:a", Set.of("f"), List.of(o));
    assertEquals(7, EngineConfig.of(d, EngineOptions.defaults()).get(o));
    System.setProperty(djl, "4");
    try {
      assertEquals(4, EngineConfig.of(d, EngineOptions.defaults()).get(o));
      System.setProperty(o.key(), "3");
      assertEquals(3, EngineConfig.of(d, EngineOptions.defaults()).get(o));
      assertEquals(5, EngineConfig.of(d, of(o.key(), " 5 ")).get(o));
    } finally {
      System.clearProperty(djl);
      System.clearProperty(o.key());
    }
  }

  @Test
  void defaultsApplyAndUnsetOptionsWithoutDefaultAreEmpty() {
    EngineConfig c = parse(EngineOptions.defaults());
    assertEquals(2, c.get(THREADS));
    assertEquals(3, c.get(POOL));
    assertEquals(false, c.get(FAST));
    assertEquals(Optional.empty(), c.find(LABEL));
    assertTrue(!c.isSet(THREADS));
    assertTrue(parse(of("demo.threads", "4")).isSet(THREADS));
    assertThrows(IllegalStateException.class, () -> c.get(LABEL));
  }

  @Test
  void aNonIntegerIsRefusedNamingTheKey() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> parse(of("demo.threads", "two")));
    assertEquals("engine option 'demo.threads' must be an integer, got 'two'", e.getMessage());
  }

  @Test
  void valuesOutOfRangeAreRefusedNamingKeyAndRule() {
    IllegalArgumentException high = assertThrows(IllegalArgumentException.class,
        () -> parse(of("demo.threads", "9")));
    assertEquals("engine option 'demo.threads' must be between 0 and 8, got 9",
        high.getMessage());
    IllegalArgumentException low = assertThrows(IllegalArgumentException.class,
        () -> parse(of("demo.pool", "0")));
    assertEquals("engine option 'demo.pool' must be >= 1, got 0", low.getMessage());
    assertEquals(8, parse(of("demo.threads", "8")).get(THREADS));
    assertEquals(0, parse(of("demo.threads", "0")).get(THREADS));
  }

  @Test
  void booleansAreStrict() {
    assertTrue(parse(of("demo.fast", "TRUE")).get(FAST));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> parse(of("demo.fast", "yes")));
    assertEquals("engine option 'demo.fast' must be true or false, got 'yes'", e.getMessage());
  }

  @Test
  void unknownKeysOfTheEnginesAndTheSharedNamespaceAreRefusedOthersLeftForOtherEngines() {
    IllegalArgumentException typo = assertThrows(IllegalArgumentException.class,
        () -> parse(of("demo.thread", "1")));
    assertTrue(typo.getMessage().startsWith("unknown engine option 'demo.thread' for engine"
        + " 'demo' (com.example:demo), which reads [demo.fast, demo.label, demo.pool,"
        + " demo.threads]"), typo.getMessage());
    IllegalArgumentException shared = assertThrows(IllegalArgumentException.class,
        () -> parse(of("agriscore.cache_dirr", "/tmp")));
    assertTrue(shared.getMessage().contains("'agriscore.cache_dirr'"), shared.getMessage());
    // Another engine's keys, and the core's shared ones, pass; an engine reads a shared one
    // by declaring it.
    EngineConfig c = parse(of("tensorflow.log_level", "99", "agriscore.natives.manage", "false"));
    EngineOption<String> cache = EngineOption.text(NativeCache.CACHE_DIR);
    EngineDescriptor reader = EngineDescriptor.of("demo", "com.example:demo", Set.of("f"),
        List.of(cache));
    assertEquals("/tmp/x", EngineConfig.of(reader, of(NativeCache.CACHE_DIR, "/tmp/x")).get(cache));
    // An option the engine reads but did not declare is the engine's bug, said so.
    assertThrows(IllegalArgumentException.class,
        () -> c.get(EngineOption.integer("demo.undeclared")));
  }

  @Test
  void descriptorsAreValidated() {
    assertThrows(IllegalArgumentException.class,
        () -> EngineDescriptor.of("Demo", "g:a", Set.of("f"), List.of()));
    assertThrows(IllegalArgumentException.class,
        () -> EngineDescriptor.of("demo", "scoring-engine-x", Set.of("f"), List.of()));
    assertThrows(IllegalArgumentException.class,
        () -> EngineDescriptor.of("demo", "g:a", Set.of(), List.of()));
    assertThrows(IllegalArgumentException.class,
        () -> EngineDescriptor.of("demo", "g:a", Set.of("f"), List.of(FAST, FAST)));
    assertThrows(IllegalArgumentException.class, () -> EngineOption.integer("nodot"));
    assertEquals("demo (com.example:demo, reads demo-format)", DEMO.toString());
  }

  @Test
  void optionsAreImmutableAndSorted() {
    EngineOptions o = EngineOptions.builder().setAll(Map.of("b", "2", "a", "1")).build();
    assertEquals("[a, b]", o.asMap().keySet().toString());
    assertThrows(UnsupportedOperationException.class, () -> o.asMap().put("c", "3"));
    assertEquals(Optional.of("1"), o.get("a"));
  }
}
