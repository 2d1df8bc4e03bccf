package pe.agriscore.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import pe.agriscore.CreditScorer;
import pe.agriscore.kafka.testing.KafkaBroker;
import pe.agriscore.kafka.testing.RequestProducer;
import pe.agriscore.kafka.testing.Services;
import pe.agriscore.kafka.testing.SharedBroker;
import pe.agriscore.kafka.testing.Topics;
import pe.agriscore.testing.TestBundles;

/**
 * A host JVM (a child process) whose output topic is deleted while it scores: every send then
 * waits {@code max.block.ms} (60 s) for the topic's metadata. The service must report DEGRADED,
 * and after {@code close()} the host's {@code main} returns and the JVM exits. On today's main
 * the service stayed RUNNING, and the JVM never exited: close() returned while a non-daemon
 * worker thread was still inside {@code KafkaProducer.send}. The host's log also shows the
 * start-up warning about the topics' record limits.
 */
class HostExitTest {

  @TempDir Path tmp;

  @Test
  @Timeout(value = 4, unit = TimeUnit.MINUTES)
  void aHostWhoseMainReturnsAfterCloseExitsEvenWithASendStuckOnAMissingTopic()
      throws Exception {
    KafkaBroker broker = SharedBroker.get();
    String run = "hostexit";
    try (Admin admin = Topics.admin(broker.bootstrapServers())) {
      Topics.create(admin, 2, run + "-in", run + "-out", run + "-dlq");
    }
    Path bundle = TestBundles.writeScorecardBundle(tmp);
    Path log = tmp.resolve("host.log");
    String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String classpath = System.getProperty("surefire.test.class.path",
        System.getProperty("java.class.path"));
    Process host = new ProcessBuilder(javaBin, "-Xmx256m", "-cp", classpath,
        Host.class.getName(), broker.bootstrapServers(), run, bundle.toString())
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      boolean exited = host.waitFor(3, TimeUnit.MINUTES);
      String output = Files.readString(log, StandardCharsets.UTF_8);
      if (!exited) {
        fail("the host JVM did not exit after close() and main returned:\n" + output);
      }
      // What the host saw, for the test report.
      output.lines().filter(l -> l.startsWith("HOST ")).forEach(System.out::println);
      assertEquals(0, host.exitValue(), output);
      assertTrue(output.contains("HOST SAW DEGRADED"), output);
      assertTrue(output.contains("waiting") || output.contains("writing"), output);
      assertTrue(output.contains("HOST CLOSED STOPPED liveThreads=[]"), output);
      assertTrue(output.contains("HOST MAIN RETURNS"), output);
      // With Kafka's default topic limits, start() warns that the largest input records cannot
      // keep their bytes in a dead letter, naming the setting to change.
      assertTrue(output.contains("raise the dead-letter topic's max.message.bytes to at least"
          + " 1056780"), output);
    } finally {
      if (host.isAlive()) {
        host.destroyForcibly().waitFor();
      }
    }
  }

  /** The host: scores, loses its output topic, waits until DEGRADED, closes, returns. */
  public static final class Host {
    public static void main(String[] args) throws Exception {
      String bootstrap = args[0];
      String run = args[1];
      Map<String, Object> p = Services.properties(bootstrap, run, DeliveryMode.EXACTLY_ONCE);
      p.put(KafkaScoringConfig.SHUTDOWN_TIMEOUT_MS_CONFIG, "2000");
      p.put(KafkaScoringConfig.STALL_TIMEOUT_MS_CONFIG, "2000");
      try (CreditScorer scorer = CreditScorer.open(Path.of(args[2]));
          Admin admin = Topics.admin(bootstrap)) {
        KafkaScoringService service = Services.start(scorer, p);
        try (RequestProducer producer = new RequestProducer(bootstrap, run + "-in", 0)) {
          producer.send(0, 200);
          producer.finish();
          Topics.awaitCommittedToEnd(admin, run + "-group", run + "-in", Duration.ofMinutes(1));
          System.out.println("HOST SCORED " + service.metrics().recordsScored());
          admin.deleteTopics(List.of(run + "-out")).all().get();
          producer.send(200, 400);
          producer.finish();
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (service.state() != KafkaScoringService.State.DEGRADED
            && System.nanoTime() < deadline) {
          Thread.sleep(50);
        }
        System.out.println("HOST SAW " + service.state() + " " + service.health());
        long t0 = System.nanoTime();
        service.close();
        System.out.println("HOST CLOSED " + service.state() + " liveThreads="
            + service.health().liveThreads() + " after "
            + (System.nanoTime() - t0) / 1_000_000 + " ms");
      }
      System.out.println("HOST MAIN RETURNS");
    }
  }
}
