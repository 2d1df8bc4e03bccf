package pe.agriscore.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import pe.agriscore.CreditScorer;
import pe.agriscore.kafka.testing.KafkaBroker;
import pe.agriscore.kafka.testing.Outcome;
import pe.agriscore.kafka.testing.RequestProducer;
import pe.agriscore.kafka.testing.Services;
import pe.agriscore.kafka.testing.SharedBroker;
import pe.agriscore.kafka.testing.Topics;
import pe.agriscore.testing.TestBundles;

/**
 * The output topic refuses every score (its {@code max.message.bytes} is smaller than one) until
 * the test raises the limit: each failed batch, and the batch polled and scored behind it, must be
 * read again, so that once scores fit nothing is missing.
 */
class WriteFailureTest {

  private static final int PARTITIONS = 8;
  private static final int REQUESTS = 320;
  private static final int BAD_EVERY = 40;

  @TempDir Path tmp;

  @ParameterizedTest
  @EnumSource(DeliveryMode.class)
  @Timeout(value = 3, unit = TimeUnit.MINUTES)
  void batchesWhoseWriteFailsAreReadAgainWithTheBatchScoredBehindThem(DeliveryMode mode)
      throws Exception {
    KafkaBroker broker = SharedBroker.get();
    String run = "writefail-" + mode.configValue().replace('_', '-');
    try (Admin admin = Topics.admin(broker.bootstrapServers());
        CreditScorer scorer = CreditScorer.open(TestBundles.writeScorecardBundle(tmp))) {
      Topics.create(admin, PARTITIONS, run + "-in", run + "-out", run + "-dlq");
      // About 40 records a partition, 30 a poll: a batch ends inside a partition that the batch
      // behind it goes on with, and that one reaches partitions of its own, which only a rewind
      // of both batches brings back.
      KafkaScoringService service = Services.start(scorer, Services.with(
          Services.properties(broker.bootstrapServers(), run, mode), "max.poll.records", 30));
      try {
        // Lowered after start(), so the service still takes the topic for a normal one: its
        // broker refuses each score at run time. Room for a transaction marker (about 80
        // bytes), none for a score (over 250).
        Topics.setMaxMessageBytes(admin, run + "-out", 160);
        try (RequestProducer producer = new RequestProducer(broker.bootstrapServers(),
            run + "-in", BAD_EVERY)) {
          producer.send(0, REQUESTS);
          producer.finish();
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (service.metrics().rewinds() < 5 && System.nanoTime() < deadline) {
          Thread.sleep(20);
        }
        assertTrue(service.metrics().rewinds() >= 5, service.metrics().toString());
        assertEquals(0, service.metrics().recordsScored(), "no score fits the output topic yet");
        // A host sees the stream stuck: DEGRADED, with the refused write named.
        ServiceHealth health = service.health();
        assertEquals(KafkaScoringService.State.DEGRADED, health.state(), health.toString());
        assertTrue(health.problems().stream().anyMatch(p -> p.contains("a write failed")
            && p.contains("RecordTooLargeException")), health.toString());
        assertFalse(health.isReady());
        assertTrue(health.isLive());

        Topics.setMaxMessageBytes(admin, run + "-out", 1024 * 1024);
        Topics.awaitCommittedToEnd(admin, run + "-group", run + "-in", Duration.ofMinutes(2));
        // The next commit clears the condition.
        assertEquals(KafkaScoringService.State.RUNNING, service.state(),
            service.health().toString());
      } finally {
        service.close();
      }

      Outcome outcome = Outcome.read(broker.bootstrapServers(), run + "-in", run + "-out",
          run + "-dlq");
      assertEquals(REQUESTS, outcome.inputs.size());
      if (mode == DeliveryMode.EXACTLY_ONCE) {
        outcome.assertExactlyOnce("test-scorecard", "1.0.0");
      } else {
        outcome.assertAtLeastOnce("test-scorecard", "1.0.0");
      }
    }
  }
}
