package pe.agriscore.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import pe.agriscore.CreditScorer;
import pe.agriscore.kafka.testing.KafkaBroker;
import pe.agriscore.kafka.testing.Outcome;
import pe.agriscore.kafka.testing.RequestProducer;
import pe.agriscore.kafka.testing.Services;
import pe.agriscore.kafka.testing.SharedBroker;
import pe.agriscore.kafka.testing.Topics;
import pe.agriscore.testing.TestBundles;

/** Instances join and leave the consumer group, or stop and start, while requests arrive. */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class GroupMembershipTest {

  private static final int REQUESTS = 20_000;
  private static final int PER_SECOND = 2_000;
  private static final int BAD_EVERY = 100;

  @TempDir Path tmp;

  /** Under both group protocols: the classic one (eager) and KIP-848's. */
  @ParameterizedTest
  @ValueSource(strings = {"classic", "consumer"})
  void aSecondInstanceJoiningAndLeavingMidRunLosesAndDuplicatesNothing(String protocol)
      throws Exception {
    KafkaBroker broker = SharedBroker.get();
    String run = "join-" + protocol;
    try (Admin admin = Topics.admin(broker.bootstrapServers());
        CreditScorer scorer = CreditScorer.open(TestBundles.writeScorecardBundle(tmp))) {
      Topics.create(admin, 6, run + "-in", run + "-out", run + "-dlq");
      Map<String, Object> props = Services.with(Services.properties(broker.bootstrapServers(),
          run, DeliveryMode.EXACTLY_ONCE), "group.protocol", protocol);
      props.put("max.poll.records", "200");
      KafkaScoringService first = Services.start(scorer, props);
      KafkaScoringService second;
      long firstBeforeLeave;
      try (RequestProducer producer = new RequestProducer(broker.bootstrapServers(),
          run + "-in", BAD_EVERY)) {
        // The requests go out in three ranges, each after the step before it, so the join and
        // the leave come mid-run by construction: a check that the first instance had scored
        // less than three quarters failed on a loaded machine, where the second one took long
        // enough to join and score its share that the first had scored nearly everything.
        producer.startPaced(0, REQUESTS / 2, PER_SECOND);
        BrokerFailureTest.awaitScored(first, REQUESTS / 8);
        second = Services.start(scorer, props);
        awaitAssigned(second);
        producer.startPaced(REQUESTS / 2, REQUESTS * 3 / 4, PER_SECOND);
        BrokerFailureTest.awaitScored(second, REQUESTS / 10);
        producer.startPaced(REQUESTS * 3 / 4, REQUESTS, PER_SECOND);
        second.close();
        assertEquals(KafkaScoringService.State.STOPPED, second.state());
        firstBeforeLeave = first.metrics().recordsScored();
        producer.finish();
      }
      Topics.awaitCommittedToEnd(admin, run + "-group", run + "-in", Duration.ofMinutes(2));
      assertEquals(KafkaScoringService.State.RUNNING, first.state(), () -> "" + first.failure());
      first.close();

      Outcome outcome = Outcome.read(broker.bootstrapServers(), run + "-in", run + "-out",
          run + "-dlq");
      assertEquals(REQUESTS, outcome.inputs.size());
      outcome.assertExactlyOnce("test-scorecard", "1.0.0");
      ScoringMetrics a = first.metrics();
      ScoringMetrics b = second.metrics();
      // Committed work is counted once per commit: the two instances' counts partition the run.
      assertEquals(outcome.validInputs, a.recordsScored() + b.recordsScored());
      assertEquals(outcome.badInputs, a.recordsDeadLettered() + b.recordsDeadLettered());
      assertTrue(a.recordsScored() > firstBeforeLeave, "the first instance took over");
      System.out.printf("%s: first %s%n  second %s%n", protocol, a, b);
    }
  }

  /** Waits until the group has given {@code service} partitions. */
  private static void awaitAssigned(KafkaScoringService service) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (service.health().assignedPartitions() == 0) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no partitions after 60 s: " + service.health());
      }
      Thread.sleep(20);
    }
  }

  @Test
  void aStoppedServiceResumesFromItsCommittedOffsets() throws Exception {
    KafkaBroker broker = SharedBroker.get();
    String run = "resume";
    try (Admin admin = Topics.admin(broker.bootstrapServers());
        CreditScorer scorer = CreditScorer.open(TestBundles.writeScorecardBundle(tmp))) {
      Topics.create(admin, 3, run + "-in", run + "-out", run + "-dlq");
      Map<String, Object> props = Services.properties(broker.bootstrapServers(), run,
          DeliveryMode.EXACTLY_ONCE);
      KafkaScoringService before = Services.start(scorer, props);
      KafkaScoringService after;
      long committedBetween;
      try (RequestProducer producer = new RequestProducer(broker.bootstrapServers(),
          run + "-in", BAD_EVERY)) {
        // The second half goes out after the stop, so the stop comes mid-run by construction
        // (a check that less than half was committed could trip when the test thread starved).
        producer.startPaced(0, REQUESTS / 2, 2_500);
        BrokerFailureTest.awaitScored(before, REQUESTS / 5);
        before.close();
        assertEquals(KafkaScoringService.State.STOPPED, before.state());
        ScoringMetrics m = before.metrics();
        committedBetween = Topics.sum(Topics.committed(admin, run + "-group", run + "-in"));
        // A graceful stop commits the batch in hand: everything read was committed.
        assertEquals(m.recordsScored() + m.recordsDeadLettered(), committedBetween);
        assertEquals(m.recordsIn(), committedBetween);
        producer.startPaced(REQUESTS / 2, REQUESTS, 2_500);
        after = Services.start(scorer, props);
        producer.finish();
      }
      Topics.awaitCommittedToEnd(admin, run + "-group", run + "-in", Duration.ofMinutes(2));
      after.close();
      // The restarted service read exactly what was not committed yet: nothing twice.
      assertEquals(REQUESTS - committedBetween, after.metrics().recordsIn());
      Outcome outcome = Outcome.read(broker.bootstrapServers(), run + "-in", run + "-out",
          run + "-dlq");
      assertEquals(REQUESTS, outcome.inputs.size());
      outcome.assertExactlyOnce("test-scorecard", "1.0.0");
    }
  }

  /**
   * A replacement instance starts with the same instance id while the old one still runs: its
   * transactional producer fences the old one, which must stop rather than commit as a zombie.
   */
  @Test
  void anInstanceFencedByItsReplacementStopsInsteadOfActingAsAZombie() throws Exception {
    KafkaBroker broker = SharedBroker.get();
    String run = "zombie";
    try (Admin admin = Topics.admin(broker.bootstrapServers());
        CreditScorer scorer = CreditScorer.open(TestBundles.writeScorecardBundle(tmp))) {
      Topics.create(admin, 4, run + "-in", run + "-out", run + "-dlq");
      Map<String, Object> props = Services.with(Services.properties(broker.bootstrapServers(),
          run, DeliveryMode.EXACTLY_ONCE), KafkaScoringConfig.INSTANCE_ID_CONFIG, "scorer-1");
      props.put("max.poll.records", "100");
      KafkaScoringService old = Services.start(scorer, props);
      KafkaScoringService replacement;
      try (RequestProducer producer = new RequestProducer(broker.bootstrapServers(),
          run + "-in", BAD_EVERY)) {
        producer.startPaced(REQUESTS / 2, PER_SECOND);
        BrokerFailureTest.awaitScored(old, REQUESTS / 20);
        replacement = Services.start(scorer, props);
        assertTrue(old.awaitTermination(Duration.ofSeconds(60)), "the fenced instance stops");
        producer.finish();
      }
      assertEquals(KafkaScoringService.State.FAILED, old.state());
      assertTrue(old.failure().get().getMessage().contains("was fenced"),
          old.failure().get().getMessage());
      Topics.awaitCommittedToEnd(admin, run + "-group", run + "-in", Duration.ofMinutes(2));
      assertEquals(KafkaScoringService.State.RUNNING, replacement.state(),
          () -> "" + replacement.failure());
      replacement.close();
      old.close();
      Outcome outcome = Outcome.read(broker.bootstrapServers(), run + "-in", run + "-out",
          run + "-dlq");
      assertEquals(REQUESTS / 2, outcome.inputs.size());
      outcome.assertExactlyOnce("test-scorecard", "1.0.0");
      assertEquals(outcome.validInputs,
          old.metrics().recordsScored() + replacement.metrics().recordsScored());
    }
  }
}
