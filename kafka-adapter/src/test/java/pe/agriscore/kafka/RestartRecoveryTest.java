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
import pe.agriscore.kafka.testing.ChildJvm;
import pe.agriscore.kafka.testing.ChildService;
import pe.agriscore.kafka.testing.KafkaBroker;
import pe.agriscore.kafka.testing.Outcome;
import pe.agriscore.kafka.testing.RequestProducer;
import pe.agriscore.kafka.testing.Services;
import pe.agriscore.kafka.testing.SharedBroker;
import pe.agriscore.kafka.testing.Topics;
import pe.agriscore.testing.TestBundles;

/**
 * A service in its own JVM is killed with SIGKILL mid-run and started again with the same
 * {@code agriscore.instance.id}, as a StatefulSet pod is: the restarted instance must take its
 * partitions back well before the dead member's session would expire, and the run stays exactly
 * once.
 */
class RestartRecoveryTest {

  private static final int REQUESTS = 12_000;
  private static final int PER_SECOND = 1_500;
  private static final int BAD_EVERY = 100;
  /** Above Kafka's default 45 s, so that waiting for the dead member cannot pass for fast. */
  private static final long SESSION_TIMEOUT_MS = 60_000;

  @TempDir Path tmp;

  @Test
  @Timeout(value = 4, unit = TimeUnit.MINUTES)
  void anInstanceRestartedAfterSigkillTakesItsPartitionsBackBeforeTheSessionTimeout()
      throws Exception {
    KafkaBroker broker = SharedBroker.get();
    String run = "restart";
    String group = run + "-group";
    Path bundle = TestBundles.writeScorecardBundle(tmp);
    try (Admin admin = Topics.admin(broker.bootstrapServers())) {
      Topics.create(admin, 3, run + "-in", run + "-out", run + "-dlq");
      Map<String, Object> props = Services.properties(broker.bootstrapServers(), run,
          DeliveryMode.EXACTLY_ONCE);
      props.put(KafkaScoringConfig.INSTANCE_ID_CONFIG, "scoring-0");
      props.put("session.timeout.ms", String.valueOf(SESSION_TIMEOUT_MS));
      props.put("max.poll.records", "100");
      long idleMs;
      long rejoinMs;
      try (RequestProducer producer = new RequestProducer(broker.bootstrapServers(),
          run + "-in", BAD_EVERY);
          ChildJvm first = ChildService.launch(bundle, props, tmp.resolve("first.log"));
          // The replacement's JVM is up and its model loaded before the crash, as a standby
          // pod's would be: what is measured is the service's recovery, not a JVM's start.
          ChildJvm second = ChildService.launch(bundle, props, tmp.resolve("second.log"))) {
        ChildService.start(first);
        producer.startPaced(REQUESTS, PER_SECOND);
        awaitCommittedBeyond(admin, group, run + "-in", REQUESTS / 5, Duration.ofSeconds(90));
        assertEquals(128 + 9, first.kill(), "the service must die of SIGKILL");
        long killedAt = System.nanoTime();
        ChildService.start(second);
        long restartedAt = System.nanoTime();
        // start() checked the brokers first: a commit the dead instance had in flight is done.
        long before = Topics.sum(Topics.committed(admin, group, run + "-in"));
        assertTrue(before < REQUESTS * 3 / 4, "the kill must come mid-run");
        long resumedAt = awaitCommittedBeyond(admin, group, run + "-in", before + 1,
            Duration.ofMillis(2 * SESSION_TIMEOUT_MS));
        idleMs = TimeUnit.NANOSECONDS.toMillis(resumedAt - killedAt);
        rejoinMs = TimeUnit.NANOSECONDS.toMillis(resumedAt - restartedAt);
        producer.finish();
        Topics.awaitCommittedToEnd(admin, group, run + "-in", Duration.ofMinutes(2));
        assertEquals(128 + 15, second.stop(), "the service must stop on SIGTERM");
      }
      System.out.printf("partitions idle %d ms after the SIGKILL (%d ms after the restarted"
          + " service started); session.timeout.ms %d%n", idleMs, rejoinMs, SESSION_TIMEOUT_MS);
      // A restart that waits for the dead member's session is idle about as long as it: for the
      // remaining session after start() (54 s of 60 s measured without static membership). How
      // long start() itself takes after the kill depends on the machine's load, so only the whole
      // idle time is held to the session timeout.
      assertTrue(rejoinMs < SESSION_TIMEOUT_MS / 2, "the restarted service took " + rejoinMs
          + " ms after start() to commit, against a session timeout of " + SESSION_TIMEOUT_MS
          + " ms");
      assertTrue(idleMs < SESSION_TIMEOUT_MS, "the partitions were idle " + idleMs
          + " ms after the SIGKILL, against a session timeout of " + SESSION_TIMEOUT_MS + " ms");
      Outcome outcome = Outcome.read(broker.bootstrapServers(), run + "-in", run + "-out",
          run + "-dlq");
      assertEquals(REQUESTS, outcome.inputs.size());
      outcome.assertExactlyOnce("test-scorecard", "1.0.0");
    }
  }

  /** Waits until the group has committed at least {@code count} records; returns when. */
  private static long awaitCommittedBeyond(Admin admin, String group, String topic, long count,
      Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      long committed = Topics.sum(Topics.committed(admin, group, topic));
      if (committed >= count) {
        return System.nanoTime();
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("group " + group + " committed " + committed + " of " + count
            + " records of " + topic + " within " + timeout);
      }
      Thread.sleep(50);
    }
  }
}
