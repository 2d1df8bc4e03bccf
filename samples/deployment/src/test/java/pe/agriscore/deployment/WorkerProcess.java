package pe.agriscore.deployment;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import pe.agriscore.deployment.worker.KafkaWorkerMain;

/**
 * The Kafka scoring worker ({@link KafkaWorkerMain}) as a {@link ChildJvm}, configured by
 * environment variables only, as its container is, against {@code bootstrap} and {@link Broker}'s
 * topics with the farmer-scorecard bundle.
 */
final class WorkerProcess {

  static final String GROUP = "agriscore-scoring";
  static final Path MODEL = Tools.REPO.resolve("samples/models/farmer-scorecard");

  private WorkerProcess() {}

  static ChildJvm start(String bootstrap, Path log, Duration readyWithin) throws Exception {
    int port = ChildJvm.freePort();
    return ChildJvm.start("the Kafka worker", List.of("-Xmx256m", "-Dlogback.configurationFile="
        + Tools.MODULE.resolve("src/main/resources/agriscore-worker-logback.xml")),
        KafkaWorkerMain.class.getName(), List.of(), Map.of(
            "AGRISCORE_WORKER_MODEL", MODEL.toString(),
            "AGRISCORE_WORKER_HTTP_ADDRESS", "127.0.0.1",
            "AGRISCORE_WORKER_HTTP_PORT", Integer.toString(port),
            "AGRISCORE_INSTANCE_ID", "worker-0",
            "AGRISCORE_INPUT_TOPIC", Broker.INPUT,
            "AGRISCORE_OUTPUT_TOPIC", Broker.OUTPUT,
            "AGRISCORE_DEAD_LETTER_TOPIC", Broker.DEAD_LETTERS,
            "KAFKA_BOOTSTRAP_SERVERS", bootstrap,
            "KAFKA_GROUP_ID", GROUP), port, log, KafkaWorkerMain.READY_PATH, readyWithin);
  }
}
