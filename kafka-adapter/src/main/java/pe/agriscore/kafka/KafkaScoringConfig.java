package pe.agriscore.kafka;

import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef.CaseInsensitiveValidString;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import pe.agriscore.scoring.ScoringJson;

/**
 * The configuration of one {@link KafkaScoringService}, in the Kafka clients' own style: the
 * adapter's settings are {@code *_CONFIG} keys with their {@code *_DOC} and {@code DEFAULT_*}
 * constants in one {@link ConfigDef}, parsed by {@link AbstractConfig}. They sit beside the
 * standard Kafka client properties in one map handed to {@link
 * KafkaScoringService.Builder#properties}: keys starting with {@code agriscore.} are these
 * settings; {@code consumer.}- and {@code producer.}-prefixed keys go to that client only
 * (prefix removed); every other key goes unchanged to the client that defines it, or to both
 * when both or neither do (plugin settings). TLS, SASL and any other client setting therefore
 * work exactly as a bank already runs them.
 *
 * <pre>{@code
 * Properties p = new Properties();
 * p.load(reader);   // bootstrap.servers, group.id, security.protocol=SASL_SSL, ...
 * p.put(KafkaScoringConfig.INPUT_TOPIC_CONFIG, "loan-applications");
 * p.put(KafkaScoringConfig.OUTPUT_TOPIC_CONFIG, "loan-scores");
 * p.put(KafkaScoringConfig.DEAD_LETTER_TOPIC_CONFIG, "loan-applications-dlq");
 * KafkaScoringService service = KafkaScoringService.builder(scorer).properties(p).build();
 * }</pre>
 *
 * <p>Constructing one routes the properties, parses the adapter settings and refuses, with a
 * message saying why, every client setting that would break the promised delivery guarantee
 * (auto-commit, {@code acks} below all, read_uncommitted under exactly_once...). {@link
 * KafkaScoringService.Builder#build()} does this; a host may also do it alone to check a
 * configuration file. Immutable.
 *
 * <p>{@link #configDef()} describes every setting; {@code docs/kafka-adapter.md} lists them with
 * the client settings the adapter fixes or refuses.
 */
public final class KafkaScoringConfig extends AbstractConfig {

  /** The prefix of every adapter setting. */
  public static final String PREFIX = "agriscore.";
  /** The prefix of properties for the consumer only. */
  public static final String CONSUMER_PREFIX = "consumer.";
  /** The prefix of properties for the producer only. */
  public static final String PRODUCER_PREFIX = "producer.";

  public static final String INPUT_TOPIC_CONFIG = "agriscore.input.topic";
  public static final String INPUT_TOPIC_DOC = "The topic of JSON scoring requests, keyed by"
      + " applicant id (format: docs/json-formats.md).";

  public static final String OUTPUT_TOPIC_CONFIG = "agriscore.output.topic";
  public static final String OUTPUT_TOPIC_DOC = "The topic the JSON scores are written to, with"
      + " the key of their request.";

  public static final String DEAD_LETTER_TOPIC_CONFIG = "agriscore.dead.letter.topic";
  public static final String DEAD_LETTER_TOPIC_DOC = "The topic that receives every record that"
      + " cannot be scored: its original key, value and headers, plus agriscore.* headers saying"
      + " why and where it came from.";

  public static final String DELIVERY_MODE_CONFIG = "agriscore.delivery.mode";
  public static final String DELIVERY_MODE_DOC = "exactly_once: scores, dead letters and input"
      + " offsets of a batch are committed in one transaction. at_least_once: records are flushed,"
      + " then offsets committed; a failure in between scores a batch again.";
  public static final String DEFAULT_DELIVERY_MODE = DeliveryMode.EXACTLY_ONCE.configValue();

  public static final String CONSUMER_THREADS_CONFIG = "agriscore.consumer.threads";
  public static final String CONSUMER_THREADS_DOC = "Consumer threads in this instance; each has"
      + " its own consumer, scoring thread and (exactly_once) transactional producer. Partitions"
      + " beyond threads x instances stay idle.";
  public static final int DEFAULT_CONSUMER_THREADS = 1;

