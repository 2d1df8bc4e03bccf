package pe.agriscore.kafka.testing;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * {@link LocalKafkaBroker} in a child JVM, so that a test can stop it (SIGTERM) or kill it
 * (SIGKILL) like an operator or a crash would, and start it again on the same ports and storage.
 */
public final class ChildBroker implements AutoCloseable {

  private final Path dir;
  private final int port;
  private final int controllerPort;
  private ChildJvm process;

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
    process = ChildJvm.start(LocalKafkaBroker.class, List.of("-Xmx512m", "-XX:+UseSerialGC",
        "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"), List.of("--dir", dir.toString(),
        "--port", String.valueOf(port), "--controller-port", String.valueOf(controllerPort),
        "--topics", ""), dir.resolveSibling(dir.getFileName() + "-broker.log"),
        "LOCAL-BROKER READY");
  }

  /**
   * Stops the child with SIGTERM, which runs its controlled shutdown, and returns its exit code
   * (143 on Linux).
   */
  public int stop() throws InterruptedException {
    int code = process.stop();
    process = null;
    return code;
  }

  /** Kills the child with SIGKILL and returns its exit code (137 on Linux). */
  public int kill() throws InterruptedException {
    int code = process.kill();
    process = null;
    return code;
  }

  /** Stops the child with SIGTERM (its shutdown hook stops the broker), SIGKILL after 30 s. */
  @Override
  public void close() {
    if (process != null) {
      process.close();
      process = null;
    }
  }
}
