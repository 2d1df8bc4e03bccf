package pe.agriscore.engine;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * String settings for engines, like Kafka client configs: each engine declares its keys with
 * their types, defaults and ranges (for example {@code tensorflow.intra_op_threads}, see {@link
 * EngineOption}). When a model loads, the core refuses a value out of range and an unknown key of
 * that engine's namespace ({@code tensorflow.*}) or of the shared {@code agriscore.*} one; keys
 * of other namespaces are left for other engines, so one map can configure several engines.
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
