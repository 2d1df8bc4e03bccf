package pe.agriscore.deployment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pe.agriscore.CreditScorer;
import pe.agriscore.deployment.worker.KafkaWorkerMain;
import pe.agriscore.scoring.ScoringJson;

/**
 * The container images of {@code images/}, built and run for real with podman: the base image
 * made from Debian's packages by {@code images/base-image.sh} (nothing is pulled), both images
 * built by {@code images/build.sh} (the script the pipeline runs), the service's with the three
 * reference bundles baked in, the worker's without (they are mounted at {@code /models}).
 *
 * <p>Each container runs as the manifests run it: read-only root filesystem with a {@code /tmp}
 * tmpfs, all capabilities dropped, no privilege escalation, a memory limit. The service scores
 * every golden request of the reference bundles over HTTP as this JVM scores it in process, then
 * finishes a request in flight after SIGTERM and exits 143; the worker, on the host's network
 * against a KRaft broker in this JVM, turns one request into one score. Image sizes and
 * start-to-ready times are printed (docs/deployment.md quotes them).
 */
class ContainerImagesTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  /**
   * Images built elsewhere to test instead of building them here: the pipeline's image-test
   * stage sets both to the images its build stage pushed (images/pipeline.sh).
   */
  static final String SERVICE_IMAGE_VARIABLE = "AGRISCORE_TEST_SERVICE_IMAGE";
  static final String WORKER_IMAGE_VARIABLE = "AGRISCORE_TEST_WORKER_IMAGE";
  private static String serviceImage = "localhost/agriscore-scoring-service:test";
  private static String workerImage = "localhost/agriscore-kafka-worker:test";
  /** Whether the service image has the reference bundles baked in (else they are mounted). */
  private static boolean baked;
  private static final String PREFIX = "agriscore-test-" + ProcessHandle.current().pid() + "-";
  private static final Path MODELS = Tools.REPO.resolve("samples/models");
  private static final String MEMORY = "1536m";
  private static final long MEMORY_BYTES = 1536L << 20;

  private static final List<String> containers = new ArrayList<>();

  @BeforeAll
  static void buildImages() throws Exception {
    String given = System.getenv(SERVICE_IMAGE_VARIABLE);
    if (given != null) {
      Tools.require("podman", "podman");
      serviceImage = given;
      workerImage = System.getenv().getOrDefault(WORKER_IMAGE_VARIABLE, "");
      assertFalse(workerImage.isEmpty(), WORKER_IMAGE_VARIABLE + " is not set, "
          + SERVICE_IMAGE_VARIABLE + " is");
      baked = inspect(serviceImage).path("Config").path("Labels").toString()
          .contains("pe.agriscore.bundle.");
      System.out.printf("container images: testing %s and %s (not built here)%n", serviceImage,
          workerImage);
      return;
    }
    Podman.require();
    baked = true;
    long t0 = System.nanoTime();
    String base = Podman.baseImage();
    long t1 = System.nanoTime();
    List<String> bake = new ArrayList<>();
    for (String m : ServiceProcess.MODELS) {
      bake.addAll(List.of("--bundle", MODELS.resolve(m).toString()));
    }
    bake.addAll(0, List.of("--tag", serviceImage));
    assertEquals(serviceImage, Podman.build("service", bake.toArray(String[]::new)));
    long t2 = System.nanoTime();
    assertEquals(workerImage, Podman.build("worker", "--tag", workerImage));
    long t3 = System.nanoTime();
    System.out.printf("container images: base %s (%.0f s), service built in %.0f s, worker in"
        + " %.0f s; sizes: service %d MB, worker %d MB%n", base, (t1 - t0) / 1e9,
        (t2 - t1) / 1e9, (t3 - t2) / 1e9, size(serviceImage) / 1_000_000,
        size(workerImage) / 1_000_000);
  }

  @AfterAll
  static void removeContainers() throws Exception {
    for (String c : containers) {
      Podman.run(120, "rm", "--force", "--time", "5", c);
    }
  }

  private static long size(String image) throws Exception {
    return Long.parseLong(Podman.check(60, "image", "inspect", "--format", "{{.Size}}", image));
  }

  private static JsonNode inspect(String image) throws Exception {
    Tools.Run r = Podman.run(60, "image", "inspect", image);
    assertEquals(0, r.exit(), r.output());
    return JSON.readTree(r.output().substring(r.output().indexOf('['))).get(0);
  }

  @Test
  void imagesRunAsUid10001WithoutAShellAndCarryTheirLabels() throws Exception {
    String revision = Tools.run(Tools.REPO, 30, List.of("git", "rev-parse", "HEAD")).output()
        .strip();
    Matcher v = Pattern.compile("<artifactId>agriscore-parent</artifactId>\\s*<version>([^<]+)<")
        .matcher(Files.readString(Tools.REPO.resolve("pom.xml")));
    assertTrue(v.find(), "the root POM's version");
    String version = v.group(1);
    for (String tag : List.of(serviceImage, workerImage)) {
      JsonNode config = inspect(tag).path("Config");
      assertEquals("10001:10001", config.path("User").asText(), tag);
      JsonNode labels = config.path("Labels");
      assertEquals(revision, labels.path("org.opencontainers.image.revision").asText(), tag);
      assertEquals(version, labels.path("org.opencontainers.image.version").asText(), tag);
      assertTrue(labels.path("org.opencontainers.image.source").asText().startsWith("https://"),
          tag);
      // Exec form: the engine runs java itself, no /bin/sh -c.
      assertEquals("java", config.path("Entrypoint").get(0).asText(), tag);
      JsonNode health = inspect(tag).path("Healthcheck").path("Test");
      if (health.isMissingNode()) {
        health = config.path("Healthcheck").path("Test");
      }
      assertEquals("CMD", health.get(0).asText(), tag + ": " + health);
      assertEquals("java", health.get(1).asText(), tag + ": " + health);
      assertTrue(config.path("Env").toString().contains("-XX:MaxRAMPercentage="), tag);
    }
    JsonNode service = inspect(serviceImage).path("Config").path("Labels");
    for (String m : baked ? ServiceProcess.MODELS : List.<String>of()) {
      JsonNode manifest = JSON.readTree(MODELS.resolve(m).resolve("manifest.json").toFile());
      assertEquals(manifest.path("manifestSha256").asText(),
          service.path("pe.agriscore.bundle." + m + ".manifest-sha256").asText(), m);
      assertEquals(manifest.path("version").asText(),
          service.path("pe.agriscore.bundle." + m + ".version").asText(), m);
    }
    assertFalse(inspect(workerImage).path("Config").path("Labels").toString()
        .contains("pe.agriscore.bundle."), "the worker's image has no bundles baked in");
  }

  /** {@code podman run -d} as the manifests run a pod: read-only, no capabilities, a limit. */
  private static String start(String name, String image, List<String> options) throws Exception {
    List<String> args = new ArrayList<>(List.of("run", "--detach", "--name", PREFIX + name,
        "--read-only", "--tmpfs", "/tmp:rw,size=256m", "--cap-drop", "ALL", "--security-opt",
        "no-new-privileges", "--memory", MEMORY));
    args.addAll(options);
    args.add(image);
    containers.add(PREFIX + name);
    Podman.check(120, args.toArray(String[]::new));
    return PREFIX + name;
  }

  /** Polls {@code url} until 200; fails with the container's log if it exits or times out. */
  private static void awaitReady(String container, URI url, Duration within) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + within.toNanos();
    while (System.nanoTime() < deadline) {
      try {
        if (http.send(HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(5)).build(),
            HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      if (!"true".equals(Podman.check(30, "inspect", "--format", "{{.State.Running}}",
          container))) {
        fail(container + " exited before it was ready:\n" + logs(container));
      }
      Thread.sleep(500);
    }
    fail(container + " was not ready within " + within + ":\n" + logs(container));
  }

  /** The real uid of the container's process, from the host's /proc (rootful: no user map). */
  private static String uid(String container) throws Exception {
    String pid = Podman.check(30, "inspect", "--format", "{{.State.Pid}}", container);
    return Files.readAllLines(Path.of("/proc", pid, "status")).stream()
        .filter(l -> l.startsWith("Uid:")).findFirst().orElseThrow().split("\\s+")[1];
  }

  private static String logs(String container) throws Exception {
    return Podman.run(60, "logs", container).output();
  }

  /** SIGTERM, as Kubernetes sends it; then the exit code once the container has stopped. */
  private static int sigterm(String container) throws Exception {
    Podman.check(60, "kill", "--signal", "TERM", container);
    return exitCode(container);
  }

  private static int exitCode(String container) throws Exception {
    return Integer.parseInt(Podman.check(120, "wait", container));
  }

  @Test
  void serviceImageScoresAsInProcessFinishesRequestsInFlightOnSigtermAndRunsReadOnly()
      throws Exception {
    int port = ChildJvm.freePort();
    List<String> options = new ArrayList<>();
    for (String m : baked ? List.<String>of() : ServiceProcess.MODELS) {
      options.addAll(List.of("--volume", MODELS.resolve(m) + ":/models/" + m + ":ro"));
    }
    options.addAll(List.of("--publish", "127.0.0.1:" + port + ":8080",
        "--env", "SPRING_PROFILES_ACTIVE=demo",
        "--env", "SERVER_ADDRESS=0.0.0.0",
        "--env", "AGRISCORE_SERVICE_MODELS=" + String.join(",",
            ServiceProcess.MODELS.stream().map(m -> "/models/" + m).toList()),
        "--env", "AGRISCORE_TRUST_STORE=/etc/agriscore/trust/trust-store.json",
        "--volume", Tools.REPO.resolve("samples/keys/demo-trust-store.json")
            + ":/etc/agriscore/trust/trust-store.json:ro",
        "--env", "HEALTHCHECK_URL=http://127.0.0.1:8080/actuator/health/readiness"));
    long t0 = System.nanoTime();
    String c = start("service", serviceImage, options);
    URI base = URI.create("http://127.0.0.1:" + port);
    awaitReady(c, base.resolve("/actuator/health/readiness"), Duration.ofMinutes(4));
    System.out.printf("container images: the service was ready %.1f s after podman run"
        + " (load %s)%n", (System.nanoTime() - t0) / 1e9, load());
    assertEquals("10001", uid(c));
    assertEquals(0, Podman.run(120, "healthcheck", "run", c).exit(), "the image's health check");

    HttpClient http = HttpClient.newHttpClient();
    int scored = 0;
    for (String m : ServiceProcess.MODELS) {
      JsonNode golden = JSON.readTree(MODELS.resolve(m).resolve("golden.json").toFile());
      try (CreditScorer scorer = CreditScorer.open(MODELS.resolve(m))) {
        for (JsonNode gc : golden.path("cases")) {
          byte[] request = JSON.writeValueAsBytes(gc.path("request"));
          HttpResponse<String> r = http.send(HttpRequest.newBuilder(
              base.resolve("/v1/models/" + m + "/score")).header("X-API-Key",
              ServiceProcess.API_KEY).header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofByteArray(request))
              .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
          assertEquals(200, r.statusCode(), m + " " + gc.path("id") + ": " + r.body());
          ObjectNode want = (ObjectNode) JSON.readTree(ScoringJson.writeScore(
              scorer.score(ScoringJson.readRequest(request))));
          ObjectNode got = (ObjectNode) JSON.readTree(r.body());
          got.remove("decisionId");
          got.remove("scoredAt");
          want.remove("scoredAt");
          for (JsonNode reason : got.path("reasons")) {
            ((ObjectNode) reason).remove("message"); // the response's language, added
          }
          assertEquals(want, got, m + " " + gc.path("id"));
          scored++;
        }
      }
    }
    assertTrue(scored >= 3 * 10, scored + " golden requests");

    // The heap is sized from the container's memory (MaxRAMPercentage=60): the heap pools' maxima.
    String metrics = http.send(HttpRequest.newBuilder(base.resolve("/actuator/prometheus"))
        .header("X-API-Key", ServiceProcess.API_KEY).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    double heap = 0;
    Matcher hm = Pattern.compile("(?m)^jvm_memory_max_bytes\\{[^}]*area=\"heap\"[^}]*} (\\S+)$")
        .matcher(metrics);
    while (hm.find()) {
      heap += Math.max(0, Double.parseDouble(hm.group(1)));
    }
    assertTrue(heap > 0.5 * MEMORY_BYTES && heap <= 0.6 * MEMORY_BYTES, "max heap " + heap
        + " bytes with a " + MEMORY + " limit");

    String log = inFlightRequestFinishesAfterSigterm(c, port);
    assertFalse(log.contains("\"level\":\"ERROR\""), log);
    // The natives came with the image: nothing extracted at start, from a read-only directory.
    assertTrue(log.contains("is read-only: libtorch is loaded from"), log);
    assertFalse(log.contains("\"message\":\"extracting "), log);
  }

  /**
   * A batch request whose body is half sent when SIGTERM arrives: the service must wait for it
   * (graceful shutdown), answer it in full, then exit 143 (the JVM's code for SIGTERM after its
   * shutdown hooks). Returns the container's log.
   */
  private static String inFlightRequestFinishesAfterSigterm(String c, int port) throws Exception {
    ObjectNode batch = JSON.createObjectNode();
    ArrayNode requests = batch.putArray("requests");
    JsonNode golden = JSON.readTree(MODELS.resolve("farmer-mlp-pt/golden.json").toFile());
    for (int i = 0; i < 20; i++) {
      golden.path("cases").forEach(gc -> requests.add(gc.path("request")));
    }
    byte[] body = JSON.writeValueAsBytes(batch);
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(60_000);
      OutputStream out = s.getOutputStream();
      // HTTP/1.0: the answer is the rest of the stream, no chunks to decode.
      out.write(("POST /v1/models/farmer-mlp-pt/score:batch HTTP/1.0\r\nHost: 127.0.0.1\r\n"
          + "X-API-Key: " + ServiceProcess.API_KEY + "\r\nContent-Type: application/json\r\n"
          + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.write(body, 0, body.length / 2);
      out.flush();
      Thread.sleep(1_000); // the request is with a Tomcat thread, reading its body
      Podman.check(60, "kill", "--signal", "TERM", c);
      Thread.sleep(2_000);
      assertEquals("true", Podman.check(30, "inspect", "--format", "{{.State.Running}}", c),
          "the service waits for the request in flight");
      out.write(body, body.length / 2, body.length - body.length / 2);
      out.flush();
      String answer;
      try (InputStream in = s.getInputStream()) {
        answer = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      assertTrue(answer.startsWith("HTTP/1.1 200"), answer.lines().findFirst().orElse(""));
      JsonNode results = JSON.readTree(answer.substring(answer.indexOf("\r\n\r\n") + 4))
          .path("results");
      assertEquals(requests.size(), results.size());
      results.forEach(r -> assertEquals("score", r.path("type").asText(), r.toString()));
    }
    int exit = exitCode(c);
    String log = logs(c);
    assertEquals(143, exit, "SIGTERM: the JVM's exit code after the hooks ran\n" + log);
    return log;
  }

  @Test
  void workerImageTurnsOneRequestIntoOneScoreWithTheBundleMounted(@TempDir Path tmp)
      throws Exception {
    byte[] request = Files.readAllBytes(Tools.REPO.resolve(
        "samples/requests/cusco-coffee-thin-file.json"));
    try (Broker broker = Broker.start(tmp.resolve("broker"))) {
      int port = ChildJvm.freePort();
      long t0 = System.nanoTime();
      String c = start("worker", workerImage, List.of("--network", "host",
          "--volume", WorkerProcess.MODEL + ":/models/farmer-scorecard:ro",
          "--env", "AGRISCORE_WORKER_MODEL=/models/farmer-scorecard",
          "--env", "AGRISCORE_WORKER_HTTP_ADDRESS=127.0.0.1",
          "--env", "AGRISCORE_WORKER_HTTP_PORT=" + port,
          "--env", "AGRISCORE_INSTANCE_ID=worker-0",
          "--env", "AGRISCORE_INPUT_TOPIC=" + Broker.INPUT,
          "--env", "AGRISCORE_OUTPUT_TOPIC=" + Broker.OUTPUT,
          "--env", "AGRISCORE_DEAD_LETTER_TOPIC=" + Broker.DEAD_LETTERS,
          "--env", "KAFKA_BOOTSTRAP_SERVERS=" + broker.bootstrap,
          "--env", "KAFKA_GROUP_ID=" + WorkerProcess.GROUP,
          "--env", "HEALTHCHECK_URL=http://127.0.0.1:" + port + KafkaWorkerMain.READY_PATH));
      awaitReady(c, URI.create("http://127.0.0.1:" + port + KafkaWorkerMain.READY_PATH),
          Duration.ofMinutes(3));
      System.out.printf("container images: the worker was ready %.1f s after podman run"
          + " (load %s)%n", (System.nanoTime() - t0) / 1e9, load());
      assertEquals(0, Podman.run(120, "healthcheck", "run", c).exit(), "the image's health check");
      assertEquals("10001", uid(c));
      try (var producer = new KafkaProducer<byte[], byte[]>(Map.of("bootstrap.servers",
          broker.bootstrap, "acks", "all"), new ByteArraySerializer(), new ByteArraySerializer())) {
        producer.send(new ProducerRecord<>(Broker.INPUT, KafkaWorkerTest.key("PE-0000031"),
            request)).get();
      }
      List<ConsumerRecord<byte[], byte[]>> scores = KafkaWorkerTest.read(broker, Broker.OUTPUT,
          1);
      assertEquals(1, scores.size());
      assertEquals("PE-0000031", new String(scores.get(0).key(), StandardCharsets.UTF_8));
      KafkaWorkerTest.assertScoredAsInProcess(request, scores.get(0).value());
      int exit = sigterm(c);
      String log = logs(c);
      assertEquals(143, exit, "SIGTERM: the JVM's exit code after the hooks ran\n" + log);
      assertFalse(log.contains("ERROR"), log);
    }
  }

  private static String load() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
    } catch (IOException e) {
      return "unknown";
    }
  }
}