  public static final String INSTANCE_ID_CONFIG = "agriscore.instance.id";
  public static final String INSTANCE_ID_DOC = "This instance's id in its transactional.id"
      + " (exactly_once) and, under the classic group protocol, its group.instance.id (static"
      + " membership) unless that is set. Default: a random id per start. Set a stable id unique"
      + " to the instance (e.g. the pod name of a StatefulSet) so that an instance restarted"
      + " after a crash aborts its predecessor's open transaction at once instead of after"
      + " transaction.timeout.ms and, under the classic protocol, takes its partitions back at"
      + " once instead of after session.timeout.ms.";

  public static final String TRANSACTIONAL_ID_PREFIX_CONFIG = "agriscore.transactional.id.prefix";
  public static final String TRANSACTIONAL_ID_PREFIX_DOC = "The prefix of the transactional.id"
      + " of each producer (exactly_once), which is {prefix}-{instance id}-{thread}. Default:"
      + " agriscore-{group.id}. Match it to a prefixed TransactionalId ACL.";

  public static final String MAX_REQUEST_BYTES_CONFIG = "agriscore.max.request.bytes";
  public static final String MAX_REQUEST_BYTES_DOC = "Larger request payloads are dead-lettered"
      + " as MALFORMED without being parsed.";
  public static final int DEFAULT_MAX_REQUEST_BYTES = ScoringJson.DEFAULT_MAX_REQUEST_BYTES;

  public static final String JSON_MAX_DEPTH_CONFIG = "agriscore.json.max.depth";
  public static final String JSON_MAX_DEPTH_DOC = "Requests nested deeper (objects and arrays,"
      + " the request object being level 1) are dead-lettered as MALFORMED.";
  public static final int DEFAULT_JSON_MAX_DEPTH = ScoringJson.Limits.DEFAULT_MAX_DEPTH;

  public static final String JSON_MAX_NUMBER_LENGTH_CONFIG = "agriscore.json.max.number.length";
  public static final String JSON_MAX_NUMBER_LENGTH_DOC = "Requests with a longer number, in"
      + " characters, are dead-lettered as MALFORMED.";
  public static final int DEFAULT_JSON_MAX_NUMBER_LENGTH =
      ScoringJson.Limits.DEFAULT_MAX_NUMBER_LENGTH;

  public static final String JSON_MAX_STRING_LENGTH_CONFIG = "agriscore.json.max.string.length";
  public static final String JSON_MAX_STRING_LENGTH_DOC = "Requests with a longer string value,"
      + " in characters, are dead-lettered as MALFORMED.";
  public static final int DEFAULT_JSON_MAX_STRING_LENGTH =
      ScoringJson.Limits.DEFAULT_MAX_STRING_LENGTH;

  public static final String JSON_MAX_NAME_LENGTH_CONFIG = "agriscore.json.max.name.length";
  public static final String JSON_MAX_NAME_LENGTH_DOC = "Requests with a longer property name,"
      + " in characters, are dead-lettered as MALFORMED.";
  public static final int DEFAULT_JSON_MAX_NAME_LENGTH = ScoringJson.Limits.DEFAULT_MAX_NAME_LENGTH;

  public static final String JSON_MAX_FIELDS_CONFIG = "agriscore.json.max.fields";
  public static final String JSON_MAX_FIELDS_DOC = "Requests with more properties in the request"
      + " object, or in its features, are dead-lettered as MALFORMED. Left out, it is the larger"
      + " of 256 and the model's feature count, so a wide schema needs no setting; set below the"
      + " model's feature count, the service is refused when it is built, since every valid"
      + " request would be dead-lettered.";
  public static final int DEFAULT_JSON_MAX_FIELDS = ScoringJson.Limits.DEFAULT_MAX_FIELDS;

  public static final String POLL_TIMEOUT_MS_CONFIG = "agriscore.poll.timeout.ms";
  public static final String POLL_TIMEOUT_MS_DOC = "How long one poll waits for records when"
      + " the input is idle; also bounds how long a stop request waits for an idle poll.";
  public static final long DEFAULT_POLL_TIMEOUT_MS = 500L;

  public static final String ENGINE_RETRIES_CONFIG = "agriscore.engine.retries";
  public static final String ENGINE_RETRIES_DOC = "How many times requests the engine failed on"
      + " are scored again, with exponential backoff, before the failure policy applies. While"
      + " retrying, the consumer stays in its group with its partitions paused.";
  public static final int DEFAULT_ENGINE_RETRIES = 3;

  public static final String ENGINE_RETRY_BACKOFF_MS_CONFIG = "agriscore.engine.retry.backoff.ms";
  public static final String ENGINE_RETRY_BACKOFF_MS_DOC = "The wait before the first engine"
      + " retry; doubled for each further retry.";
  public static final long DEFAULT_ENGINE_RETRY_BACKOFF_MS = 100L;

