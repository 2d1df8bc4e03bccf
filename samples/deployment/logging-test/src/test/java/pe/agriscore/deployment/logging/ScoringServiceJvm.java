package pe.agriscore.deployment.logging;

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
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The scoring service's executable jar ({@code java -jar}, as a container runs it) in a child
 * JVM: {@code demo} profile (plain HTTP on 127.0.0.1, API key {@value #API_KEY}), a free port,
 * the reference scorecard bundle, started in the repository root (the demo profile's trust store
 * path is relative to it); stdout and stderr go to {@link #log}, as a container's to its log.
 */
final class ScoringServiceJvm implements AutoCloseable {

  static final String API_KEY = "demo-key";
  /** The executable jar, set by this module's POM. */
  static final Path JAR = Path.of(System.getProperty("agriscore.service.jar", "unset"));
  /** This module's directory (Surefire runs tests there) and the repository root. */
  static final Path REPO = Path.of("").toAbsolutePath().resolve("../../..").normalize();

  final URI base;
  final Path log;
  private final Process process;

  private ScoringServiceJvm(Process process, int port, Path log) {
    this.process = process;
    this.base = URI.create("http://127.0.0.1:" + port);
    this.log = log;
  }

  /** Starts it and returns once its readiness probe answers 200 (at most {@code within}). */
  static ScoringServiceJvm start(Path log, Path tmp, Duration within) throws Exception {
    if (!Files.isRegularFile(JAR)) {
      fail("agriscore.service.jar is " + JAR + ": build with -am (the jar is made by `package`)");
    }
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx512m", "-Djava.io.tmpdir=" + tmp, "-jar", JAR.toString(),
        "--spring.profiles.active=demo", "--server.port=" + port,
        "--agriscore.service.models=" + REPO.resolve("samples/models/farmer-scorecard"));
    Process p = new ProcessBuilder(cmd).directory(REPO.toFile()).redirectErrorStream(true)
        .redirectOutput(log.toFile()).start();
    ScoringServiceJvm jvm = new ScoringServiceJvm(p, port, log);
    try {
      jvm.awaitReady(within);
    } catch (Throwable t) {
      jvm.close();
      throw t;
    }
    return jvm;
  }

  private void awaitReady(Duration within) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + within.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        fail("the service exited (" + process.exitValue() + ") before it was ready: "
            + Files.readString(log));
      }
      try {
        HttpResponse<Void> r = http.send(HttpRequest.newBuilder(
            base.resolve("/actuator/health/readiness")).timeout(Duration.ofSeconds(5)).build(),
            HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      Thread.sleep(500);
    }
    fail("the service was not ready within " + within + ": " + Files.readString(log));
  }

  /** SIGTERM (a pod's stop), then its exit code once it has written its last line. */
  int stop() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
      fail("the service did not stop within 60 s of SIGTERM");
    }
    return process.exitValue();
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroyForcibly().waitFor();
    }
  }
}
