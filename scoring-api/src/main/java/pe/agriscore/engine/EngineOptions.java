package pe.agriscore.engine;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * String settings for an engine, like Kafka client configs: each engine documents its keys and
 * defaults (for example {@code tensorflow.intra_op_threads}). Unknown keys are ignored by engines
 * that do not own them, so one map can configure several engines.
 *
 * <pre>{@code
 * EngineOptions options = EngineOptions.builder()
 *     .set("pytorch.num_threads", "1")
 *     .set("agriscore.cache_dir", "/var/cache/agriscore")
 *     .build();
 * }</pre>
 *
 * <p>A key that is not set falls back to the JVM system property of the same name, so operators
 * can tune a deployed application with {@code -D} flags.
 */
public final class EngineOptions {

  private static final EngineOptions EMPTY = new EngineOptions(Map.of());

  private final Map<String, String> values;

  private EngineOptions(Map<String, String> values) {
    this.values = values;
  }

  /** No options: every engine uses its defaults. */
  public static EngineOptions defaults() {
    return EMPTY;
  }

  /** Starts a set of options. */
  public static Builder builder() {
    return new Builder();
  }

  /** The options as a map, keys sorted. */
  public Map<String, String> asMap() {
    return values;
  }

  /** The value of {@code key}, else the system property {@code key}, else empty. */
  public Optional<String> get(String key) {
    String v = values.get(key);
    return Optional.ofNullable(v != null ? v : System.getProperty(key));
  }

  /**
   * The integer value of {@code key}, or {@code defaultValue}.
   *
   * @throws IllegalArgumentException naming the key if the value is not an integer
   */
  public int getInt(String key, int defaultValue) {
    Optional<String> v = get(key);
    if (v.isEmpty()) {
      return defaultValue;
    }
    try {
      return Integer.parseInt(v.get().trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "engine option '" + key + "' must be an integer, got '" + v.get() + "'", e);
    }
  }

  /**
   * The boolean value of {@code key} ({@code true} or {@code false}, any case), or {@code
   * defaultValue}.
   *
   * @throws IllegalArgumentException naming the key if the value is neither
   */
  public boolean getBoolean(String key, boolean defaultValue) {
    Optional<String> v = get(key);
    if (v.isEmpty()) {
      return defaultValue;
    }
    String s = v.get().trim();
    if (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false")) {
      return Boolean.parseBoolean(s);
    }
    throw new IllegalArgumentException(
        "engine option '" + key + "' must be true or false, got '" + v.get() + "'");
  }

  @Override
  public String toString() {
    return "EngineOptions" + values;
  }

  /** Builds {@link EngineOptions}. */
  public static final class Builder {
    private final Map<String, String> values = new TreeMap<>();

    private Builder() {}

    /** Sets {@code key} to {@code value}. */
    public Builder set(String key, String value) {
      values.put(key, value);
      return this;
    }

    /** Sets every entry of {@code options}. */
    public Builder setAll(Map<String, String> options) {
      values.putAll(options);
      return this;
    }

    /** The options. */
    public EngineOptions build() {
      return new EngineOptions(java.util.Collections.unmodifiableMap(new TreeMap<>(values)));
    }
  }
}