  public static final String ENGINE_RETRY_BACKOFF_MAX_MS_CONFIG =
      "agriscore.engine.retry.backoff.max.ms";
  public static final String ENGINE_RETRY_BACKOFF_MAX_MS_DOC = "The longest wait between engine"
      + " retries.";
  public static final long DEFAULT_ENGINE_RETRY_BACKOFF_MAX_MS = 2000L;

  public static final String ENGINE_FAILURE_POLICY_CONFIG = "agriscore.engine.failure.policy";
  public static final String ENGINE_FAILURE_POLICY_DOC = "After the retries, and once each"
      + " still-failing request was scored alone so one poison request cannot fail its whole"
      + " batch: dead_letter sends the requests that still fail to the dead-letter topic; fail"
      + " stops the service without committing the batch.";
  public static final String DEFAULT_ENGINE_FAILURE_POLICY =
      EngineFailurePolicy.DEAD_LETTER.configValue();

  public static final String SHUTDOWN_TIMEOUT_MS_CONFIG = "agriscore.shutdown.timeout.ms";
  public static final String SHUTDOWN_TIMEOUT_MS_DOC = "How long close() lets each consumer"
      + " thread finish and commit the batch in hand before abandoning it (an abandoned batch is"
      + " not committed, so it is read again later). An abandoned thread is interrupted and"
      + " gets 10 s more to end; close() then names any thread still alive (all are daemon"
      + " threads, so none keeps the JVM alive).";
  public static final long DEFAULT_SHUTDOWN_TIMEOUT_MS = 30_000L;

  public static final String STARTUP_TIMEOUT_MS_CONFIG = "agriscore.startup.timeout.ms";
  public static final String STARTUP_TIMEOUT_MS_DOC = "How long start() waits for a broker to"
      + " answer, for the three topics to be described and for every transactional producer to"
      + " initialize. Past it start() throws a ServiceStartException saying what did not answer"
      + " (wrong bootstrap.servers, a controller port, a missing topic, an unavailable"
      + " transaction coordinator) and the service is FAILED.";
  public static final long DEFAULT_STARTUP_TIMEOUT_MS = 30_000L;

  public static final String STALL_TIMEOUT_MS_CONFIG = "agriscore.stall.timeout.ms";
  public static final String STALL_TIMEOUT_MS_DOC = "A write, transaction commit or"
      + " transaction initialization still waiting for the brokers after this long makes the"
      + " service DEGRADED (health() names the thread, what it waits for and since when) until"
      + " it completes.";
  public static final long DEFAULT_STALL_TIMEOUT_MS = 15_000L;

