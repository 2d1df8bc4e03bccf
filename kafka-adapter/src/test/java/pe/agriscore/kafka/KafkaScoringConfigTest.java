package pe.agriscore.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pe.agriscore.CreditScorer;
import pe.agriscore.testing.TestBundles;

class KafkaScoringConfigTest {

  private static Map<String, Object> minimal() {
    Map<String, Object> p = new HashMap<>();
    p.put("bootstrap.servers", "broker-1:9093");
    p.put("group.id", "scoring");
    p.put("agriscore.input.topic", "requests");
    p.put("agriscore.output.topic", "scores");
    p.put("agriscore.dead.letter.topic", "requests-dlq");
    return p;
  }

  private static Map<String, Object> with(String key, Object value) {
    Map<String, Object> p = minimal();
    p.put(key, value);
    return p;
  }

  private static ConfigException refused(Map<String, Object> props, String key) {
    ConfigException e = assertThrows(ConfigException.class, () -> new KafkaScoringConfig(props));
    assertTrue(e.getMessage().contains(key), e.getMessage());
    return e;
  }

  @Test
  void readsAPropertiesFileAsAKafkaAbstractConfig() {
    Properties file = new Properties();
    minimal().forEach(file::put);
    file.put("agriscore.consumer.threads", "3");
    file.put("agriscore.engine.retry.backoff.ms", "250");
    KafkaScoringConfig c = new KafkaScoringConfig(file);
    assertEquals(3, c.getInt(KafkaScoringConfig.CONSUMER_THREADS_CONFIG));
    assertEquals(250L, c.getLong(KafkaScoringConfig.ENGINE_RETRY_BACKOFF_MS_CONFIG));
    assertEquals(2000L, c.getLong(KafkaScoringConfig.ENGINE_RETRY_BACKOFF_MAX_MS_CONFIG));
    assertEquals("at_least_once", new KafkaScoringConfig(with(
        KafkaScoringConfig.DELIVERY_MODE_CONFIG, "at_least_once"))
        .getString(KafkaScoringConfig.DELIVERY_MODE_CONFIG));
    // Only adapter settings are AbstractConfig values; client properties are routed apart.
    assertFalse(c.values().containsKey("bootstrap.servers"));
    assertEquals(3, c.threads);
  }

  @Test
  void theDefaultsAreExactlyOnceWithSafeClientSettings() {
    KafkaScoringConfig c = new KafkaScoringConfig(minimal());
    assertEquals(DeliveryMode.EXACTLY_ONCE, c.deliveryMode);
    assertEquals(1, c.threads);
    assertEquals(65536, c.requestLimits(6).maxRequestBytes());
    assertEquals(EngineFailurePolicy.DEAD_LETTER, c.engineFailurePolicy);
    Map<String, Object> consumer = c.consumerConfig(0);
    assertEquals("false", consumer.get("enable.auto.commit"));
    assertEquals("read_committed", consumer.get("isolation.level"));
    assertEquals("earliest", consumer.get("auto.offset.reset"));
    assertEquals(ByteArrayDeserializer.class.getName(), consumer.get("value.deserializer"));
    assertEquals("scoring", consumer.get("group.id"));
    Map<String, Object> producer = c.producerConfig(0);
    assertEquals("all", producer.get("acks"));
    assertEquals("true", producer.get("enable.idempotence"));
    assertEquals("agriscore-scoring-" + c.instanceId + "-0", producer.get("transactional.id"));
    assertEquals("10", producer.get("retry.backoff.ms"));
    assertNull(producer.get("group.id"));
  }

  @Test
  void theShortExactlyOnceRetryBackoffIsOnlyADefault() {
    assertEquals(250, new KafkaScoringConfig(with("retry.backoff.ms", 250)).producerConfig(0)
        .get("retry.backoff.ms"));
    assertEquals(300, new KafkaScoringConfig(with("producer.retry.backoff.ms", 300))
        .producerConfig(0).get("retry.backoff.ms"));
    assertNull(new KafkaScoringConfig(with("agriscore.delivery.mode", "at_least_once"))
        .producerConfig(0).get("retry.backoff.ms"), "Kafka's own default at-least-once");
  }

  @Test
  void prefixedPropertiesReachOneClientAndTheOthersReachBoth() {
    Map<String, Object> p = minimal();
    p.put("security.protocol", "SASL_SSL");
    p.put("sasl.mechanism", "SCRAM-SHA-512");
    p.put("consumer.max.poll.records", 200);
    p.put("producer.linger.ms", 20);
    KafkaScoringConfig c = new KafkaScoringConfig(p);
    assertEquals("SASL_SSL", c.consumerConfig(0).get("security.protocol"));
    assertEquals("SASL_SSL", c.producerConfig(0).get("security.protocol"));
    assertEquals("SCRAM-SHA-512", c.producerConfig(0).get("sasl.mechanism"));
    assertEquals(200, c.consumerConfig(0).get("max.poll.records"));
    assertFalse(c.producerConfig(0).containsKey("max.poll.records"));
    assertEquals(20, c.producerConfig(0).get("linger.ms"));
    assertFalse(c.consumerConfig(0).containsKey("linger.ms"));
  }

