package pe.agriscore.deployment;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import pe.agriscore.deployment.worker.KafkaWorkerMain;

/**
 * The Kafka scoring worker ({@link KafkaWorkerMain}) in a child JVM, configured by environment
 * variables only, as its container is, against {@code bootstrap} with the farmer-scorecard
 * bundle; output to {@code log}. {@link #close} sends SIGTERM.
 */
final class WorkerProcess implements AutoCloseable {

  static final String GROUP = "agriscore-scoring";
  static final Path MODEL = Tools.REPO.resolve("samples/models/farmer-scorecard");

  final Process process;
  final int port;
  final URI base;
  final Path log;

  private WorkerProcess(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.base = URI.create("http://127.0.0.1:" + port);
    this.log = log;
  }

  static WorkerProcess start(String bootstrap, Path log, Duration readyWithin) throws Exception {
    int port = ServiceProcess.freePort();
    ProcessBuilder pb = new ProcessBuilder(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
        "-Dlogback.configurationFile=" + Tools.MODULE.resolve(
            "src/main/resources/agriscore-worker-logback.xml"),
        "-cp", System.getProperty("java.class.path"), KafkaWorkerMain.class.getName()))
        .redirectErrorStream(true).redirectOutput(log.toFile());
    Map<String, String> env = pb.environment();
    env.put("AGRISCORE_WORKER_MODEL", MODEL.toString());
    env.put("AGRISCORE_WORKER_HTTP_ADDRESS", "127.0.0.1");
    env.put("AGRISCORE_WORKER_HTTP_PORT", Integer.toString(port));
    env.put("AGRISCORE_INSTANCE_ID", "worker-0");
    env.put("AGRISCORE_INPUT_TOPIC", Broker.INPUT);
    env.put("AGRISCORE_OUTPUT_TOPIC", Broker.OUTPUT);
    env.put("AGRISCORE_DEAD_LETTER_TOPIC", Broker.DEAD_LETTERS);
    env.put("KAFKA_BOOTSTRAP_SERVERS", bootstrap);
    env.put("KAFKA_GROUP_ID", GROUP);
    WorkerProcess w = new WorkerProcess(pb.start(), port, log);
    try {
      w.awaitReady(readyWithin);
    } catch (Throwable t) {
      w.close();
      throw t;
    }
    return w;
  }

  HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(base.resolve(path))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private void awaitReady(Duration within) throws Exception {
    long deadline = System.nanoTime() + within.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        fail("the worker exited (" + process.exitValue() + ") before it was ready: "
            + Files.readString(log));
      }
      try {
        if (get(KafkaWorkerMain.READY_PATH).statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      Thread.sleep(500);
    }
    fail("the worker was not ready within " + within + ": " + Files.readString(log));
  }

  /** SIGTERM, then the exit code (forcibly killed after 60 s: then -1). */
  int stop() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
      return -1;
    }
    return process.exitValue();
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      stop();
    }
  }
}