  private static final ConfigDef CONFIG = new ConfigDef()
      .define(INPUT_TOPIC_CONFIG, Type.STRING, ConfigDef.NO_DEFAULT_VALUE,
          new ConfigDef.NonEmptyString(), Importance.HIGH, INPUT_TOPIC_DOC)
      .define(OUTPUT_TOPIC_CONFIG, Type.STRING, ConfigDef.NO_DEFAULT_VALUE,
          new ConfigDef.NonEmptyString(), Importance.HIGH, OUTPUT_TOPIC_DOC)
      .define(DEAD_LETTER_TOPIC_CONFIG, Type.STRING, ConfigDef.NO_DEFAULT_VALUE,
          new ConfigDef.NonEmptyString(), Importance.HIGH, DEAD_LETTER_TOPIC_DOC)
      .define(DELIVERY_MODE_CONFIG, Type.STRING, DEFAULT_DELIVERY_MODE,
          CaseInsensitiveValidString.in(DeliveryMode.EXACTLY_ONCE.configValue(),
              DeliveryMode.AT_LEAST_ONCE.configValue()), Importance.HIGH, DELIVERY_MODE_DOC)
      .define(CONSUMER_THREADS_CONFIG, Type.INT, DEFAULT_CONSUMER_THREADS,
          Range.atLeast(1), Importance.MEDIUM, CONSUMER_THREADS_DOC)
      .define(INSTANCE_ID_CONFIG, Type.STRING, null, Importance.MEDIUM, INSTANCE_ID_DOC)
      .define(TRANSACTIONAL_ID_PREFIX_CONFIG, Type.STRING, null, Importance.LOW,
          TRANSACTIONAL_ID_PREFIX_DOC)
      .define(MAX_REQUEST_BYTES_CONFIG, Type.INT, DEFAULT_MAX_REQUEST_BYTES,
          Range.atLeast(1), Importance.MEDIUM, MAX_REQUEST_BYTES_DOC)
      .define(JSON_MAX_DEPTH_CONFIG, Type.INT, DEFAULT_JSON_MAX_DEPTH, Range.atLeast(2),
          Importance.LOW, JSON_MAX_DEPTH_DOC)
      .define(JSON_MAX_NUMBER_LENGTH_CONFIG, Type.INT, DEFAULT_JSON_MAX_NUMBER_LENGTH,
          Range.atLeast(1), Importance.LOW, JSON_MAX_NUMBER_LENGTH_DOC)
      .define(JSON_MAX_STRING_LENGTH_CONFIG, Type.INT, DEFAULT_JSON_MAX_STRING_LENGTH,
          Range.atLeast(1), Importance.LOW, JSON_MAX_STRING_LENGTH_DOC)
      .define(JSON_MAX_NAME_LENGTH_CONFIG, Type.INT, DEFAULT_JSON_MAX_NAME_LENGTH,
          Range.atLeast(1), Importance.LOW, JSON_MAX_NAME_LENGTH_DOC)
      .define(JSON_MAX_FIELDS_CONFIG, Type.INT, DEFAULT_JSON_MAX_FIELDS, Range.atLeast(1),
          Importance.LOW, JSON_MAX_FIELDS_DOC)
      .define(POLL_TIMEOUT_MS_CONFIG, Type.LONG, DEFAULT_POLL_TIMEOUT_MS,
          Range.atLeast(1), Importance.LOW, POLL_TIMEOUT_MS_DOC)
      .define(ENGINE_RETRIES_CONFIG, Type.INT, DEFAULT_ENGINE_RETRIES,
          Range.atLeast(0), Importance.MEDIUM, ENGINE_RETRIES_DOC)
      .define(ENGINE_RETRY_BACKOFF_MS_CONFIG, Type.LONG, DEFAULT_ENGINE_RETRY_BACKOFF_MS,
          Range.atLeast(0), Importance.LOW, ENGINE_RETRY_BACKOFF_MS_DOC)
      .define(ENGINE_RETRY_BACKOFF_MAX_MS_CONFIG, Type.LONG, DEFAULT_ENGINE_RETRY_BACKOFF_MAX_MS,
          Range.atLeast(0), Importance.LOW, ENGINE_RETRY_BACKOFF_MAX_MS_DOC)
      .define(ENGINE_FAILURE_POLICY_CONFIG, Type.STRING, DEFAULT_ENGINE_FAILURE_POLICY,
          CaseInsensitiveValidString.in(EngineFailurePolicy.DEAD_LETTER.configValue(),
              EngineFailurePolicy.FAIL.configValue()), Importance.MEDIUM,
          ENGINE_FAILURE_POLICY_DOC)
      .define(SHUTDOWN_TIMEOUT_MS_CONFIG, Type.LONG, DEFAULT_SHUTDOWN_TIMEOUT_MS,
          Range.atLeast(0), Importance.LOW, SHUTDOWN_TIMEOUT_MS_DOC)
      .define(STARTUP_TIMEOUT_MS_CONFIG, Type.LONG, DEFAULT_STARTUP_TIMEOUT_MS,
          Range.atLeast(1), Importance.LOW, STARTUP_TIMEOUT_MS_DOC)
      .define(STALL_TIMEOUT_MS_CONFIG, Type.LONG, DEFAULT_STALL_TIMEOUT_MS,
          Range.atLeast(1), Importance.LOW, STALL_TIMEOUT_MS_DOC);

  /** The producer's {@code retry.backoff.ms} under exactly_once unless set: see checkProducer. */
  static final String EXACTLY_ONCE_RETRY_BACKOFF_MS = "10";

  final String inputTopic;
  final String outputTopic;
  final String deadLetterTopic;
  final DeliveryMode deliveryMode;
  final int threads;
  final String instanceId;
  final String groupId;
  /** The request parse limits as set; see {@link #requestLimits(int)} for a model's. */
  private final ScoringJson.Limits jsonLimits;
  private final boolean maxFieldsSet;
  final Duration pollTimeout;
  final int engineRetries;
  final long engineBackoffMs;
  final long engineBackoffMaxMs;
  final EngineFailurePolicy engineFailurePolicy;
  final Duration shutdownTimeout;
  final Duration startupTimeout;
  final Duration stallTimeout;
  private final String transactionalIdPrefix;
  private final String fixedTransactionalId;
  private final Map<String, Object> consumerBase;
  private final Map<String, Object> producerBase;

