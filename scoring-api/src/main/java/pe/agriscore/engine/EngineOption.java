package pe.agriscore.engine;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * One option an engine declares: its key, type, default and allowed range. The core parses every
 * option of an engine against these declarations before the engine loads a model, so a value
 * out of range is refused in one wording for every engine, naming the key and the rule.
 *
 * <pre>{@code
 * static final EngineOption<Integer> POOL_SIZE = EngineOption.integer("my.pool_size")
 *     .atLeast(1)
 *     .defaultTo(() -> Runtime.getRuntime().availableProcessors(), "available processors");
 * }</pre>
 *
 * <p>Where a value comes from, first found wins: the {@link EngineOptions} map, the JVM system
 * property of the same key, the {@linkplain #orSystemProperty fallback property} (for example
 * DJL's own property of the same meaning), the default. Immutable and thread-safe.
 *
 * @param <T> the parsed type: {@link Integer}, {@link Boolean}, {@link String} or {@link Path}
 */
public final class EngineOption<T> {

  private final String key;
  private final String type;
  private final Function<String, T> parser;
  private final Range range;
  private final Supplier<T> defaultValue;
  private final String defaultDescription;
  private final String fallbackProperty;

  private EngineOption(String key, String type, Function<String, T> parser, Range range,
      Supplier<T> defaultValue, String defaultDescription, String fallbackProperty) {
    this.key = key;
    this.type = type;
    this.parser = parser;
    this.range = range;
    this.defaultValue = defaultValue;
    this.defaultDescription = defaultDescription;
    this.fallbackProperty = fallbackProperty;
  }

  /** An integer option, unbounded and without default until {@link #between} and {@link #defaultTo}. */
  public static EngineOption<Integer> integer(String key) {
    return new EngineOption<>(checkKey(key), "an integer", s -> Integer.parseInt(s.trim()),
        new Range(Long.MIN_VALUE, Long.MAX_VALUE), null, null, null);
  }

  /** A boolean option: {@code true} or {@code false}, any case. */
  public static EngineOption<Boolean> bool(String key) {
    return new EngineOption<>(checkKey(key), "true or false", EngineOption::parseBoolean, null,
        null, null, null);
  }

  /** A text option; blank values count as unset. */
  public static EngineOption<String> text(String key) {
    return new EngineOption<>(checkKey(key), "text", String::trim, null, null, null, null);
  }

  /** A file system path option; blank values count as unset. */
  public static EngineOption<Path> path(String key) {
    return new EngineOption<>(checkKey(key), "a path", s -> Path.of(s.trim()), null, null, null,
        null);
  }

  /** This option limited to {@code [min, max]} (integer options only). */
  public EngineOption<T> between(int min, int max) {
    if (range == null || min > max) {
      throw new IllegalStateException("between(" + min + ", " + max + ") on option " + key);
    }
    return new EngineOption<>(key, type, parser, new Range(min, max), defaultValue,
        defaultDescription, fallbackProperty);
  }

  /** This option limited to {@code [min, Integer.MAX_VALUE]} (integer options only). */
  public EngineOption<T> atLeast(int min) {
    return between(min, Integer.MAX_VALUE);
  }

  /** This option with a fixed default. */
  public EngineOption<T> defaultTo(T value) {
    Objects.requireNonNull(value, "value");
    return new EngineOption<>(key, type, parser, range, () -> value, String.valueOf(value),
        fallbackProperty);
  }

  /** This option with a default computed at each load, e.g. from the number of processors. */
  public EngineOption<T> defaultTo(Supplier<T> value, String description) {
    return new EngineOption<>(key, type, parser, range, Objects.requireNonNull(value),
        Objects.requireNonNull(description), fallbackProperty);
  }

  /**
   * This option read, when neither the options nor a system property of its key set it, from
   * the system property {@code property}: a library's own switch of the same meaning that
   * operators may already set.
   */
  public EngineOption<T> orSystemProperty(String property) {
    return new EngineOption<>(key, type, parser, range, defaultValue, defaultDescription,
        Objects.requireNonNull(property));
  }

  /** The key, e.g. {@code tensorflow.intra_op_threads}. */
  public String key() {
    return key;
  }

  /** The default as documentation shows it, e.g. {@code 1} or {@code available processors}. */
  public Optional<String> defaultDescription() {
    return Optional.ofNullable(defaultDescription);
  }

  /** The rule a value must meet, as error messages state it, e.g. {@code between 0 and 3}. */
  public String rule() {
    if (range == null || range.min == Long.MIN_VALUE && range.max == Long.MAX_VALUE) {
      return type;
    }
    return range.max == Integer.MAX_VALUE ? ">= " + range.min
        : "between " + range.min + " and " + range.max;
  }

  /**
   * The value in {@code options}, else the system property of the key, else the fallback
   * property; empty when none is set.
   *
   * @throws IllegalArgumentException naming the key (or property) and the rule
   */
  Optional<T> find(EngineOptions options) {
    Optional<String> set = options.get(key).filter(s -> !s.isBlank());
    if (set.isPresent()) {
      return Optional.of(parse("engine option '" + key + "'", set.get()));
    }
    if (fallbackProperty != null) {
      String v = System.getProperty(fallbackProperty);
      if (v != null && !v.isBlank()) {
        return Optional.of(parse("system property '" + fallbackProperty + "'", v));
      }
    }
    return Optional.empty();
  }

  /** The value, else the default; empty only for an option without default that is not set. */
  Optional<T> resolve(EngineOptions options) {
    Optional<T> found = find(options);
    return found.isPresent() || defaultValue == null ? found : Optional.of(defaultValue.get());
  }

  private T parse(String what, String raw) {
    T value;
    try {
      value = parser.apply(raw);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(what + " must be " + type + ", got '" + raw + "'", e);
    }
    if (range != null && value instanceof Integer i && (i < range.min || i > range.max)) {
      throw new IllegalArgumentException(what + " must be " + rule() + ", got " + i);
    }
    return value;
  }

  private static Boolean parseBoolean(String raw) {
    String s = raw.trim();
    if (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false")) {
      return Boolean.valueOf(s.toLowerCase(java.util.Locale.ROOT));
    }
    throw new IllegalArgumentException("not a boolean");
  }

  private static String checkKey(String key) {
    if (key == null || !key.matches("[a-z0-9_-]+(\\.[a-z0-9_-]+)+")) {
      throw new IllegalArgumentException("an engine option key is 'namespace.name' in lower case,"
          + " not '" + key + "'");
    }
    return key;
  }

  /** The namespace, the key up to its first dot: an engine owns the namespaces it declares. */
  String namespace() {
    return key.substring(0, key.indexOf('.'));
  }

  @Override
  public String toString() {
    return key + " (" + rule() + (defaultDescription == null ? "" : ", default "
        + defaultDescription) + ")";
  }

  private record Range(long min, long max) {}
}
