package pe.agriscore.deployment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import pe.agriscore.deployment.worker.WorkerEnvironment;

/** How the worker reads its environment (unit tests of the mapping; no Kafka needed). */
class WorkerEnvironmentTest {

  @Test
  void variablesBecomeKafkaAndAdapterSettings() {
    WorkerEnvironment env = WorkerEnvironment.from(Map.of(
        "AGRISCORE_WORKER_MODEL", "/models/farmer-scorecard",
        "KAFKA_BOOTSTRAP_SERVERS", "kafka:9093",
        "KAFKA_GROUP_ID", "agriscore-scoring",
        "KAFKA_CONSUMER_MAX_POLL_RECORDS", "200",
        "AGRISCORE_INPUT_TOPIC", "loan-applications",
        "AGRISCORE_DEAD_LETTER_TOPIC", "loan-applications-dlq",
        "PATH", "/usr/bin", "JAVA_TOOL_OPTIONS", "-XX:MaxRAMPercentage=60"));
    assertEquals(Path.of("/models/farmer-scorecard"), env.model());
    assertEquals(WorkerEnvironment.DEFAULT_HTTP_PORT, env.httpPort());
    assertEquals("", env.httpAddress());
    assertEquals(Map.of("bootstrap.servers", "kafka:9093", "group.id", "agriscore-scoring",
        "consumer.max.poll.records", "200", "agriscore.input.topic", "loan-applications",
        "agriscore.dead.letter.topic", "loan-applications-dlq"), env.properties());
  }

  @Test
  void aTypoOrAMissingModelIsRefusedByName() {
    var typo = assertThrows(IllegalArgumentException.class, () -> WorkerEnvironment.from(Map.of(
        "AGRISCORE_WORKER_MODEL", "/m", "KAFKA_BOOTSTRAP_SERVER", "kafka:9093")));
    assertTrue(typo.getMessage().contains("KAFKA_BOOTSTRAP_SERVER"), typo.getMessage());
    var adapter = assertThrows(IllegalArgumentException.class, () -> WorkerEnvironment.from(
        Map.of("AGRISCORE_WORKER_MODEL", "/m", "AGRISCORE_INPUT_TOPICS", "x")));
    assertTrue(adapter.getMessage().contains("agriscore.input.topics"), adapter.getMessage());
    var own = assertThrows(IllegalArgumentException.class, () -> WorkerEnvironment.from(
        Map.of("AGRISCORE_WORKER_MODEL", "/m", "AGRISCORE_WORKER_PORT", "1")));
    assertTrue(own.getMessage().contains("AGRISCORE_WORKER_HTTP_PORT"), own.getMessage());
    var missing = assertThrows(IllegalArgumentException.class,
        () -> WorkerEnvironment.from(Map.of("KAFKA_GROUP_ID", "g")));
    assertTrue(missing.getMessage().contains("AGRISCORE_WORKER_MODEL"), missing.getMessage());
    var port = assertThrows(IllegalArgumentException.class, () -> WorkerEnvironment.from(
        Map.of("AGRISCORE_WORKER_MODEL", "/m", "AGRISCORE_WORKER_HTTP_PORT", "http")));
    assertTrue(port.getMessage().contains("'http'"), port.getMessage());
  }
}
