package pe.agriscore.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The executable jar {@code package} builds, run as a deployment runs it: {@code java -jar} in a
 * child JVM, the {@code demo} profile from the repository root (the three signed reference
 * bundles under four eyes, the engines' natives from the jar). It scores the PyTorch and
 * TensorFlow reference models as their golden cases say, and a SIGTERM shuts it down
 * gracefully: a batch in flight completes with 200 while new connections are refused, and the
 * process exits.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ServiceJarIT {

  private static final Path ROOT = Path.of("../..").toAbsolutePath().normalize();
  private static final String KEY = "demo-key";
  private static Process service;
  private static Path log;
  /** Tomcat's base directory (else Spring Boot leaves a tomcat.* directory in /tmp). */
  private static Path tomcatDir;
  private static int port;
  private static final HttpClient HTTP = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(10)).build();

  @BeforeAll
  static void start() throws Exception {
    Path jar;
    try (Stream<Path> files = Files.list(Path.of("target"))) {
      jar = files.filter(f -> f.getFileName().toString().matches("scoring-service-.*-exec\\.jar"))
          .findFirst().orElseThrow(() -> new AssertionError("no executable jar in target/"));
    }
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    log = Files.createTempFile("scoring-service-jar", ".log");
    tomcatDir = Files.createTempDirectory("scoring-service-jar-tomcat");
    service = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java")
        .toString(), "-jar", jar.toAbsolutePath().toString(), "--spring.profiles.active=demo",
        "--server.port=" + port, "--server.tomcat.basedir=" + tomcatDir)
        .directory(ROOT.toFile()).redirectErrorStream(true)
        .redirectOutput(log.toFile()).start();
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
    while (true) {
      assertTrue(service.isAlive(), () -> "the jar exited: " + tail());
      try {
        if (get("/actuator/health/readiness").statusCode() == 200) {
          break;
        }
      } catch (ConnectException notYet) {
        // not listening yet
      }
      assertTrue(System.nanoTime() < deadline, () -> "not ready within 3 minutes: " + tail());
      Thread.sleep(250);
    }
  }

  @AfterAll
  static void stop() throws Exception {
    if (service != null && service.isAlive()) {
      service.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
    if (log != null) {
      Files.deleteIfExists(log);
    }
    TestService.delete(tomcatDir);
  }

  @Test
  @Order(1)
  void theJarScoresThePyTorchAndTensorFlowReferenceModelsAsTheirGoldenCasesSay()
      throws Exception {
    for (String model : List.of("farmer-mlp-pt", "farmer-mlp-tf")) {
      JsonNode golden = TestService.JSON.readTree(
          ROOT.resolve("samples/models").resolve(model).resolve("golden.json").toFile());
      double tolerance = golden.path("tolerance").asDouble();
      assertTrue(golden.path("cases").size() > 0, model);
      for (JsonNode c : golden.path("cases")) {
        HttpResponse<String> r = post("/v1/models/" + model + "/score",
            TestService.JSON.writeValueAsBytes(c.path("request")));
        assertEquals(200, r.statusCode(), model + " " + c.path("id") + ": " + r.body());
        double pd = TestService.JSON.readTree(r.body()).path("probabilityOfDefault").asDouble();
        assertEquals(c.path("probability").asDouble(), pd, tolerance, model + " " + c.path("id"));
      }
      assertEquals("four-eyes", TestService.JSON.readTree(get("/v1/models/" + model).body())
          .path("trust").path("policy").asText(), model);
    }
  }

  @Test
  @Order(2)
  void sigtermFinishesTheBatchInFlightRefusesNewConnectionsAndExits() throws Exception {
    ObjectNode batch = TestService.JSON.createObjectNode();
    ArrayNode requests = batch.putArray("requests");
    JsonNode golden = TestService.JSON.readTree(
        ROOT.resolve("samples/models/farmer-mlp-pt/golden.json").toFile());
    for (int i = 0; i < 50; i++) {
      for (JsonNode c : golden.path("cases")) {
        requests.add(c.path("request"));
      }
    }
    byte[] body = TestService.JSON.writeValueAsBytes(batch);
    try (HeldRequest held = HeldRequest.open(port, "/v1/models/farmer-mlp-pt/score:batch", KEY,
        body)) {
      service.destroy();  // SIGTERM, as Kubernetes sends it
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      boolean refused = false;
      while (!refused) {
        assertTrue(System.nanoTime() < deadline, "new connections still accepted after 30 s");
        try (Socket probe = new Socket()) {
          probe.connect(new InetSocketAddress("127.0.0.1", port), 2_000);
          Thread.sleep(100);
        } catch (ConnectException e) {
          refused = true;
        }
      }
      assertTrue(service.isAlive(), "the service waits for the request in flight");

      HeldRequest.Response done = held.finish();
      assertEquals(200, done.status(), done.body());
      JsonNode results = TestService.JSON.readTree(done.body()).path("results");
      assertEquals(requests.size(), results.size());
      for (JsonNode r : results) {
        assertEquals("score", r.path("type").asText(), r.toString());
      }
    }
    assertTrue(service.waitFor(60, TimeUnit.SECONDS), () -> "did not exit: " + tail());
    // 128 + SIGTERM: the JVM ran its shutdown hooks (Spring's graceful shutdown) and exited.
    assertEquals(143, service.exitValue(), ServiceJarIT::tail);
    String text = Files.readString(log);
    assertFalse(text.contains("\"level\":\"ERROR\""), ServiceJarIT::tail);
  }

  private static HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .header("X-API-Key", KEY).timeout(Duration.ofSeconds(30)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> post(String path, byte[] body)
      throws IOException, InterruptedException {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .header("X-API-Key", KEY).header("Content-Type", "application/json")
        .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofByteArray(body))
        .build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String tail() {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }
}
