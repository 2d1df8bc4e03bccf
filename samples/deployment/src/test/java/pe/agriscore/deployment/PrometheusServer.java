package pe.agriscore.deployment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Prometheus (Debian's) on 127.0.0.1 and a free port, with its data, configuration and
 * log under {@code dir}; queried through its HTTP API. {@link #close} stops it with SIGTERM.
 */
final class PrometheusServer implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  final Process process;
  final URI base;
  final Path log;
  private final HttpClient http = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(2)).build();

  private PrometheusServer(Process process, URI base, Path log) {
    this.process = process;
    this.base = base;
    this.log = log;
  }

  static PrometheusServer start(Path binary, Path dir, ObjectNode config) throws Exception {
    Path file = dir.resolve("prometheus.yml");
    AlertRules.YAML.writeValue(file.toFile(), config);
    int port = ChildJvm.freePort();
    Path log = dir.resolve("prometheus.log");
    Process p = new ProcessBuilder(List.of(binary.toString(), "--config.file=" + file,
        "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + port))
        .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    PrometheusServer s = new PrometheusServer(p, URI.create("http://127.0.0.1:" + port), log);
    try {
      s.awaitReady(Duration.ofSeconds(60));
    } catch (Throwable t) {
      s.close();
      throw t;
    }
    return s;
  }

  private void awaitReady(Duration within) throws Exception {
    long deadline = System.nanoTime() + within.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        fail("prometheus exited (" + process.exitValue() + "): " + Files.readString(log));
      }
      try {
        if (get("/-/ready").statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      Thread.sleep(300);
    }
    fail("prometheus was not ready within " + within + ": " + Files.readString(log));
  }

  HttpResponse<String> get(String pathAndQuery) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(base.resolve(pathAndQuery))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** {@code /api/v1/query} of {@code promql} now: the {@code data.result} array. */
  JsonNode query(String promql) throws IOException, InterruptedException {
    HttpResponse<String> r = get("/api/v1/query?query="
        + URLEncoder.encode(promql, StandardCharsets.UTF_8));
    JsonNode body = JSON.readTree(r.body());
    assertEquals("success", body.path("status").asText(), promql + ": " + r.body());
    return body.path("data").path("result");
  }

  /** {@code /api/v1/rules}: the {@code data.groups} array. */
  JsonNode rules() throws IOException, InterruptedException {
    return JSON.readTree(get("/api/v1/rules").body()).path("data").path("groups");
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
    }
  }
}
