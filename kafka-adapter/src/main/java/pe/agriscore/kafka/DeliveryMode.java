package pe.agriscore.kafka;

import java.util.Locale;

/**
 * How {@link KafkaScoringService} couples what it writes with the input offsets it commits.
 *
 * <pre>{@code
 * KafkaScoringService.builder(scorer)
 *     .deliveryMode(DeliveryMode.AT_LEAST_ONCE)   // default EXACTLY_ONCE
 *     ...
 * }</pre>
 *
 * <p>The value of setting {@code agriscore.delivery.mode} is the lower-case name, e.g. {@code
 * exactly_once}.
 */
public enum DeliveryMode {

  /**
   * Every request yields exactly one committed score or dead-letter record, whatever fails: the
   * scores, dead letters and input offsets of a batch are written in one Kafka transaction
   * ({@code sendOffsetsToTransaction} with the consumer's group metadata, KIP-447), so they become
   * visible to {@code read_committed} readers together or not at all. Costs one transaction
   * commit per polled batch, and readers of the output must use {@code
   * isolation.level=read_committed}.
   */
  EXACTLY_ONCE,

  /**
   * Every request yields at least one score or dead-letter record: a batch's records are flushed
   * with {@code acks=all}, then its offsets are committed. A crash or rebalance between the two
   * re-scores the batch, so readers may see a request scored twice (same applicant id and key;
   * deduplicate on them if needed). No transactions: cheaper, and any isolation level can read
   * the output.
   */
  AT_LEAST_ONCE;

  /** The setting's value: {@code exactly_once} or {@code at_least_once}. */
  public String configValue() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses a setting value, case-insensitively. */
  public static DeliveryMode fromConfigValue(String value) {
    for (DeliveryMode m : values()) {
      if (m.configValue().equalsIgnoreCase(value.trim())) {
        return m;
      }
    }
    throw new IllegalArgumentException("unknown delivery mode '" + value
        + "': expected exactly_once or at_least_once");
  }
}
