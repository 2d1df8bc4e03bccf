package pe.agriscore.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import pe.agriscore.CreditScorer;
import pe.agriscore.kafka.testing.KafkaBroker;
import pe.agriscore.kafka.testing.Services;
import pe.agriscore.kafka.testing.SharedBroker;
import pe.agriscore.kafka.testing.Topics;
import pe.agriscore.testing.TestBundles;

/**
 * Conditions that cannot heal by themselves fail start() with the adapter's own message, within
 * agriscore.startup.timeout.ms, instead of a service that reports RUNNING and never scores (what
 * today's main did for each case below).
 */
class StartupFailureTest {

  @TempDir Path tmp;

  private static Map<String, Object> properties(String bootstrap, String run) {
    return Services.with(Services.properties(bootstrap, run, DeliveryMode.EXACTLY_ONCE),
        KafkaScoringConfig.STARTUP_TIMEOUT_MS_CONFIG, "5000");
  }

  /** Starts a service that must refuse; returns the refusal after checking the final state. */
  private ServiceStartException refusedStart(Map<String, Object> properties) throws Exception {
    try (CreditScorer scorer = CreditScorer.open(TestBundles.writeScorecardBundle(
        Files.createTempDirectory(tmp, "bundle")))) {
      KafkaScoringService service = KafkaScoringService.builder(scorer).properties(properties)
          .build();
      ServiceStartException e = assertThrows(ServiceStartException.class, service::start);
      assertEquals(KafkaScoringService.State.FAILED, service.state());
      ServiceHealth health = service.health();
      assertEquals(KafkaScoringService.State.FAILED, health.state());
      assertEquals(java.util.List.of(), health.liveThreads(), "a refused start leaves no thread");
      assertTrue(health.problems().get(0).contains(e.getMessage()), health.toString());
      assertEquals(e, service.failure().orElseThrow());
      service.close();
      assertEquals(KafkaScoringService.State.FAILED, service.state());
      return e;
    }
  }

  @Test
  @Timeout(value = 2, unit = TimeUnit.MINUTES)
  void aBootstrapAddressWithNoBrokerFailsStart() throws Exception {
    // Before: RUNNING, initTransactions retried forever with WARN logs, nothing scored.
    String nobody = "127.0.0.1:" + KafkaBroker.freePort();
    ServiceStartException e = refusedStart(properties(nobody, "nobroker"));
    assertTrue(e.getMessage().startsWith("no Kafka broker answered at bootstrap.servers="
        + nobody + " within agriscore.startup.timeout.ms=5000"), e.getMessage());
  }

  @Test
  @Timeout(value = 2, unit = TimeUnit.MINUTES)
  void anUnresolvableBootstrapHostFailsStart() throws Exception {
    ServiceStartException e = refusedStart(properties("no-such-host.invalid:9092", "nohost"));
    assertTrue(e.getMessage().startsWith("cannot connect to bootstrap.servers="
        + "no-such-host.invalid:9092"), e.getMessage());
  }

  @Test
  @Timeout(value = 2, unit = TimeUnit.MINUTES)
  void aControllerPortIsNamedAsSuch() throws Exception {
    // Before: "UnsupportedVersionException: The node does not support FIND_COORDINATOR".
    KafkaBroker broker = SharedBroker.get();
    String controller = "127.0.0.1:" + broker.controllerPort();
    ServiceStartException e = refusedStart(properties(controller, "controller"));
    assertTrue(e.getMessage().contains("most likely a KRaft controller listener"),
        e.getMessage());
    assertTrue(e.getMessage().startsWith("bootstrap.servers=" + controller), e.getMessage());
  }

  @Test
  @Timeout(value = 2, unit = TimeUnit.MINUTES)
  void missingTopicsAreNamedWithTheirSettings() throws Exception {
    // Before: a missing input topic left the service RUNNING with zero throughput; a missing
    // output or dead-letter topic blocked every send for max.block.ms while RUNNING.
    KafkaBroker broker = SharedBroker.get();
    try (Admin admin = Topics.admin(broker.bootstrapServers())) {
      Topics.create(admin, 1, "missing-out-in", "missing-out-dlq");
      ServiceStartException e = refusedStart(properties(broker.bootstrapServers(),
          "missing-out"));
      assertTrue(e.getMessage().startsWith("topic(s) agriscore.output.topic=missing-out-out do"
          + " not exist"), e.getMessage());

      ServiceStartException all = refusedStart(properties(broker.bootstrapServers(),
          "missing-all"));
      assertTrue(all.getMessage().startsWith("topic(s) agriscore.input.topic=missing-all-in,"
          + " agriscore.output.topic=missing-all-out, agriscore.dead.letter.topic="
          + "missing-all-dlq do not exist"), all.getMessage());
    }
  }

  @Test
  @Timeout(value = 2, unit = TimeUnit.MINUTES)
  void aDeadLetterTopicTooSmallForTheHeadersIsRefused() throws Exception {
    KafkaBroker broker = SharedBroker.get();
    try (Admin admin = Topics.admin(broker.bootstrapServers())) {
      Topics.create(admin, 1, "tinydlq-in", "tinydlq-out", "tinydlq-dlq");
      Topics.setMaxMessageBytes(admin, "tinydlq-dlq", 4096);
      ServiceStartException e = refusedStart(properties(broker.bootstrapServers(), "tinydlq"));
      assertTrue(e.getMessage().startsWith("the dead-letter topic tinydlq-dlq takes records up"
          + " to 4096 bytes (its max.message.bytes 4096"), e.getMessage());
    }
  }
}
