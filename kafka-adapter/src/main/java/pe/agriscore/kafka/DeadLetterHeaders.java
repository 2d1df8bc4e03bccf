package pe.agriscore.kafka;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * The headers {@link KafkaScoringService} adds to a dead-letter record. The record itself keeps
 * the original key, value (byte for byte, also when it is not JSON or is null) and headers; every
 * value added here is a UTF-8 string.
 *
 * <p>A dead letter that would be larger than the dead-letter topic (or the producer) accepts is
 * cut to fit instead of being retried forever: {@link #TRUNCATED} then says which parts were
 * cut, and the {@code agriscore.original.*} headers give their original sizes and SHA-256
 * digests, so the request can be found upstream. The value keeps as many of its first bytes as
 * fit; the key is kept whole or dropped; the original headers are kept whole or dropped.
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

  /**
   * {@code INVALID_REQUEST} (the request broke a rule), {@code ENGINE_FAILURE}, or {@code
   * RECORD_TOO_LARGE} (the request was scored but its score, with the request's key, is larger
   * than the output topic accepts).
   */
  public static final String ERROR_KIND = "agriscore.error.kind";
  /**
   * The Java class of the failure: {@code pe.agriscore.request.InvalidRequestException} for
   * unreadable or invalid requests (the class's name before it moved to {@code
   * pe.agriscore.scoring}, kept because it is a wire value consumers match on); for engine failures the class of the exception the engine
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
  /**
   * How many further violations the request had that {@link #ERROR_REASONS} does not list, in
   * decimal, as {@code omittedViolations} of the error format in {@code docs/json-formats.md}: 0
   * nearly always; above 0 when the request broke more rules than the 50 reasons listed, or when
   * the reasons were dropped to fit the dead-letter topic ({@link #TRUNCATED} names {@code
   * reasons}; then every violation counts here). Reasons plus this count is the number of
   * violations the SDK reported.
   */
  public static final String ERROR_OMITTED_VIOLATIONS = "agriscore.error.omitted.violations";
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

  /**
   * Present only on a dead letter cut to fit its topic: the parts cut, comma-separated, from
   * {@code headers} (the original headers were dropped), {@code reasons} (the reasons were too
   * long even alone: {@link #ERROR_REASONS} is {@code []} and the message is cut to 200
   * characters), {@code key} (the key was dropped, the record has none), {@code value} (only the
   * first bytes of the value are kept).
   */
  public static final String TRUNCATED = "agriscore.truncated";
  /** On a cut dead letter: the original value's length in bytes, or {@code null}. */
  public static final String ORIGINAL_VALUE_BYTES = "agriscore.original.value.bytes";
  /** On a cut dead letter with a value: the SHA-256 of the original value, lower-case hex. */
  public static final String ORIGINAL_VALUE_SHA256 = "agriscore.original.value.sha256";
  /** On a cut dead letter: the original key's length in bytes, or {@code null}. */
  public static final String ORIGINAL_KEY_BYTES = "agriscore.original.key.bytes";
  /** On a cut dead letter with a key: the SHA-256 of the original key, lower-case hex. */
  public static final String ORIGINAL_KEY_SHA256 = "agriscore.original.key.sha256";
  /** On a dead letter whose original headers were dropped: how many there were. */
  public static final String ORIGINAL_HEADERS = "agriscore.original.headers";

  /** The prefix of every header above. */
  static final String PREFIX = "agriscore.";
  /** The headers of a cut dead letter, removed when a replayed one is dead-lettered again. */
  static final List<String> CUT_HEADERS = List.of(TRUNCATED, ORIGINAL_VALUE_BYTES,
      ORIGINAL_VALUE_SHA256, ORIGINAL_KEY_BYTES, ORIGINAL_KEY_SHA256, ORIGINAL_HEADERS);

  private DeadLetterHeaders() {}

  /** The last value of header {@code name} as a string, or null if absent. */
  public static String get(Headers headers, String name) {
    Header h = headers.lastHeader(name);
    return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }
}
