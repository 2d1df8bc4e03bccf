package pe.agriscore.kafka;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What {@link KafkaScoringService#start()} checks with an admin client before it creates its
 * consumers and producers: that a broker answers, that the three topics exist and may be
 * described, and what record sizes they accept. Conditions that cannot heal by themselves
 * become a {@link ServiceStartException} in the adapter's words instead of clients retrying
 * forever.
 */
final class StartCheck {

  private static final Logger LOG = LoggerFactory.getLogger(StartCheck.class);

  /**
   * Room a dead letter needs beyond its original record: the agriscore headers, whose texts are
   * capped (see BatchScorer), and the record's own overhead.
   */
  static final int DEAD_LETTER_HEADROOM = 8 * 1024;

  /** What the check found. */
  record Found(RecordLimits limits, Map<String, Object> producerDefaults, int inputPartitions) {}

  private StartCheck() {}

  /**
   * Runs the checks within {@code config.startupTimeout}.
   *
   * @throws ServiceStartException saying what is wrong and which setting to change
   */
  static Found run(KafkaScoringConfig config) {
    long deadline = System.nanoTime() + config.startupTimeout.toNanos();
    String bootstrap = String.valueOf(config.consumerConfig(0)
        .get(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG));
    Admin admin;
    try {
      admin = Admin.create(config.adminConfig(config.startupTimeout));
    } catch (KafkaException e) {
      Throwable cause = e.getCause() instanceof ConfigException c ? c : e;
      throw new ServiceStartException("cannot connect to bootstrap.servers=" + bootstrap + ": "
          + cause.getMessage(), e);
    }
    try (admin) {
      awaitBroker(admin, bootstrap, config, deadline);
      int partitions = checkTopics(admin, bootstrap, config, deadline);
      return limits(admin, config, deadline, partitions);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ServiceStartException("interrupted while checking the brokers", e);
    }
  }

  private static void awaitBroker(Admin admin, String bootstrap, KafkaScoringConfig config,
      long deadline) throws InterruptedException {
    try {
      admin.describeCluster().nodes().get(left(deadline), TimeUnit.NANOSECONDS);
    } catch (ExecutionException e) {
      throw translate(e.getCause(), bootstrap, config, "reaching the brokers");
    } catch (java.util.concurrent.TimeoutException e) {
      throw noBroker(bootstrap, config, e);
    }
  }

  /** Describes the three topics; returns the input topic's partition count. */
  private static int checkTopics(Admin admin, String bootstrap, KafkaScoringConfig config,
      long deadline) throws InterruptedException {
    Map<String, String> settings = topicSettings(config);
    Map<String, KafkaFuture<TopicDescription>> futures = admin.describeTopics(settings.keySet())
        .topicNameValues();
    List<String> missing = new ArrayList<>();
    List<String> denied = new ArrayList<>();
    int inputPartitions = 0;
    for (Map.Entry<String, String> e : settings.entrySet()) {
      try {
        TopicDescription d = futures.get(e.getKey()).get(left(deadline), TimeUnit.NANOSECONDS);
        if (e.getKey().equals(config.inputTopic)) {
          inputPartitions = d.partitions().size();
        }
      } catch (ExecutionException ex) {
        Throwable cause = ex.getCause();
        if (cause instanceof UnknownTopicOrPartitionException) {
          missing.add(e.getValue() + "=" + e.getKey());
        } else if (cause instanceof TopicAuthorizationException) {
          denied.add(e.getValue() + "=" + e.getKey());
        } else {
          throw translate(cause, bootstrap, config, "describing topic " + e.getKey());
        }
      } catch (java.util.concurrent.TimeoutException ex) {
        throw noBroker(bootstrap, config, ex);
      }
    }
    if (!missing.isEmpty()) {
      throw new ServiceStartException("topic(s) " + String.join(", ", missing) + " do not exist"
          + " on the cluster at bootstrap.servers=" + bootstrap + ". The adapter never creates"
          + " topics: create them (partitions and retention are the bank's choice) or correct"
          + " the setting");
    }
    if (!denied.isEmpty()) {
      throw new ServiceStartException("the principal may not describe topic(s) " + String.join(
          ", ", denied) + ": grant it DESCRIBE and READ on the input topic and DESCRIBE and"
          + " WRITE on the output and dead-letter topics");
    }
    return inputPartitions;
  }

  /** Reads the topics' max.message.bytes and derives what the service may write. */
  private static Found limits(Admin admin, KafkaScoringConfig config, long deadline, int partitions)
      throws InterruptedException {
    Map<String, String> settings = topicSettings(config);
    Map<String, Integer> maxMessageBytes = new HashMap<>();
    List<ConfigResource> resources = new ArrayList<>();
    for (String topic : settings.keySet()) {
      resources.add(new ConfigResource(ConfigResource.Type.TOPIC, topic));
    }
    try {
      Map<ConfigResource, Config> configs = admin.describeConfigs(resources).all()
          .get(left(deadline), TimeUnit.NANOSECONDS);
      configs.forEach((resource, c) -> {
        ConfigEntry entry = c.get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
        if (entry != null && entry.value() != null) {
          maxMessageBytes.put(resource.name(), Integer.parseInt(entry.value()));
        }
      });
    } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
      Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
      LOG.warn("could not read the topics' max.message.bytes ({}); record sizes are checked"
          + " against the producer's max.request.size only, and a dead letter the broker refuses"
          + " as too large is cut further when it is written again", cause.toString());
    }
    Map<String, Object> producerDefaults = new HashMap<>();
    int producerMax = ((Number) config.producerValue(ProducerConfig.MAX_REQUEST_SIZE_CONFIG))
        .intValue();
    if (!config.producerSets(ProducerConfig.MAX_REQUEST_SIZE_CONFIG)) {
      // Kafka's 1 MiB default is 12 bytes below its own topic default: let the producer send
      // whatever the output and dead-letter topics take.
      for (String topic : List.of(config.outputTopic, config.deadLetterTopic)) {
        producerMax = Math.max(producerMax, maxMessageBytes.getOrDefault(topic, 0));
      }
      producerDefaults.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, producerMax);
    }
    RecordLimits limits = new RecordLimits(producerMax, maxMessageBytes);
    Integer inputMax = maxMessageBytes.get(config.inputTopic);
    int dlqLimit = limits.limit(config.deadLetterTopic);
    if (dlqLimit < DEAD_LETTER_HEADROOM) {
      throw new ServiceStartException("the dead-letter topic " + config.deadLetterTopic
          + " takes records up to " + dlqLimit + " bytes (its max.message.bytes "
          + maxMessageBytes.getOrDefault(config.deadLetterTopic, -1) + ", the producer's"
          + " max.request.size " + producerMax + "), less than the " + DEAD_LETTER_HEADROOM
          + " bytes a dead letter's agriscore headers may need: raise them");
    }
    if (inputMax != null && dlqLimit < inputMax + DEAD_LETTER_HEADROOM) {
      LOG.warn("the input topic {} takes records up to {} bytes (max.message.bytes), but a dead"
          + " letter can only be {} bytes (the dead-letter topic {}'s max.message.bytes {}, the"
          + " producer's max.request.size {}); the dead letters of input records larger than"
          + " about {} bytes will be cut to fit (agriscore.truncated and agriscore.original.*"
          + " headers). To keep every dead letter byte for byte, raise the dead-letter topic's"
          + " max.message.bytes to at least {}{}", config.inputTopic, inputMax, dlqLimit,
          config.deadLetterTopic, maxMessageBytes.getOrDefault(config.deadLetterTopic, -1),
          producerMax, dlqLimit - DEAD_LETTER_HEADROOM, inputMax + DEAD_LETTER_HEADROOM,
          config.producerSets(ProducerConfig.MAX_REQUEST_SIZE_CONFIG)
              ? " and producer.max.request.size to the same" : "");
    }
    return new Found(limits, producerDefaults, partitions);
  }

  private static Map<String, String> topicSettings(KafkaScoringConfig config) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(config.inputTopic, KafkaScoringConfig.INPUT_TOPIC_CONFIG);
    m.put(config.outputTopic, KafkaScoringConfig.OUTPUT_TOPIC_CONFIG);
    m.put(config.deadLetterTopic, KafkaScoringConfig.DEAD_LETTER_TOPIC_CONFIG);
    return m;
  }

  private static ServiceStartException translate(Throwable cause, String bootstrap,
      KafkaScoringConfig config, String doing) {
    if (cause instanceof UnsupportedVersionException) {
      return controllerPort(bootstrap, cause);
    }
    if (cause instanceof AuthenticationException) {
      String why = ClientFailures.explanation(cause, config.consumerConfig(0));
      return new ServiceStartException(why != null ? why : "authentication failed at"
          + " bootstrap.servers=" + bootstrap + ": " + cause.getMessage() + ". Check"
          + " security.protocol, sasl.mechanism, sasl.jaas.config and the ssl.* settings", cause);
    }
    if (cause instanceof AuthorizationException) {
      return new ServiceStartException("not authorized while " + doing + ": " + cause
          .getMessage(), cause);
    }
    if (cause instanceof org.apache.kafka.common.errors.TimeoutException) {
      return noBroker(bootstrap, config, cause);
    }
    return new ServiceStartException(doing + " failed: " + cause, cause);
  }

  /** The message for a node that answers but does not speak the broker API. */
  static ServiceStartException controllerPort(String bootstrap, Throwable cause) {
    return new ServiceStartException("bootstrap.servers=" + bootstrap + " answers, but does not"
        + " support the client requests the service needs (" + cause.getMessage() + "). It is"
        + " most likely a KRaft controller listener (often port 9093) rather than a broker's"
        + " client listener, or a broker older than 2.5: point bootstrap.servers at the brokers'"
        + " client listener (often port 9092)", cause);
  }

  private static ServiceStartException noBroker(String bootstrap, KafkaScoringConfig config,
      Throwable cause) {
    return new ServiceStartException("no Kafka broker answered at bootstrap.servers=" + bootstrap
        + " within " + KafkaScoringConfig.STARTUP_TIMEOUT_MS_CONFIG + "=" + config.startupTimeout
        .toMillis() + ": check the host names, the port and security.protocol (a TLS listener"
        + " does not answer a PLAINTEXT client), and that the brokers run", cause);
  }

  private static long left(long deadline) {
    return Math.max(0, deadline - System.nanoTime());
  }
}
