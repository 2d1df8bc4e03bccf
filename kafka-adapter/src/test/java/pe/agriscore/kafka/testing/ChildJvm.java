package pe.agriscore.kafka.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A main class of the test classpath in a child JVM, so that a test can stop it (SIGTERM) or
 * kill it (SIGKILL) like an operator or a crash would. Its output is appended to a log file, and
 * {@link #start} returns once it prints its ready line.
 */
public final class ChildJvm implements AutoCloseable {

  private final Process process;
  private final Path log;

  private ChildJvm(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  /**
   * Starts {@code mainClass} with {@code args} and waits until a line of its output starts with
   * {@code readyLine}.
   *
   * @throws IllegalStateException if it dies or is not ready within 90 s (the log is quoted)
   */
  public static ChildJvm start(Class<?> mainClass, List<String> jvmOptions, List<String> args,
      Path log, String readyLine) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(System.getProperty("surefire.test.class.path",
        System.getProperty("java.class.path")));
    command.add(mainClass.getName());
    command.addAll(args);
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    CountDownLatch ready = new CountDownLatch(1);
    Thread pump = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(),
          StandardCharsets.UTF_8));
          PrintWriter out = new PrintWriter(Files.newBufferedWriter(log,
              StandardCharsets.UTF_8, StandardOpenOption.CREATE,
              StandardOpenOption.APPEND), true)) {
        String line;
        while ((line = in.readLine()) != null) {
          out.println(line);
          if (line.startsWith(readyLine)) {
            ready.countDown();
          }
        }
      } catch (IOException e) {
        // the child died; start() notices
      }
    }, mainClass.getSimpleName() + "-output");
    pump.setDaemon(true);
    pump.start();
    if (!ready.await(90, TimeUnit.SECONDS) || !p.isAlive()) {
      p.destroyForcibly().waitFor();
      throw new IllegalStateException(mainClass.getSimpleName() + " did not start; see " + log
          + ":\n" + (Files.exists(log) ? Files.readString(log) : ""));
    }
    return new ChildJvm(p, log);
  }

  /** Stops the child with SIGTERM (its shutdown hooks run) and returns its exit code. */
  public int stop() throws InterruptedException {
    process.destroy();
    return process.waitFor();
  }

  /** Kills the child with SIGKILL and returns its exit code (137 on Linux). */
  public int kill() throws InterruptedException {
    process.destroyForcibly();
    return process.waitFor();
  }

  public Path log() {
    return log;
  }

  /** Stops the child with SIGTERM if it still runs, SIGKILL after 30 s. */
  @Override
  public void close() {
    if (!process.isAlive()) {
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
  }
}
