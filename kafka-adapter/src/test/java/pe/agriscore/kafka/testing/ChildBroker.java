package pe.agriscore.kafka.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@link LocalKafkaBroker} in a child JVM, so that a test can stop it (SIGTERM) or kill it
 * (SIGKILL) like an operator or a crash would, and start it again on the same ports and storage.
 */
public final class ChildBroker implements AutoCloseable {

  private final Path dir;
  private final int port;
  private final int controllerPort;
  private Process process;

  public ChildBroker(Path dir) throws IOException {
    this.dir = dir;
    this.port = KafkaBroker.freePort();
    this.controllerPort = KafkaBroker.freePort();
  }

  public String bootstrapServers() {
    return "127.0.0.1:" + port;
  }

  /** Starts the child and waits until it prints that it is ready. */
  public void start() throws IOException, InterruptedException {
    String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String classpath = System.getProperty("surefire.test.class.path",
        System.getProperty("java.class.path"));
    ProcessBuilder pb = new ProcessBuilder(javaBin, "-Xmx512m", "-XX:+UseSerialGC",
        "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-cp", classpath,
        LocalKafkaBroker.class.getName(), "--dir", dir.toString(), "--port",
        String.valueOf(port), "--controller-port", String.valueOf(controllerPort), "--topics",
        "")
        .redirectErrorStream(true);
    Process p = pb.start();
    CountDownLatch ready = new CountDownLatch(1);
    Path log = dir.resolveSibling(dir.getFileName() + "-broker.log");
    Thread pump = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(),
          StandardCharsets.UTF_8));
          PrintWriter out = new PrintWriter(Files.newBufferedWriter(log,
              StandardCharsets.UTF_8, StandardOpenOption.CREATE,
              StandardOpenOption.APPEND), true)) {
        String line;
        while ((line = in.readLine()) != null) {
          out.println(line);
          if (line.startsWith("LOCAL-BROKER READY")) {
            ready.countDown();
          }
        }
      } catch (IOException e) {
        // the child died; start() notices
      }
    }, "child-broker-output");
    pump.setDaemon(true);
    pump.start();
    process = p;
    if (!ready.await(90, TimeUnit.SECONDS) || !p.isAlive()) {
      p.destroyForcibly();
      throw new IllegalStateException("the child broker did not start; see " + log + ":\n"
          + (Files.exists(log) ? Files.readString(log) : ""));
    }
  }

  /**
   * Stops the child with SIGTERM, which runs its controlled shutdown, and returns its exit code
   * (143 on Linux).
   */
  public int stop() throws InterruptedException {
    process.destroy();
    int code = process.waitFor();
    process = null;
    return code;
  }

  /** Kills the child with SIGKILL and returns its exit code (137 on Linux). */
  public int kill() throws InterruptedException {
    process.destroyForcibly();
    int code = process.waitFor();
    process = null;
    return code;
  }

  public long pid() {
    return process.pid();
  }

  /** Stops the child with SIGTERM (its shutdown hook stops the broker), SIGKILL after 30 s. */
  @Override
  public void close() {
    if (process == null) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    process = null;
  }
}
