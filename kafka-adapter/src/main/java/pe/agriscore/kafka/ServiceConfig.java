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
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The parsed and checked configuration of one service: adapter settings plus the consumer and
 * producer properties of each thread. Refuses, with a message saying why, every combination that
 * would break the promised delivery guarantee.
 */
final class ServiceConfig {

  /** The producer's {@code retry.backoff.ms} under exactly_once unless set: see checkProducer. */
  static final String EXACTLY_ONCE_RETRY_BACKOFF_MS = "10";

  final String inputTopic;
  final String outputTopic;
  final String deadLetterTopic;
  final DeliveryMode deliveryMode;
  final int threads;
  final String instanceId;
  final String groupId;
  final int maxRequestBytes;
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

  private ServiceConfig(Settings s, Map<String, Object> consumer, Map<String, Object> producer) {
    inputTopic = s.getString(KafkaScoringConfig.INPUT_TOPIC);
    outputTopic = s.getString(KafkaScoringConfig.OUTPUT_TOPIC);
    deadLetterTopic = s.getString(KafkaScoringConfig.DEAD_LETTER_TOPIC);
    deliveryMode = DeliveryMode.fromConfigValue(s.getString(KafkaScoringConfig.DELIVERY_MODE));
    threads = s.getInt(KafkaScoringConfig.CONSUMER_THREADS);
    String instance = s.getString(KafkaScoringConfig.INSTANCE_ID);
    instanceId = instance == null || instance.isBlank() ? UUID.randomUUID().toString() : instance;
    if (instance != null && !instance.isBlank()) {
      deriveGroupInstanceId(consumer, instance);
    }
    groupId = text(consumer.get(ConsumerConfig.GROUP_ID_CONFIG));
    String prefix = s.getString(KafkaScoringConfig.TRANSACTIONAL_ID_PREFIX);
    transactionalIdPrefix = prefix == null || prefix.isBlank() ? "agriscore-" + groupId : prefix;
    fixedTransactionalId = text(producer.get(ProducerConfig.TRANSACTIONAL_ID_CONFIG));
    maxRequestBytes = s.getInt(KafkaScoringConfig.MAX_REQUEST_BYTES);
    pollTimeout = Duration.ofMillis(s.getLong(KafkaScoringConfig.POLL_TIMEOUT_MS));
    engineRetries = s.getInt(KafkaScoringConfig.ENGINE_RETRIES);
    engineBackoffMs = s.getLong(KafkaScoringConfig.ENGINE_RETRY_BACKOFF_MS);
    engineBackoffMaxMs = s.getLong(KafkaScoringConfig.ENGINE_RETRY_BACKOFF_MAX_MS);
    engineFailurePolicy = EngineFailurePolicy.fromConfigValue(
        s.getString(KafkaScoringConfig.ENGINE_FAILURE_POLICY));
    shutdownTimeout = Duration.ofMillis(s.getLong(KafkaScoringConfig.SHUTDOWN_TIMEOUT_MS));
    startupTimeout = Duration.ofMillis(s.getLong(KafkaScoringConfig.STARTUP_TIMEOUT_MS));
    stallTimeout = Duration.ofMillis(s.getLong(KafkaScoringConfig.STALL_TIMEOUT_MS));
    consumerBase = consumer;
    producerBase = producer;
  }

  /**
   * Splits, parses and checks a service's properties.
   *
   * @throws ConfigException naming the setting and why its value is refused
   */
  static ServiceConfig parse(Map<String, ?> properties) {
    Map<String, Object> adapter = new HashMap<>();
    Map<String, Object> common = new LinkedHashMap<>();
    Map<String, Object> consumer = new LinkedHashMap<>();
    Map<String, Object> producer = new LinkedHashMap<>();
    Set<String> known = KafkaScoringConfig.configDef().names();
    for (Map.Entry<String, ?> e : properties.entrySet()) {
      String key = e.getKey();
      Object value = e.getValue();
      if (value == null) {
        throw new ConfigException(key, null, "a property cannot be null; leave it out instead");
      }
      if (key.startsWith(KafkaScoringConfig.PREFIX)) {
        if (!known.contains(key)) {
          throw new ConfigException(key, value, "not an adapter setting; the adapter settings"
              + " are " + new TreeSet<>(known));
        }
        adapter.put(key, value);
      } else if (key.startsWith(KafkaScoringConfig.CONSUMER_PREFIX)) {
        if (key.equals(KafkaScoringConfig.CONSUMER_PREFIX + ConsumerConfig.GROUP_ID_CONFIG)) {
          throw new ConfigException(key, value, "set the group with " + ConsumerConfig
              .GROUP_ID_CONFIG + " (no prefix): it names the committed offsets, the default"
              + " transactional ids and the metric tags, which must all agree");
        }
        consumer.put(key.substring(KafkaScoringConfig.CONSUMER_PREFIX.length()), value);
      } else if (key.startsWith(KafkaScoringConfig.PRODUCER_PREFIX)) {
        producer.put(key.substring(KafkaScoringConfig.PRODUCER_PREFIX.length()), value);
      } else {
        common.put(key, value);
      }
    }
    Settings settings = new Settings(adapter);
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
    DeliveryMode mode = DeliveryMode.fromConfigValue(
        settings.getString(KafkaScoringConfig.DELIVERY_MODE));
    checkTopics(settings);
    checkBackoff(settings);
    checkConsumer(c, mode);
    checkProducer(p, mode, settings.getInt(KafkaScoringConfig.CONSUMER_THREADS));
    // Kafka's own checks (ranges, types, enums) now rather than when start() creates clients.
    ConsumerConfig.configDef().parse(c);
    ProducerConfig.configDef().parse(p);
    return new ServiceConfig(settings, c, p);
  }

  private static void checkTopics(Settings s) {
    String in = s.getString(KafkaScoringConfig.INPUT_TOPIC);
    String out = s.getString(KafkaScoringConfig.OUTPUT_TOPIC);
    String dlq = s.getString(KafkaScoringConfig.DEAD_LETTER_TOPIC);
    if (in.equals(out) || in.equals(dlq)) {
      throw new ConfigException(KafkaScoringConfig.INPUT_TOPIC, in, "the input topic cannot also"
          + " be the output or dead-letter topic: the service would read its own results back");
    }
    if (out.equals(dlq)) {
      throw new ConfigException(KafkaScoringConfig.DEAD_LETTER_TOPIC, dlq, "the dead-letter"
          + " topic must differ from the output topic, whose readers expect only scores");
    }
  }

  private static void checkBackoff(Settings s) {
    long backoff = s.getLong(KafkaScoringConfig.ENGINE_RETRY_BACKOFF_MS);
    long max = s.getLong(KafkaScoringConfig.ENGINE_RETRY_BACKOFF_MAX_MS);
    if (max < backoff) {
      throw new ConfigException(KafkaScoringConfig.ENGINE_RETRY_BACKOFF_MAX_MS, max,
          "must be at least " + KafkaScoringConfig.ENGINE_RETRY_BACKOFF_MS + " (" + backoff + ")");
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
          + " each thread then gets {" + KafkaScoringConfig.TRANSACTIONAL_ID_PREFIX + "}-{"
          + KafkaScoringConfig.INSTANCE_ID + "}-{thread} (set both if the ids must be known in"
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

  /** The adapter settings, parsed and validated against {@link KafkaScoringConfig#configDef()}. */
  private static final class Settings extends AbstractConfig {
    Settings(Map<String, Object> values) {
      super(KafkaScoringConfig.configDef(), values, false);
    }
  }
}
