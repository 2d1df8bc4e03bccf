package pe.agriscore.kafka;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.CaseInsensitiveValidString;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import pe.agriscore.json.ScoringJson;

/**
 * The adapter's own settings, in Kafka's {@link ConfigDef} style: name, type, default and doc.
 * They sit beside the standard Kafka client properties in one map handed to {@link
 * KafkaScoringService.Builder#properties}: keys starting with {@code agriscore.} are these
 * settings; {@code consumer.}- and {@code producer.}-prefixed keys go to that client only
 * (prefix removed); every other key goes unchanged to the client that defines it, or to both
 * when both or neither do (plugin settings). TLS, SASL and any other client setting therefore
 * work exactly as a bank already runs them.
 *
 * <pre>{@code
 * Properties p = new Properties();
 * p.load(reader);   // bootstrap.servers, group.id, security.protocol=SASL_SSL, ...
 * p.put(KafkaScoringConfig.INPUT_TOPIC, "loan-applications");
 * p.put(KafkaScoringConfig.OUTPUT_TOPIC, "loan-scores");
 * p.put(KafkaScoringConfig.DEAD_LETTER_TOPIC, "loan-applications-dlq");
 * KafkaScoringService service = KafkaScoringService.builder(scorer).properties(p).build();
 * }</pre>
 *
 * <p>{@link #configDef()} describes every setting; {@code docs/kafka-adapter.md} lists them with
 * the client settings the adapter fixes or refuses.
 */
public final class KafkaScoringConfig {

  /** The prefix of every adapter setting. */
  public static final String PREFIX = "agriscore.";
  /** The prefix of properties for the consumer only. */
  public static final String CONSUMER_PREFIX = "consumer.";
  /** The prefix of properties for the producer only. */
  public static final String PRODUCER_PREFIX = "producer.";

  public static final String INPUT_TOPIC = "agriscore.input.topic";
  private static final String INPUT_TOPIC_DOC = "The topic of JSON scoring requests, keyed by"
      + " applicant id (format: docs/json-formats.md).";

  public static final String OUTPUT_TOPIC = "agriscore.output.topic";
  private static final String OUTPUT_TOPIC_DOC = "The topic the JSON scores are written to, with"
      + " the key of their request.";

  public static final String DEAD_LETTER_TOPIC = "agriscore.dead.letter.topic";
  private static final String DEAD_LETTER_TOPIC_DOC = "The topic that receives every record that"
      + " cannot be scored: its original key, value and headers, plus agriscore.* headers saying"
      + " why and where it came from.";

  public static final String DELIVERY_MODE = "agriscore.delivery.mode";
  private static final String DELIVERY_MODE_DOC = "exactly_once: scores, dead letters and input"
      + " offsets of a batch are committed in one transaction. at_least_once: records are flushed,"
      + " then offsets committed; a failure in between scores a batch again.";

  public static final String CONSUMER_THREADS = "agriscore.consumer.threads";
  private static final String CONSUMER_THREADS_DOC = "Consumer threads in this instance; each has"
      + " its own consumer, scoring thread and (exactly_once) transactional producer. Partitions"
      + " beyond threads x instances stay idle.";

  public static final String INSTANCE_ID = "agriscore.instance.id";
  private static final String INSTANCE_ID_DOC = "This instance's id in its transactional.id"
      + " (exactly_once) and, under the classic group protocol, its group.instance.id (static"
      + " membership) unless that is set. Default: a random id per start. Set a stable id unique"
      + " to the instance (e.g. the pod name of a StatefulSet) so that an instance restarted"
      + " after a crash aborts its predecessor's open transaction at once instead of after"
      + " transaction.timeout.ms and, under the classic protocol, takes its partitions back at"
      + " once instead of after session.timeout.ms.";

  public static final String TRANSACTIONAL_ID_PREFIX = "agriscore.transactional.id.prefix";
  private static final String TRANSACTIONAL_ID_PREFIX_DOC = "The prefix of the transactional.id"
      + " of each producer (exactly_once), which is {prefix}-{instance id}-{thread}. Default:"
      + " agriscore-{group.id}. Match it to a prefixed TransactionalId ACL.";

  public static final String MAX_REQUEST_BYTES = "agriscore.max.request.bytes";
  private static final String MAX_REQUEST_BYTES_DOC = "Larger request payloads are dead-lettered"
      + " as MALFORMED without being parsed.";

  public static final String POLL_TIMEOUT_MS = "agriscore.poll.timeout.ms";
  private static final String POLL_TIMEOUT_MS_DOC = "How long one poll waits for records when"
      + " the input is idle; also bounds how long a stop request waits for an idle poll.";

  public static final String ENGINE_RETRIES = "agriscore.engine.retries";
  private static final String ENGINE_RETRIES_DOC = "How many times requests the engine failed on"
      + " are scored again, with exponential backoff, before the failure policy applies. While"
      + " retrying, the consumer stays in its group with its partitions paused.";

  public static final String ENGINE_RETRY_BACKOFF_MS = "agriscore.engine.retry.backoff.ms";
  private static final String ENGINE_RETRY_BACKOFF_MS_DOC = "The wait before the first engine"
      + " retry; doubled for each further retry.";

  public static final String ENGINE_RETRY_BACKOFF_MAX_MS = "agriscore.engine.retry.backoff.max.ms";
  private static final String ENGINE_RETRY_BACKOFF_MAX_MS_DOC = "The longest wait between engine"
      + " retries.";