  /**
   * Routes, parses and checks a service's properties: the adapter settings against {@link
   * #configDef()}, the client properties against the rules above and Kafka's own {@code
   * ConsumerConfig} and {@code ProducerConfig} definitions. No connection is made.
   *
   * @param properties adapter settings and Kafka client properties in one map (a {@link
   *     java.util.Properties} will do); keys are read as strings, no value may be null
   * @throws ConfigException naming the setting and why its value is refused
   */
  public KafkaScoringConfig(Map<?, ?> properties) {
    this(Routed.of(properties));
  }

  private KafkaScoringConfig(Routed r) {
    super(CONFIG, r.adapter, false);
    checkTopics(this);
    checkBackoff(this);
    Map<String, Object> consumer = r.consumer;
    Map<String, Object> producer = r.producer;
    deliveryMode = DeliveryMode.fromConfigValue(getString(DELIVERY_MODE_CONFIG));
    threads = getInt(CONSUMER_THREADS_CONFIG);
    checkConsumer(consumer, deliveryMode);
    checkProducer(producer, deliveryMode, threads);
    // Kafka's own checks (ranges, types, enums) now rather than when start() creates clients.
    ConsumerConfig.configDef().parse(consumer);
    ProducerConfig.configDef().parse(producer);
    inputTopic = getString(INPUT_TOPIC_CONFIG);
    outputTopic = getString(OUTPUT_TOPIC_CONFIG);
    deadLetterTopic = getString(DEAD_LETTER_TOPIC_CONFIG);
    String instance = getString(INSTANCE_ID_CONFIG);
    instanceId = instance == null || instance.isBlank() ? UUID.randomUUID().toString() : instance;
    if (instance != null && !instance.isBlank()) {
      deriveGroupInstanceId(consumer, instance);
    }
    groupId = text(consumer.get(ConsumerConfig.GROUP_ID_CONFIG));
    String prefix = getString(TRANSACTIONAL_ID_PREFIX_CONFIG);
    transactionalIdPrefix = prefix == null || prefix.isBlank() ? "agriscore-" + groupId : prefix;
    fixedTransactionalId = text(producer.get(ProducerConfig.TRANSACTIONAL_ID_CONFIG));
    jsonLimits = ScoringJson.Limits.builder().maxRequestBytes(getInt(MAX_REQUEST_BYTES_CONFIG))
        .maxDepth(getInt(JSON_MAX_DEPTH_CONFIG))
        .maxNumberLength(getInt(JSON_MAX_NUMBER_LENGTH_CONFIG))
        .maxStringLength(getInt(JSON_MAX_STRING_LENGTH_CONFIG))
        .maxNameLength(getInt(JSON_MAX_NAME_LENGTH_CONFIG))
        .maxFields(getInt(JSON_MAX_FIELDS_CONFIG))
        .build();
    maxFieldsSet = originals().containsKey(JSON_MAX_FIELDS_CONFIG);
    pollTimeout = Duration.ofMillis(getLong(POLL_TIMEOUT_MS_CONFIG));
    engineRetries = getInt(ENGINE_RETRIES_CONFIG);
    engineBackoffMs = getLong(ENGINE_RETRY_BACKOFF_MS_CONFIG);
    engineBackoffMaxMs = getLong(ENGINE_RETRY_BACKOFF_MAX_MS_CONFIG);
    engineFailurePolicy = EngineFailurePolicy.fromConfigValue(
        getString(ENGINE_FAILURE_POLICY_CONFIG));
    shutdownTimeout = Duration.ofMillis(getLong(SHUTDOWN_TIMEOUT_MS_CONFIG));
    startupTimeout = Duration.ofMillis(getLong(STARTUP_TIMEOUT_MS_CONFIG));
    stallTimeout = Duration.ofMillis(getLong(STALL_TIMEOUT_MS_CONFIG));
    consumerBase = consumer;
    producerBase = producer;
  }