  @Test
  void eachThreadGetsItsOwnTransactionalIdClientIdAndStaticMembership() {
    Map<String, Object> p = minimal();
    p.put("agriscore.consumer.threads", 3);
    p.put("agriscore.instance.id", "pod-7");
    p.put("agriscore.transactional.id.prefix", "bank-scoring");
    p.put("client.id", "scorer");
    p.put("group.instance.id", "pod-7");
    KafkaScoringConfig c = new KafkaScoringConfig(p);
    assertEquals("bank-scoring-pod-7-0", c.producerConfig(0).get("transactional.id"));
    assertEquals("bank-scoring-pod-7-2", c.producerConfig(2).get("transactional.id"));
    assertEquals("scorer-1", c.consumerConfig(1).get("client.id"));
    assertEquals("pod-7-1", c.consumerConfig(1).get("group.instance.id"));
    assertEquals("pod-7-2", c.consumerConfig(2).get("group.instance.id"));
  }

  @Test
  void aRandomInstanceIdIsChosenPerServiceWhenNoneIsSet() {
    assertNotEquals(new KafkaScoringConfig(minimal()).instanceId,
        new KafkaScoringConfig(minimal()).instanceId);
  }

  @Test
  void atLeastOnceHasNoTransactionsButKeepsAcksAll() {
    KafkaScoringConfig c = new KafkaScoringConfig(with("agriscore.delivery.mode", "AT_LEAST_ONCE"));
    assertEquals(DeliveryMode.AT_LEAST_ONCE, c.deliveryMode);
    assertNull(c.producerConfig(0).get("transactional.id"));
    assertEquals("all", c.producerConfig(0).get("acks"));
    assertEquals("false", c.consumerConfig(0).get("enable.auto.commit"));
  }

  @Test
  void autoCommitIsRefusedInBothModes() {
    ConfigException e = refused(with("enable.auto.commit", "true"), "enable.auto.commit");
    assertTrue(e.getMessage().contains("exactly_once"), e.getMessage());
    Map<String, Object> alos = with("enable.auto.commit", true);
    alos.put("agriscore.delivery.mode", "at_least_once");
    e = refused(alos, "enable.auto.commit");
    assertTrue(e.getMessage().contains("lose requests"), e.getMessage());
    new KafkaScoringConfig(with("enable.auto.commit", "false"));
  }

  @Test
  void readUncommittedIsRefusedUnderExactlyOnceOnly() {
    ConfigException e = refused(with("isolation.level", "read_uncommitted"), "isolation.level");
    assertTrue(e.getMessage().contains("read_committed"), e.getMessage());
    refused(with("consumer.isolation.level", "READ_UNCOMMITTED"), "isolation.level");
    Map<String, Object> alos = with("isolation.level", "read_uncommitted");
    alos.put("agriscore.delivery.mode", "at_least_once");
    assertEquals("read_uncommitted",
        new KafkaScoringConfig(alos).consumerConfig(0).get("isolation.level"));
  }

  @Test
  void acksOtherThanAllAreRefused() {
    ConfigException e = refused(with("acks", "1"), "acks");
    assertTrue(e.getMessage().contains("exactly_once needs acks=all"), e.getMessage());
    Map<String, Object> alos = with("producer.acks", "0");
    alos.put("agriscore.delivery.mode", "at_least_once");
    e = refused(alos, "acks");
    assertTrue(e.getMessage().contains("at_least_once needs acks=all"), e.getMessage());
    new KafkaScoringConfig(with("acks", "-1"));
    new KafkaScoringConfig(with("acks", "all"));
  }

  @Test
  void exactlyOnceRefusesToTurnIdempotenceOff() {
    refused(with("enable.idempotence", "false"), "enable.idempotence");
  }

  @Test
  void aHandSetTransactionalIdServesOneThreadOnly() {
    Map<String, Object> p = with("transactional.id", "scoring-1");
    assertEquals("scoring-1", new KafkaScoringConfig(p).producerConfig(0).get("transactional.id"));
    p.put("agriscore.consumer.threads", "2");
    ConfigException e = refused(p, "transactional.id");
    assertTrue(e.getMessage().contains("fence each other"), e.getMessage());
    Map<String, Object> alos = with("transactional.id", "scoring-1");
    alos.put("agriscore.delivery.mode", "at_least_once");
    refused(alos, "transactional.id");
  }

  @Test
  void theAdapterOwnsTheSerializers() {
    refused(with("value.deserializer", StringDeserializer.class), "value.deserializer");
    refused(with("key.serializer", "org.apache.kafka.common.serialization.StringSerializer"),
        "key.serializer");
    new KafkaScoringConfig(with("value.deserializer", ByteArrayDeserializer.class));
  }

  @Test
  void requiredSettingsAreNamed() {
    Map<String, Object> p = minimal();
    p.remove("group.id");
    refused(p, "group.id");
    p = minimal();
    p.remove("bootstrap.servers");
    refused(p, "bootstrap.servers");
    p = minimal();
    p.remove("agriscore.output.topic");
    refused(p, "agriscore.output.topic");
  }

