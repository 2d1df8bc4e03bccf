package pe.agriscore.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import pe.agriscore.CreditScorer;
import pe.agriscore.kafka.testing.KafkaBroker;
import pe.agriscore.kafka.testing.Outcome;
import pe.agriscore.kafka.testing.RequestProducer;
import pe.agriscore.kafka.testing.Services;
import pe.agriscore.kafka.testing.SharedBroker;
import pe.agriscore.kafka.testing.Topics;
import pe.agriscore.scoring.CreditScore;
import pe.agriscore.scoring.ScoringJson;
import pe.agriscore.testing.TestBundles;

/**
 * 100,000 requests, 1% of them bad, through one exactly-once service; in the middle, two
 * oversized records: one at the broker's default record limit (its dead letter, with the
 * agriscore headers, no longer fits the default dead-letter topic) and one above the dead-letter
 * topic's limit. On today's main the first one stopped its partition for good (the transaction
 * was aborted and the batch re-read forever, RUNNING, with a WARN and stack trace each time).
 */
class ExactlyOnceVolumeTest {

  private static final int REQUESTS = 100_000;
  private static final int BAD_EVERY = 100;
  private static final String AT_DEFAULT_LIMIT = "BAD-HUGE-1048000";
  private static final String ABOVE_DLQ_LIMIT = "BAD-HUGE-1500000";
  private static final int OVERSIZED = 2;

  @TempDir Path tmp;

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void everyRequestGetsExactlyOneScoreOrOneDeadLetterWithItsReason() throws Exception {
    KafkaBroker broker = SharedBroker.get();
    String run = "volume";
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (Admin admin = Topics.admin(broker.bootstrapServers());
        CreditScorer scorer = CreditScorer.open(TestBundles.writeScorecardBundle(tmp))) {
      Topics.create(admin, 4, run + "-in", run + "-out", run + "-dlq");
      // The input takes records up to 2 MiB; the dead-letter topic keeps Kafka's default.
      Topics.setMaxMessageBytes(admin, run + "-in", 2 * 1024 * 1024);
      KafkaScoringService service = KafkaScoringService.builder(scorer)
          .properties(Services.properties(broker.bootstrapServers(), run,
              DeliveryMode.EXACTLY_ONCE))
          .build();
      new KafkaScoringMetrics(service).bindTo(registry);
      service.start();
      long t0 = System.nanoTime();
      try (RequestProducer producer = new RequestProducer(broker.bootstrapServers(),
          run + "-in", BAD_EVERY)) {
        producer.send(0, REQUESTS / 2);
        producer.sendRaw(AT_DEFAULT_LIMIT, new byte[1_048_000]);
        producer.sendRaw(ABOVE_DLQ_LIMIT, new byte[1_500_000]);
        producer.send(REQUESTS / 2, REQUESTS);
        producer.finish();
      }
      long produced = System.nanoTime();
      Topics.awaitCommittedToEnd(admin, run + "-group", run + "-in", Duration.ofMinutes(4));
      long committed = System.nanoTime();
      System.out.printf("produced in %.1f s, all committed after %.1f s%n",
          (produced - t0) / 1e9, (committed - t0) / 1e9);
      int bad = REQUESTS / BAD_EVERY + OVERSIZED;
      int valid = REQUESTS - REQUESTS / BAD_EVERY;
      // Counters move right after the commit that the offsets above come from.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (registry.get("agriscore.kafka.records.scored").functionCounter().count()
          < valid && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertEquals(valid,
          registry.get("agriscore.kafka.records.scored").functionCounter().count());
      assertEquals(bad,
          registry.get("agriscore.kafka.records.dead.lettered").functionCounter().count());
      assertEquals(REQUESTS + OVERSIZED,
          registry.get("agriscore.kafka.latency").timer().count());
      assertEquals(OVERSIZED,
          registry.get("agriscore.kafka.dead.letters.truncated").functionCounter().count());
      assertEquals(service.metrics().batches(),
          registry.get("agriscore.kafka.batch.size").summary().count());
      assertEquals(service.metrics().recordsIn(),
          (long) registry.get("agriscore.kafka.batch.size").summary().totalAmount());
      service.close();
      assertEquals(KafkaScoringService.State.STOPPED, service.state());

      Outcome outcome = Outcome.read(broker.bootstrapServers(), run + "-in", run + "-out",
          run + "-dlq");
      assertEquals(REQUESTS + OVERSIZED, outcome.inputs.size());
      assertEquals(bad, outcome.badInputs);
      outcome.assertExactlyOnce("test-scorecard", "1.0.0");
      for (String key : List.of(AT_DEFAULT_LIMIT, ABOVE_DLQ_LIMIT)) {
        ConsumerRecord<byte[], byte[]> dl = outcome.deadLetters.get(key).get(0);
        assertEquals("value", DeadLetterHeaders.get(dl.headers(), DeadLetterHeaders.TRUNCATED),
            key);
        assertTrue(Outcome.hasReason(DeadLetterHeaders.get(dl.headers(),
            DeadLetterHeaders.ERROR_REASONS), "$", "MALFORMED"), key);
        // Cut to the default dead-letter topic's 1,048,588 bytes, less the headers.
        assertTrue(dl.value().length > 1_040_000 && dl.value().length < 1_048_000,
            key + ": " + dl.value().length);
      }

      // The right score for the right applicant: the scorecard's probability, computed from
      // its stated coefficients, for a sample of requests.
      List<String> keys = new ArrayList<>(outcome.scores.keySet());
      for (int i = 0; i < keys.size(); i += 197) {
        ConsumerRecord<byte[], byte[]> in = outcome.inputs.get(keys.get(i));
        CreditScore s = (CreditScore) ScoringJson.readResult(
            outcome.scores.get(keys.get(i)).get(0).value());
        assertEquals(TestBundles.expectedProbability(ScoringJson.readRequest(in.value())),
            s.probabilityOfDefault(), 1e-9, keys.get(i));
      }

      ScoringMetrics m = service.metrics();
      assertEquals(valid, m.recordsScored());
      assertEquals(bad, m.recordsDeadLettered());
      assertEquals(REQUESTS + OVERSIZED, m.latencyCount());
      assertEquals(OVERSIZED, m.deadLettersTruncated());
      assertEquals(0, m.rewinds(), "nothing is written twice: " + m);
      assertTrue(m.recordsIn() >= REQUESTS, m.toString());
      assertTrue(m.maxBatchSize() <= 500 && m.maxBatchSize() > 1, m.toString());
      assertTrue(m.batches() >= REQUESTS / 500, m.toString());
      assertTrue(m.latencyMaxMillis() >= m.latencyMeanMillis(), m.toString());
      assertEquals(0, registry.getMeters().size(), "close() removes the service's meters");
    }
  }
}
