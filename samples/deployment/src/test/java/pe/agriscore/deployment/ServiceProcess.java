package pe.agriscore.deployment;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real scoring service in a child JVM (its engines load native code), on 127.0.0.1 and a
 * free port, in the {@code demo} profile (plain HTTP, API key {@code demo-key}) with the three
 * reference bundles; its output goes to {@code log}. {@link #close} stops it with SIGTERM.
 */
final class ServiceProcess implements AutoCloseable {

  static final String API_KEY = "demo-key";
  static final List<String> MODELS = List.of("farmer-scorecard", "farmer-mlp-tf", "farmer-mlp-pt");

  final Process process;
  final int port;
  final URI base;
  final Path log;

  private ServiceProcess(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.base = URI.create("http://127.0.0.1:" + port);
    this.log = log;
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** Starts it and waits (at most {@code readyWithin}) until its readiness probe says UP. */
  static ServiceProcess start(Path log, Duration readyWithin) throws Exception {
    int port = freePort();
    List<String> models = new ArrayList<>();
    for (String m : MODELS) {
      models.add(Tools.REPO.resolve("samples/models").resolve(m).toString());
    }
    List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx512m", "-cp", System.getProperty("java.class.path"),
        "pe.agriscore.service.ScoringServiceApplication",
        "--spring.profiles.active=demo", "--server.port=" + port,
        "--agriscore.service.models=" + String.join(",", models));
    Process p = new ProcessBuilder(cmd).directory(Tools.REPO.toFile()).redirectErrorStream(true)
        .redirectOutput(log.toFile()).start();
    ServiceProcess s = new ServiceProcess(p, port, log);
    try {
      s.awaitReady(readyWithin);
    } catch (Throwable t) {
      s.close();
      throw t;
    }
    return s;
  }

  private void awaitReady(Duration within) throws Exception {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    long deadline = System.nanoTime() + within.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        fail("the scoring service exited (" + process.exitValue() + ") before it was ready: "
            + Files.readString(log));
      }
      try {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(
            base.resolve("/actuator/health/readiness")).timeout(Duration.ofSeconds(5)).build(),
            HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      Thread.sleep(500);
    }
    fail("the scoring service was not ready within " + within + ": " + Files.readString(log));
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
    }
  }
}