  /** A service's properties split into adapter settings and each client's properties. */
  private record Routed(Map<String, Object> adapter, Map<String, Object> consumer,
      Map<String, Object> producer) {

    static Routed of(Map<?, ?> properties) {
      Map<String, Object> adapter = new HashMap<>();
      Map<String, Object> common = new LinkedHashMap<>();
      Map<String, Object> consumer = new LinkedHashMap<>();
      Map<String, Object> producer = new LinkedHashMap<>();
      Set<String> known = CONFIG.names();
      for (Map.Entry<?, ?> e : properties.entrySet()) {
        String key = String.valueOf(e.getKey());
        Object value = e.getValue();
        if (value == null) {
          throw new ConfigException(key, null, "a property cannot be null; leave it out instead");
        }
        if (key.startsWith(PREFIX)) {
          if (!known.contains(key)) {
            throw new ConfigException(key, value, "not an adapter setting; the adapter settings"
                + " are " + new TreeSet<>(known));
          }
          adapter.put(key, value);
        } else if (key.startsWith(CONSUMER_PREFIX)) {
          if (key.equals(CONSUMER_PREFIX + ConsumerConfig.GROUP_ID_CONFIG)) {
            throw new ConfigException(key, value, "set the group with " + ConsumerConfig
                .GROUP_ID_CONFIG + " (no prefix): it names the committed offsets, the default"
                + " transactional ids and the metric tags, which must all agree");
          }
          consumer.put(key.substring(CONSUMER_PREFIX.length()), value);
        } else if (key.startsWith(PRODUCER_PREFIX)) {
          producer.put(key.substring(PRODUCER_PREFIX.length()), value);
        } else {
          common.put(key, value);
        }
      }
      // A setting only one client knows goes to that client; plugin settings (interceptors,
      // login callbacks...) that neither knows go to both.
      Set<String> consumerNames = ConsumerConfig.configNames();
      Set<String> producerNames = ProducerConfig.configNames();
      Map<String, Object> c = new LinkedHashMap<>();
      Map<String, Object> p = new LinkedHashMap<>();
      common.forEach((key, value) -> {
        boolean consumerKey = consumerNames.contains(key);
        boolean producerKey = producerNames.contains(key);
        if (consumerKey || !producerKey) {
          c.put(key, value);
        }
        if (producerKey || !consumerKey) {
          p.put(key, value);
        }
      });
      c.putAll(consumer);
      p.putAll(producer);
      return new Routed(adapter, c, p);
    }
  }

  private static void checkTopics(AbstractConfig s) {
    String in = s.getString(INPUT_TOPIC_CONFIG);
    String out = s.getString(OUTPUT_TOPIC_CONFIG);
    String dlq = s.getString(DEAD_LETTER_TOPIC_CONFIG);
    if (in.equals(out) || in.equals(dlq)) {
      throw new ConfigException(INPUT_TOPIC_CONFIG, in, "the input topic cannot also"
          + " be the output or dead-letter topic: the service would read its own results back");
    }
    if (out.equals(dlq)) {
      throw new ConfigException(DEAD_LETTER_TOPIC_CONFIG, dlq, "the dead-letter"
          + " topic must differ from the output topic, whose readers expect only scores");
    }
  }

  private static void checkBackoff(AbstractConfig s) {
    long backoff = s.getLong(ENGINE_RETRY_BACKOFF_MS_CONFIG);
    long max = s.getLong(ENGINE_RETRY_BACKOFF_MAX_MS_CONFIG);
    if (max < backoff) {
      throw new ConfigException(ENGINE_RETRY_BACKOFF_MAX_MS_CONFIG, max,
          "must be at least " + ENGINE_RETRY_BACKOFF_MS_CONFIG + " (" + backoff + ")");
    }
  }

