package pe.agriscore.kafka;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * The headers {@link KafkaScoringService} adds to a dead-letter record. The record itself keeps
 * the original key, value (byte for byte, also when it is not JSON or is null) and headers; every
 * value added here is a UTF-8 string.
 *
 * <pre>{@code
 * for (ConsumerRecord<byte[], byte[]> r : dlqConsumer.poll(timeout)) {
 *   String why = DeadLetterHeaders.get(r.headers(), DeadLetterHeaders.ERROR_REASONS);
 *   // [{"field":"farm_size_ha","rule":"OUT_OF_RANGE","message":"value -3.0 is outside ..."}]
 *   long offset = Long.parseLong(DeadLetterHeaders.get(r.headers(),
 *       DeadLetterHeaders.SOURCE_OFFSET));
 * }
 * }</pre>
 */
public final class DeadLetterHeaders {

  /** {@code INVALID_REQUEST} (the request broke a rule) or {@code ENGINE_FAILURE}. */
  public static final String ERROR_KIND = "agriscore.error.kind";
  /**
   * The Java class of the failure: {@code pe.agriscore.request.InvalidRequestException} for
   * unreadable or invalid requests; for engine failures the class of the exception the engine
   * threw ({@link pe.agriscore.scoring.ScoringError#exceptionClass()}), or {@code
   * pe.agriscore.engine.EngineException} when it threw none but returned something that is not a
   * probability; or the class of an unexpected exception.
   */
  public static final String ERROR_CLASS = "agriscore.error.class";
  /** A readable summary naming the applicant when known. */
  public static final String ERROR_MESSAGE = "agriscore.error.message";
  /**
   * The field-level reasons: a JSON array of {@code {"field", "rule", "message"}} objects, as in
   * the error format of {@code docs/json-formats.md}; {@code []} for engine failures.
   */
  public static final String ERROR_REASONS = "agriscore.error.reasons";
  /** How many times the engine was asked (engine failures only). */
  public static final String ERROR_ATTEMPTS = "agriscore.error.attempts";
  /** The topic the request was read from. */
  public static final String SOURCE_TOPIC = "agriscore.source.topic";
  /** Its partition, in decimal. */
  public static final String SOURCE_PARTITION = "agriscore.source.partition";
  /** Its offset, in decimal. */
  public static final String SOURCE_OFFSET = "agriscore.source.offset";
  /** Its record timestamp, epoch milliseconds in decimal. */
  public static final String SOURCE_TIMESTAMP = "agriscore.source.timestamp";
  /** The name of the model that was asked. */
  public static final String MODEL_NAME = "agriscore.model.name";
  /** The version of the model that was asked. */
  public static final String MODEL_VERSION = "agriscore.model.version";

  private DeadLetterHeaders() {}

  /** The last value of header {@code name} as a string, or null if absent. */
  public static String get(Headers headers, String name) {
    Header h = headers.lastHeader(name);
    return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }
}
