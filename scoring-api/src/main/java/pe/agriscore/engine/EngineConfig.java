package pe.agriscore.engine;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * An engine's options, parsed and checked by the core against the engine's {@linkplain
 * EngineDescriptor#options() declarations} before {@link ScoringEngine#load} runs: every value
 * has its declared type and lies in its declared range. Immutable and thread-safe.
 *
 * <p>A key is refused, naming the key and what is known, when it is in the engine's own
 * namespace (it starts with the engine's name and a dot, e.g. {@code tensorflow.}) or in the
 * shared {@code agriscore.} namespace, and neither the engine nor the core declares it: a typo
 * must not silently fall back to a default. Keys of other namespaces are left for other engines,
 * so one {@link EngineOptions} map can configure several.
 */
public final class EngineConfig {

  /** The shared namespace: the core's own keys ({@link NativeCache}), which engines may read. */
  static final String SHARED_NAMESPACE = "agriscore";

  private final String engine;
  private final Map<String, Optional<?>> values;
  private final EngineOptions options;

  private EngineConfig(String engine, Map<String, Optional<?>> values, EngineOptions options) {
    this.engine = engine;
    this.values = values;
    this.options = options;
  }

  /**
   * Parses {@code options} for the engine {@code descriptor} describes, with the core's shared
   * {@code agriscore.*} options; {@link Engines#load} does this before every load. An engine
   * calls it itself only where it starts its runtime outside a load (e.g. TensorFlow's natives
   * for the training pipeline's graph API).
   *
   * @throws IllegalArgumentException naming the key and the rule for a value of the wrong type
   *     or out of range, or naming an unknown key of the engine's or the shared namespace
   */
  public static EngineConfig of(EngineDescriptor descriptor, EngineOptions options) {
    Map<String, EngineOption<?>> declared = new HashMap<>();
    for (EngineOption<?> o : descriptor.options()) {
      declared.put(o.key(), o);
    }
    Set<String> unknown = new TreeSet<>();
    for (String key : options.asMap().keySet()) {
      int dot = key.indexOf('.');
      String namespace = dot < 0 ? key : key.substring(0, dot);
      boolean owned = namespace.equals(descriptor.name()) || namespace.equals(SHARED_NAMESPACE);
      if (owned && !declared.containsKey(key) && !NativeCache.SHARED_KEYS.contains(key)) {
        unknown.add(key);
      }
    }
    if (!unknown.isEmpty()) {
      Set<String> knownKeys = new TreeSet<>(declared.keySet());
      if (unknown.stream().anyMatch(k -> k.startsWith(SHARED_NAMESPACE + "."))) {
        knownKeys.addAll(NativeCache.SHARED_KEYS);
      }
      List<String> known = new ArrayList<>(knownKeys);
      throw new IllegalArgumentException("unknown engine option" + (unknown.size() > 1 ? "s " : " ")
          + String.join(", ", unknown.stream().map(k -> "'" + k + "'").toList()) + " for engine '"
          + descriptor.name() + "' (" + descriptor.artifact() + "), which reads " + known);
    }
    Map<String, Optional<?>> values = new HashMap<>();
    for (EngineOption<?> o : declared.values()) {
      values.put(o.key(), o.resolve(options));
    }
    return new EngineConfig(descriptor.name(), Map.copyOf(values), options);
  }

  /**
   * The value of {@code option}, or its default.
   *
   * @throws IllegalArgumentException if the engine did not declare the option
   * @throws IllegalStateException if the option has no default and is not set (use {@link #find})
   */
  public <T> T get(EngineOption<T> option) {
    return find(option).orElseThrow(() -> new IllegalStateException("engine option '"
        + option.key() + "' has no default and is not set: read it with find()"));
  }

  /**
   * The value of {@code option}, or its default; empty when it has neither.
   *
   * @throws IllegalArgumentException if the engine did not declare the option
   */
  @SuppressWarnings("unchecked")
  public <T> Optional<T> find(EngineOption<T> option) {
    Optional<?> v = values.get(option.key());
    if (v == null) {
      throw new IllegalArgumentException("engine '" + engine + "' reads option '" + option.key()
          + "' but does not declare it in its EngineDescriptor");
    }
    return (Optional<T>) v;
  }

  /** Whether {@code option} was set (by the options or a system property), not defaulted. */
  public boolean isSet(EngineOption<?> option) {
    find(option);
    return option.find(options).isPresent();
  }

  @Override
  public String toString() {
    return "EngineConfig[" + engine + "]" + new java.util.TreeMap<>(values);
  }
}
