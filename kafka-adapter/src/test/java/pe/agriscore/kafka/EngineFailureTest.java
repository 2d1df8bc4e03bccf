package pe.agriscore.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import pe.agriscore.CreditScorer;
import pe.agriscore.engine.EngineException;
import pe.agriscore.kafka.testing.FlakyEngine;
import pe.agriscore.kafka.testing.KafkaBroker;
import pe.agriscore.kafka.testing.Services;
import pe.agriscore.kafka.testing.SharedBroker;
import pe.agriscore.kafka.testing.TopicReader;
import pe.agriscore.kafka.testing.Topics;
import pe.agriscore.scoring.ScoringJson;
import pe.agriscore.testing.FaultyEngine;
import pe.agriscore.testing.TestBundles;

/** Engine failures: retried, isolated to the poison request, or stopping the service. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class EngineFailureTest {

  @TempDir Path tmp;

  @Test
  void aTransientEngineFailureIsRetriedAndEveryRequestIsScored() throws Exception {
    KafkaBroker broker = SharedBroker.get();
    String run = "flaky";
    try (Admin admin = Topics.admin(broker.bootstrapServers());
        CreditScorer scorer = CreditScorer.open(TestBundles.writeMarkerBundle(tmp, "test-flaky"))) {
      Topics.create(admin, 1, run + "-in", run + "-out", run + "-dlq");
      produce(broker, run + "-in", 40, -1);
      FlakyEngine.failNextCalls.set(2);
      KafkaScoringService service = Services.start(scorer, Services.with(
          Services.properties(broker.bootstrapServers(), run, DeliveryMode.EXACTLY_ONCE),
          KafkaScoringConfig.ENGINE_RETRY_BACKOFF_MS_CONFIG, "50"));
      Topics.awaitCommittedToEnd(admin, run + "-group", run + "-in", Duration.ofSeconds(60));
      service.close();
      assertEquals(40, TopicReader.readAll(broker.bootstrapServers(), run + "-out").size());
      assertEquals(0, TopicReader.readAll(broker.bootstrapServers(), run + "-dlq").size());
      assertEquals(2, service.metrics().engineRetries());
      assertEquals(0, FlakyEngine.failNextCalls.get());
    }
  }

  @Test
  void aPoisonRequestIsDeadLetteredAloneWithTheEngineFailureAndItsNeighboursAreScored()
      throws Exception {
    KafkaBroker broker = SharedBroker.get();
    String run = "poison";
    try (Admin admin = Topics.admin(broker.bootstrapServers());
        CreditScorer scorer = CreditScorer.open(TestBundles.writeMarkerBundle(tmp, "test-faulty"))) {
      Topics.create(admin, 1, run + "-in", run + "-out", run + "-dlq");
      Map<String, RecordMetadata> sent = produce(broker, run + "-in", 30, 17);
      KafkaScoringService service = Services.start(scorer, Services.with(Services.with(
          Services.properties(broker.bootstrapServers(), run, DeliveryMode.EXACTLY_ONCE),
          KafkaScoringConfig.ENGINE_RETRY_BACKOFF_MS_CONFIG, "20"),
          KafkaScoringConfig.ENGINE_RETRIES_CONFIG, "2"));
      Topics.awaitCommittedToEnd(admin, run + "-group", run + "-in", Duration.ofSeconds(60));
      service.close();

      List<ConsumerRecord<byte[], byte[]>> scores =
          TopicReader.readAll(broker.bootstrapServers(), run + "-out");
      assertEquals(29, scores.size());
      List<ConsumerRecord<byte[], byte[]>> dlq =
          TopicReader.readAll(broker.bootstrapServers(), run + "-dlq");
      assertEquals(1, dlq.size());
      ConsumerRecord<byte[], byte[]> d = dlq.get(0);
      assertEquals("A-17", new String(d.key(), StandardCharsets.UTF_8));
      assertEquals("ENGINE_FAILURE", DeadLetterHeaders.get(d.headers(),
          DeadLetterHeaders.ERROR_KIND));
      // The class the engine threw, not a wrapper.
      assertEquals(IllegalStateException.class.getName(), DeadLetterHeaders.get(d.headers(),
          DeadLetterHeaders.ERROR_CLASS));
      assertTrue(DeadLetterHeaders.get(d.headers(), DeadLetterHeaders.ERROR_MESSAGE)
          .contains("native failure"), DeadLetterHeaders.get(d.headers(),
          DeadLetterHeaders.ERROR_MESSAGE));
      assertEquals("[]", DeadLetterHeaders.get(d.headers(), DeadLetterHeaders.ERROR_REASONS));
      // One batch call, two retries, then alone.
      assertEquals("4", DeadLetterHeaders.get(d.headers(), DeadLetterHeaders.ERROR_ATTEMPTS));
      assertEquals(String.valueOf(sent.get("A-17").offset()),
          DeadLetterHeaders.get(d.headers(), DeadLetterHeaders.SOURCE_OFFSET));
      assertEquals("test-faulty", DeadLetterHeaders.get(d.headers(),
          DeadLetterHeaders.MODEL_NAME));
      assertEquals("0.1.0", DeadLetterHeaders.get(d.headers(),
          DeadLetterHeaders.MODEL_VERSION));
      assertEquals(ScoringJson.readRequest(d.value()).applicantId(), "A-17");
    }
  }

  @Test
  void theFailPolicyStopsTheServiceWithoutCommittingTheFailedBatch() throws Exception {
    KafkaBroker broker = SharedBroker.get();
    String run = "failpolicy";
    try (Admin admin = Topics.admin(broker.bootstrapServers());
        CreditScorer scorer = CreditScorer.open(TestBundles.writeMarkerBundle(tmp, "test-faulty"))) {
      Topics.create(admin, 1, run + "-in", run + "-out", run + "-dlq");
      Map<String, RecordMetadata> sent = produce(broker, run + "-in", 20, 12);
      Map<String, Object> props = Services.properties(broker.bootstrapServers(), run,
          DeliveryMode.EXACTLY_ONCE);
      props.put(KafkaScoringConfig.ENGINE_FAILURE_POLICY_CONFIG, "fail");
      props.put(KafkaScoringConfig.ENGINE_RETRIES_CONFIG, "1");
      props.put(KafkaScoringConfig.ENGINE_RETRY_BACKOFF_MS_CONFIG, "20");
      KafkaScoringService service = Services.start(scorer, props);
      assertTrue(service.awaitTermination(Duration.ofSeconds(60)), "the service must stop");
      assertEquals(KafkaScoringService.State.FAILED, service.state());
      EngineException e = assertInstanceOf(EngineException.class, service.failure().get());
      assertTrue(e.getMessage().contains("policy 'fail'"), e.getMessage());
      service.close();

      long committed = Topics.sum(Topics.committed(admin, run + "-group", run + "-in"));
      assertTrue(committed <= sent.get("A-12").offset(),
          "the batch holding the poison request must not be committed: " + committed);
      // Exactly the requests before the committed offset were scored; none after it.
      assertEquals(committed, TopicReader.readAll(broker.bootstrapServers(), run + "-out")
          .size());
      assertEquals(0, TopicReader.readAll(broker.bootstrapServers(), run + "-dlq").size());
    }
  }

  /** Writes {@code count} requests A-0... to one partition; {@code poison} gets the marker. */
  private static Map<String, RecordMetadata> produce(KafkaBroker broker, String topic, int count,
      int poison) throws Exception {
    Map<String, Object> p = new HashMap<>();
    p.put("bootstrap.servers", broker.bootstrapServers());
    Map<String, RecordMetadata> sent = new HashMap<>();
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p,
        new ByteArraySerializer(), new ByteArraySerializer())) {
      for (int i = 0; i < count; i++) {
        String id = "A-" + i;
        byte[] value = ScoringJson.writeRequest(TestBundles.farm(id,
            i == poison ? FaultyEngine.THROW_MARKER : 2.0 + i % 5));
        sent.put(id, producer.send(new ProducerRecord<>(topic,
            id.getBytes(StandardCharsets.UTF_8), value)).get());
      }
    }
    return sent;
  }
}
