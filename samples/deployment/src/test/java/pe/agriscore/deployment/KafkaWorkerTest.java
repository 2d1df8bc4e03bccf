package pe.agriscore.deployment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pe.agriscore.CreditScorer;
import pe.agriscore.deployment.worker.KafkaWorkerMain;
import pe.agriscore.scoring.ScoringJson;

/**
 * The worker main in a child JVM, configured by environment only, against a real KRaft broker:
 * one request in, one score out (equal to in-process scoring), one malformed record in, one
 * dead letter out, the counts on {@code /metrics}, and a clean stop on SIGTERM.
 */
class KafkaWorkerTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void oneRequestInOneScoreOutAndACleanStop(@TempDir Path tmp) throws Exception {
    byte[] request = Files.readAllBytes(Tools.REPO.resolve(
        "samples/requests/cusco-coffee-thin-file.json"));
    try (Broker broker = Broker.start(tmp.resolve("broker"));
        ChildJvm worker = WorkerProcess.start(broker.bootstrap, tmp.resolve("worker.log"),
            Duration.ofSeconds(180))) {
      try (var producer = new KafkaProducer<byte[], byte[]>(Map.of("bootstrap.servers",
          broker.bootstrap, "acks", "all"), new ByteArraySerializer(), new ByteArraySerializer())) {
        producer.send(new ProducerRecord<>(Broker.INPUT, key("PE-0000031"), request)).get();
        producer.send(new ProducerRecord<>(Broker.INPUT, key("broken"),
            "{not json".getBytes(StandardCharsets.UTF_8))).get();
      }
      List<ConsumerRecord<byte[], byte[]>> scores = read(broker, Broker.OUTPUT, 1);
      List<ConsumerRecord<byte[], byte[]>> dead = read(broker, Broker.DEAD_LETTERS, 1);
      assertEquals(1, scores.size());
      assertEquals(1, dead.size());
      assertEquals("PE-0000031", new String(scores.get(0).key(), StandardCharsets.UTF_8));
      assertEquals("{not json", new String(dead.get(0).value(), StandardCharsets.UTF_8));
      assertScoredAsInProcess(request, scores.get(0).value());

      String metrics = worker.get(KafkaWorkerMain.METRICS_PATH).body();
      assertEquals(1.0, sample(metrics, "agriscore_kafka_records_scored_total"), metrics);
      assertEquals(1.0, sample(metrics, "agriscore_kafka_records_dead_lettered_total"), metrics);
      assertEquals(2.0, sample(metrics, "agriscore_kafka_records_in_total"), metrics);
      assertTrue(metrics.contains("jvm_memory_used_bytes"), "JVM meters for the dashboard");
      assertEquals(200, worker.get(KafkaWorkerMain.LIVE_PATH).statusCode());

      int exit = worker.stop();
      String log = Files.readString(worker.log);
      assertEquals(143, exit, "SIGTERM: the JVM's exit code after the hooks ran\n" + log);
      assertTrue(!log.contains("ERROR"), log);
    }
  }

  /** {@code score} is what {@link WorkerProcess#MODEL} gives {@code request} in this JVM. */
  static void assertScoredAsInProcess(byte[] request, byte[] score) throws Exception {
    byte[] expected;
    try (CreditScorer scorer = CreditScorer.open(WorkerProcess.MODEL)) {
      expected = ScoringJson.writeScore(scorer.score(ScoringJson.readRequest(request)));
    }
    // Equal but for the moment of scoring.
    ObjectNode want = (ObjectNode) JSON.readTree(expected);
    ObjectNode got = (ObjectNode) JSON.readTree(score);
    assertTrue(got.path("scoredAt").isTextual(), got.toString());
    want.remove("scoredAt");
    got.remove("scoredAt");
    assertEquals(want, got);
  }

  static byte[] key(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** The value of {@code name}'s one sample in Prometheus text (whatever its labels). */
  static double sample(String text, String name) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "(\\{[^}]*})? (\\S+)$")
        .matcher(text);
    assertTrue(m.find(), name + " not in the metrics");
    return Double.parseDouble(m.group(2));
  }

  /** Reads committed records of {@code topic} until {@code n} arrived or 60 s passed. */
  static List<ConsumerRecord<byte[], byte[]>> read(Broker broker, String topic, int n) {
    List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
    try (var consumer = new KafkaConsumer<byte[], byte[]>(Map.of("bootstrap.servers",
        broker.bootstrap, "group.id", "test-reader-" + topic, "auto.offset.reset", "earliest",
        "isolation.level", "read_committed"), new ByteArrayDeserializer(),
        new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (out.size() < n && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(500)).forEach(out::add);
      }
      // a little longer: a second record would be a duplicate
      consumer.poll(Duration.ofSeconds(1)).forEach(out::add);
    }
    return out;
  }
}