  @Test
  void topicsMustDiffer() {
    refused(with("agriscore.output.topic", "requests"), "agriscore.input.topic");
    refused(with("agriscore.dead.letter.topic", "scores"), "agriscore.dead.letter.topic");
  }

  @Test
  void adapterSettingsAreTypedAndCheckedLikeKafkasOwn() {
    refused(with("agriscore.delivery.mode", "twice"), "agriscore.delivery.mode");
    refused(with("agriscore.consumer.threads", 0), "agriscore.consumer.threads");
    refused(with("agriscore.engine.retries", "many"), "agriscore.engine.retries");
    refused(with("agriscore.engin.retries", "3"), "agriscore.engin.retries");
    Map<String, Object> p = with("agriscore.engine.retry.backoff.ms", 500);
    p.put("agriscore.engine.retry.backoff.max.ms", 100);
    refused(p, "agriscore.engine.retry.backoff.max.ms");
  }

  @Test
  void theJsonLimitsAreSettingsCheckedByBuildAndFollowAWideModel(@TempDir Path tmp)
      throws Exception {
    // The documented defaults, for a model of 6 features.
    var d = new KafkaScoringConfig(minimal()).requestLimits(6);
    assertEquals(List.of(65536, 8, 64, 256, 128, 256), List.of(d.maxRequestBytes(),
        d.maxDepth(), d.maxNumberLength(), d.maxStringLength(), d.maxNameLength(),
        d.maxFields()));
    Map<String, Object> p = minimal();
    p.put("agriscore.max.request.bytes", 200_000);
    p.put("agriscore.json.max.depth", 3);
    p.put("agriscore.json.max.number.length", 30);
    p.put("agriscore.json.max.string.length", 1000);
    p.put("agriscore.json.max.name.length", 40);
    p.put("agriscore.json.max.fields", 2000);
    var set = new KafkaScoringConfig(p).requestLimits(6);
    assertEquals(List.of(200_000, 3, 30, 1000, 40, 2000), List.of(set.maxRequestBytes(),
        set.maxDepth(), set.maxNumberLength(), set.maxStringLength(), set.maxNameLength(),
        set.maxFields()));
    // Left out, the field limit follows a model wider than 256 features.
    assertEquals(1500, new KafkaScoringConfig(minimal()).requestLimits(1500).maxFields());
    refused(with("agriscore.json.max.depth", 1), "agriscore.json.max.depth");
    refused(with("agriscore.json.max.fields", 0), "agriscore.json.max.fields");
    refused(with("agriscore.json.max.string.length", "long"), "agriscore.json.max.string.length");
    try (CreditScorer wide = CreditScorer.open(TestBundles.writeWideScorecardBundle(tmp,
        "scorecard", 300))) {
      ConfigException e = assertThrows(ConfigException.class, () -> KafkaScoringService
          .builder(wide).properties(with("agriscore.json.max.fields", 100)).build());
      assertTrue(e.getMessage().contains("agriscore.json.max.fields")
          && e.getMessage().contains("the model has 300 features"), e.getMessage());
      KafkaScoringService.builder(wide).properties(minimal()).build().close();
    }
  }

  @Test
  void theBuilderChecksBeforeAnyConnection(@TempDir Path tmp) throws Exception {
    try (CreditScorer scorer = CreditScorer.open(TestBundles.writeScorecardBundle(tmp))) {
      KafkaScoringService.Builder b = KafkaScoringService.builder(scorer);
      b.properties(with("enable.auto.commit", "true"));
      assertThrows(ConfigException.class, b::build);
      KafkaScoringService service = b.property("enable.auto.commit", "false").build();
      assertEquals(KafkaScoringService.State.CREATED, service.state());
      assertEquals(0, service.metrics().recordsIn());
      service.close();
      assertEquals(KafkaScoringService.State.STOPPED, service.state());
      assertThrows(IllegalStateException.class, service::start);
    }
  }

  @Test
  void aConsumerOnlyGroupIdIsRefusedNamingTheKeyToUse() {
    // Before: accepted; the consumer committed under "other" while the transactional ids and
    // metric tags used group.id.
    ConfigException e = refused(with("consumer.group.id", "other"), "consumer.group.id");
    assertTrue(e.getMessage().contains("set the group with group.id (no prefix)"),
        e.getMessage());
    Map<String, Object> p = minimal();
    p.remove("group.id");
    p.put("consumer.group.id", "other");
    refused(p, "consumer.group.id");
  }

  @Test
  void kafkasOwnRangesAreCheckedByBuildNotByStart() {
    // Before: max.poll.records=0 passed build() and failed at start() inside KafkaConsumer.
    ConfigException e = refused(with("max.poll.records", 0), "max.poll.records");
    assertTrue(e.getMessage().contains("Value must be at least 1"), e.getMessage());
    refused(with("consumer.max.poll.records", "0"), "max.poll.records");
    refused(with("producer.linger.ms", "-1"), "linger.ms");
    refused(with("compression.type", "brotli"), "compression.type");
    refused(with("max.poll.records", "many"), "max.poll.records");
  }
}