  public static final String ENGINE_FAILURE_POLICY = "agriscore.engine.failure.policy";
  private static final String ENGINE_FAILURE_POLICY_DOC = "After the retries, and once each"
      + " still-failing request was scored alone so one poison request cannot fail its whole"
      + " batch: dead_letter sends the requests that still fail to the dead-letter topic; fail"
      + " stops the service without committing the batch.";

  public static final String SHUTDOWN_TIMEOUT_MS = "agriscore.shutdown.timeout.ms";
  private static final String SHUTDOWN_TIMEOUT_MS_DOC = "How long close() lets each consumer"
      + " thread finish and commit the batch in hand before abandoning it (an abandoned batch is"
      + " not committed, so it is read again later). An abandoned thread is interrupted and"
      + " gets 10 s more to end; close() then names any thread still alive (all are daemon"
      + " threads, so none keeps the JVM alive).";

  public static final String STARTUP_TIMEOUT_MS = "agriscore.startup.timeout.ms";
  private static final String STARTUP_TIMEOUT_MS_DOC = "How long start() waits for a broker to"
      + " answer, for the three topics to be described and for every transactional producer to"
      + " initialize. Past it start() throws a ServiceStartException saying what did not answer"
      + " (wrong bootstrap.servers, a controller port, a missing topic, an unavailable"
      + " transaction coordinator) and the service is FAILED.";

  public static final String STALL_TIMEOUT_MS = "agriscore.stall.timeout.ms";
  private static final String STALL_TIMEOUT_MS_DOC = "A write, transaction commit or"
      + " transaction initialization still waiting for the brokers after this long makes the"
      + " service DEGRADED (health() names the thread, what it waits for and since when) until"
      + " it completes.";

  private static final ConfigDef DEFINITION = new ConfigDef()
      .define(INPUT_TOPIC, Type.STRING, ConfigDef.NO_DEFAULT_VALUE,
          new ConfigDef.NonEmptyString(), Importance.HIGH, INPUT_TOPIC_DOC)
      .define(OUTPUT_TOPIC, Type.STRING, ConfigDef.NO_DEFAULT_VALUE,
          new ConfigDef.NonEmptyString(), Importance.HIGH, OUTPUT_TOPIC_DOC)
      .define(DEAD_LETTER_TOPIC, Type.STRING, ConfigDef.NO_DEFAULT_VALUE,
          new ConfigDef.NonEmptyString(), Importance.HIGH, DEAD_LETTER_TOPIC_DOC)
      .define(DELIVERY_MODE, Type.STRING, DeliveryMode.EXACTLY_ONCE.configValue(),
          CaseInsensitiveValidString.in(DeliveryMode.EXACTLY_ONCE.configValue(),
              DeliveryMode.AT_LEAST_ONCE.configValue()), Importance.HIGH, DELIVERY_MODE_DOC)
      .define(CONSUMER_THREADS, Type.INT, 1, Range.atLeast(1), Importance.MEDIUM,
          CONSUMER_THREADS_DOC)
      .define(INSTANCE_ID, Type.STRING, null, Importance.MEDIUM, INSTANCE_ID_DOC)
      .define(TRANSACTIONAL_ID_PREFIX, Type.STRING, null, Importance.LOW,
          TRANSACTIONAL_ID_PREFIX_DOC)
      .define(MAX_REQUEST_BYTES, Type.INT, ScoringJson.DEFAULT_MAX_REQUEST_BYTES,
          Range.atLeast(1), Importance.MEDIUM, MAX_REQUEST_BYTES_DOC)
      .define(POLL_TIMEOUT_MS, Type.LONG, 500L, Range.atLeast(1), Importance.LOW,
          POLL_TIMEOUT_MS_DOC)
      .define(ENGINE_RETRIES, Type.INT, 3, Range.atLeast(0), Importance.MEDIUM,
          ENGINE_RETRIES_DOC)
      .define(ENGINE_RETRY_BACKOFF_MS, Type.LONG, 100L, Range.atLeast(0), Importance.LOW,
          ENGINE_RETRY_BACKOFF_MS_DOC)
      .define(ENGINE_RETRY_BACKOFF_MAX_MS, Type.LONG, 2000L, Range.atLeast(0), Importance.LOW,
          ENGINE_RETRY_BACKOFF_MAX_MS_DOC)
      .define(ENGINE_FAILURE_POLICY, Type.STRING, EngineFailurePolicy.DEAD_LETTER.configValue(),
          CaseInsensitiveValidString.in(EngineFailurePolicy.DEAD_LETTER.configValue(),
              EngineFailurePolicy.FAIL.configValue()), Importance.MEDIUM,
          ENGINE_FAILURE_POLICY_DOC)
      .define(SHUTDOWN_TIMEOUT_MS, Type.LONG, 30_000L, Range.atLeast(0), Importance.LOW,
          SHUTDOWN_TIMEOUT_MS_DOC)
      .define(STARTUP_TIMEOUT_MS, Type.LONG, 30_000L, Range.atLeast(1), Importance.LOW,
          STARTUP_TIMEOUT_MS_DOC)
      .define(STALL_TIMEOUT_MS, Type.LONG, 15_000L, Range.atLeast(1), Importance.LOW,
          STALL_TIMEOUT_MS_DOC);

  private KafkaScoringConfig() {}

  /** A copy of the definition of every adapter setting (name, type, default, doc). */
  public static ConfigDef configDef() {
    return new ConfigDef(DEFINITION);
  }
}