  private static void checkConsumer(Map<String, Object> c, DeliveryMode mode) {
    require(c, CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, "the consumer");
    require(c, ConsumerConfig.GROUP_ID_CONFIG, "the consumer (instances of one service share a"
        + " group; it also names the offsets the service commits)");
    checkClass(c, ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    checkClass(c, ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    String autoCommit = lower(c.get(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG));
    if ("true".equals(autoCommit)) {
      throw new ConfigException(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, c.get(
          ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG), mode == DeliveryMode.EXACTLY_ONCE
          ? "exactly_once commits the input offsets inside each transaction; auto-commit would"
              + " commit them outside it, before the scores are committed, so a crash would lose"
              + " requests. Remove it or set it to false."
          : "at_least_once commits the input offsets only after the scores are acknowledged;"
              + " auto-commit would commit them earlier, so a crash would lose requests. Remove"
              + " it or set it to false.");
    }
    String isolation = lower(c.get(ConsumerConfig.ISOLATION_LEVEL_CONFIG));
    if (mode == DeliveryMode.EXACTLY_ONCE && "read_uncommitted".equals(isolation)) {
      throw new ConfigException(ConsumerConfig.ISOLATION_LEVEL_CONFIG,
          c.get(ConsumerConfig.ISOLATION_LEVEL_CONFIG), "exactly_once needs read_committed:"
              + " read_uncommitted would score requests from aborted upstream transactions, and"
              + " offsets fetched after a rebalance would not wait for pending transactional"
              + " commits (KIP-447). Remove it or set it to read_committed.");
    }
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    c.putIfAbsent(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    // A new group must see the requests written before its first start, not only later ones.
    c.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
  }

  private static void checkProducer(Map<String, Object> p, DeliveryMode mode, int threads) {
    require(p, CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, "the producer");
    checkClass(p, ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    checkClass(p, ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    String acks = lower(p.get(ProducerConfig.ACKS_CONFIG));
    if (acks != null && !acks.equals("all") && !acks.equals("-1")) {
      throw new ConfigException(ProducerConfig.ACKS_CONFIG, p.get(ProducerConfig.ACKS_CONFIG),
          mode == DeliveryMode.EXACTLY_ONCE
              ? "exactly_once needs acks=all: transactions require the idempotent producer,"
                  + " which requires acks=all. Remove it or set it to all."
              : "at_least_once needs acks=all: with fewer acknowledgements a leader failover"
                  + " can lose scores whose input offsets are already committed. Remove it or"
                  + " set it to all.");
    }
    String idempotence = lower(p.get(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG));
    if (mode == DeliveryMode.EXACTLY_ONCE && "false".equals(idempotence)) {
      throw new ConfigException(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
          p.get(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG), "exactly_once needs the idempotent"
              + " producer that transactions are built on. Remove it or set it to true.");
    }
    Object txnId = p.get(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
    if (txnId != null && mode == DeliveryMode.AT_LEAST_ONCE) {
      throw new ConfigException(ProducerConfig.TRANSACTIONAL_ID_CONFIG, txnId, "at_least_once"
          + " does not use transactions; remove transactional.id or use exactly_once");
    }
    if (txnId != null && threads > 1) {
      throw new ConfigException(ProducerConfig.TRANSACTIONAL_ID_CONFIG, txnId, "a fixed"
          + " transactional.id cannot serve " + threads + " consumer threads: each needs its own"
          + " transactional producer, and producers sharing an id fence each other. Remove it:"
          + " each thread then gets {" + TRANSACTIONAL_ID_PREFIX_CONFIG + "}-{"
          + INSTANCE_ID_CONFIG + "}-{thread} (set both if the ids must be known in"
          + " advance).");
    }
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    if (mode == DeliveryMode.EXACTLY_ONCE) {
      p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
      // Each transaction starts as soon as the one before commits, while the broker may still be
      // writing its markers; the refused first send is retried after this backoff. Kafka's
      // 100 ms default cost 10 ms a batch here (a third of the throughput); the backoff still
      // grows exponentially to retry.backoff.max.ms when a broker is down.
      p.putIfAbsent(ProducerConfig.RETRY_BACKOFF_MS_CONFIG, EXACTLY_ONCE_RETRY_BACKOFF_MS);
    }
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
  }

  /**
   * Under the classic group protocol a stable instance id is also the consumer's
   * group.instance.id (KIP-345), unless the host set one: the coordinator then hands a restarted
   * member its predecessor's partitions at once, where a new dynamic member waits until the
   * dead one's session.timeout.ms expires. Not under the consumer protocol (KIP-848): its
   * coordinator refuses a static member whose instance id a live-looking member still holds
   * (UNRELEASED_INSTANCE_ID, fatal to the new consumer) until that session expires, so a
   * restart after a crash would fail instead of waiting.
   */
  private static void deriveGroupInstanceId(Map<String, Object> consumer, String instance) {
    String protocol = lower(consumer.get(ConsumerConfig.GROUP_PROTOCOL_CONFIG));
    if (protocol == null || protocol.equals("classic")) {
      consumer.putIfAbsent(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, instance.trim());
    }
  }

  private static void require(Map<String, Object> props, String key, String who) {
    if (text(props.get(key)) == null) {
      throw new ConfigException(key, null, "required by " + who);
    }
  }

  private static void checkClass(Map<String, Object> props, String key, Class<?> expected) {
    Object v = props.get(key);
    if (v == null) {
      return;
    }
    String name = v instanceof Class<?> cls ? cls.getName() : String.valueOf(v).trim();
    if (!name.equals(expected.getName())) {
      throw new ConfigException(key, v, "the adapter reads and writes raw bytes (JSON is parsed"
          + " and written by the adapter itself); remove it or set it to " + expected.getName());
    }
  }

  private static String text(Object v) {
    if (v == null) {
      return null;
    }
    String s = String.valueOf(v).trim();
    return s.isEmpty() ? null : s;
  }

  private static String lower(Object v) {
    String s = text(v);
    return s == null ? null : s.toLowerCase(Locale.ROOT);
  }

  /** The consumer properties of thread {@code thread}. */
  Map<String, Object> consumerConfig(int thread) {
    Map<String, Object> c = new HashMap<>(consumerBase);
    suffix(c, CommonClientConfigs.CLIENT_ID_CONFIG, thread);
    suffix(c, ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, thread);
    return c;
  }

  /** The producer properties of thread {@code thread}, transactional under exactly_once. */
  Map<String, Object> producerConfig(int thread) {
    return producerConfig(thread, Map.of());
  }

  /** As {@link #producerConfig(int)}, with {@code defaults} for what the host did not set. */
  Map<String, Object> producerConfig(int thread, Map<String, Object> defaults) {
    Map<String, Object> p = new HashMap<>(producerBase);
    defaults.forEach(p::putIfAbsent);
    suffix(p, CommonClientConfigs.CLIENT_ID_CONFIG, thread);
    if (deliveryMode == DeliveryMode.EXACTLY_ONCE) {
      p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId(thread));
    }
    return p;
  }

  /** Whether the host set this producer property (directly or {@code producer.}-prefixed). */
  boolean producerSets(String key) {
    return producerBase.containsKey(key);
  }

  /** The producer's value of {@code key} as the host set it, or Kafka's default. */
  Object producerValue(String key) {
    return ProducerConfig.configDef().parse(producerBase).get(key);
  }

  /**
   * Admin client properties for the start-up checks: the consumer's connection and security
   * settings, with request timeouts bounded by {@code timeout}.
   */
  Map<String, Object> adminConfig(Duration timeout) {
    Map<String, Object> a = new HashMap<>();
    Set<String> names = AdminClientConfig.configNames();
    consumerBase.forEach((k, v) -> {
      if (names.contains(k) && !k.equals(CommonClientConfigs.CLIENT_ID_CONFIG)) {
        a.put(k, v);
      }
    });
    int ms = (int) Math.min(Integer.MAX_VALUE, Math.max(1, timeout.toMillis()));
    a.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, ms);
    a.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Math.min(ms, 10_000));
    a.put(CommonClientConfigs.CLIENT_ID_CONFIG, "agriscore-start-check-" + groupId);
    return a;
  }

  /**
   * The limits requests are parsed within for a model of {@code features} features: as set, with
   * {@value #JSON_MAX_FIELDS_CONFIG} raised to the feature count unless the host set it.
   *
   * @throws ConfigException if the host set {@value #JSON_MAX_FIELDS_CONFIG} below the feature
   *     count
   */
  ScoringJson.Limits requestLimits(int features) {
    if (jsonLimits.maxFields() >= features) {
      return jsonLimits;
    }
    if (maxFieldsSet) {
      throw new ConfigException(JSON_MAX_FIELDS_CONFIG, jsonLimits.maxFields(), "the model has "
          + features + " features, so every valid request would be dead-lettered as MALFORMED;"
          + " leave the setting out (it then follows the model) or set it to at least "
          + features);
    }
    return jsonLimits.toBuilder().maxFields(features).build();
  }

  /** The transactional.id of thread {@code thread} (exactly_once). */
  String transactionalId(int thread) {
    return fixedTransactionalId != null ? fixedTransactionalId
        : transactionalIdPrefix + "-" + instanceId + "-" + thread;
  }

  private void suffix(Map<String, Object> props, String key, int thread) {
    String v = text(props.get(key));
    if (v != null && threads > 1) {
      props.put(key, v + "-" + thread);
    }
  }

  /** A copy of the definition of every adapter setting (name, type, default, doc). */
  public static ConfigDef configDef() {
    return new ConfigDef(CONFIG);
  }
}
