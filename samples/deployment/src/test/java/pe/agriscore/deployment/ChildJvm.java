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
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A program of this module's test class path in a child JVM (the engines load native code),
 * serving HTTP on 127.0.0.1:{@link #port}, its output in {@link #log}; {@link #start} returns once
 * {@code readyPath} answers 200. {@link #stop} and {@link #close} send SIGTERM.
 */
final class ChildJvm implements AutoCloseable {

  final String name;
  final Process process;
  final int port;
  final URI base;
  final Path log;

  private ChildJvm(String name, Process process, int port, Path log) {
    this.name = name;
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

  static ChildJvm start(String name, List<String> jvmOptions, String mainClass, List<String> args,
      Map<String, String> env, int port, Path log, String readyPath, Duration readyWithin)
      throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(jvmOptions);
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass));
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(Tools.REPO.toFile())
        .redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().putAll(env);
    ChildJvm jvm = new ChildJvm(name, pb.start(), port, log);
    try {
      jvm.awaitOk(readyPath, readyWithin);
    } catch (Throwable t) {
      jvm.close();
      throw t;
    }
    return jvm;
  }

  HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(base.resolve(path))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private void awaitOk(String path, Duration within) throws Exception {
    long deadline = System.nanoTime() + within.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        fail(name + " exited (" + process.exitValue() + ") before it was ready: "
            + Files.readString(log));
      }
      try {
        if (get(path).statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      Thread.sleep(500);
    }
    fail(name + " was not ready within " + within + ": " + Files.readString(log));
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
