package pe.agriscore.kafka;

import java.util.Locale;

/**
 * What {@link KafkaScoringService} does with requests the engine still fails on after its
 * bounded retries (setting {@code agriscore.engine.failure.policy}).
 *
 * <pre>{@code
 * builder.property(KafkaScoringConfig.ENGINE_FAILURE_POLICY_CONFIG,
 *     EngineFailurePolicy.FAIL.configValue());
 * }</pre>
 */
public enum EngineFailurePolicy {

  /**
   * Dead-letter each request that still fails, with kind {@code ENGINE_FAILURE}, the engine's
   * message and the number of attempts, and go on. Nothing blocks the partition; the dead-letter
   * topic can be replayed into the input once the engine is fixed.
   */
  DEAD_LETTER,

  /**
   * Stop the service without committing the failed batch: its records are read again when a
   * service instance starts next. Use when an engine outage must halt scoring rather than divert
   * requests.
   */
  FAIL;

  /** The setting's value: {@code dead_letter} or {@code fail}. */
  public String configValue() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses a setting value, case-insensitively. */
  public static EngineFailurePolicy fromConfigValue(String value) {
    for (EngineFailurePolicy p : values()) {
      if (p.configValue().equalsIgnoreCase(value.trim())) {
        return p;
      }
    }
    throw new IllegalArgumentException("unknown engine failure policy '" + value
        + "': expected dead_letter or fail");
  }
}
