package pe.agriscore.kafka.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A main class of the test classpath in a child JVM, so that a test can stop it (SIGTERM) or
 * kill it (SIGKILL) like an operator or a crash would. Its output is appended to a log file, and
 * {@link #start} returns once it prints its ready line; {@link #send} writes to its input.
 */
public final class ChildJvm implements AutoCloseable {

  private final Process process;
  private final Path log;
  private final List<String> lines = new ArrayList<>();
  private boolean ended;

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
    ChildJvm child = new ChildJvm(p, log);
    Thread pump = new Thread(child::pump, mainClass.getSimpleName() + "-output");
    pump.setDaemon(true);
    pump.start();
    child.awaitLine(readyLine);
    return child;
  }

  /** Copies the child's output to the log and remembers it for {@link #awaitLine}. */
  private void pump() {
    try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
        StandardCharsets.UTF_8));
        PrintWriter out = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8,
            StandardOpenOption.CREATE, StandardOpenOption.APPEND), true)) {
      String line;
      while ((line = in.readLine()) != null) {
        out.println(line);
        synchronized (lines) {
          lines.add(line);
          lines.notifyAll();
        }
      }
    } catch (IOException e) {
      // the child died; awaitLine notices
    } finally {
      synchronized (lines) {
        ended = true;
        lines.notifyAll();
      }
    }
  }

  /**
   * Waits until the child prints a line starting with {@code prefix} and returns it.
   *
   * @throws IllegalStateException if it ends first or does not print it within 90 s; the child
   *     is then killed and its log quoted
   */
  public String awaitLine(String prefix) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    synchronized (lines) {
      for (int seen = 0; ; ) {
        for (; seen < lines.size(); seen++) {
          if (lines.get(seen).startsWith(prefix)) {
            return lines.get(seen);
          }
        }
        long left = deadline - System.nanoTime();
        if (ended || left <= 0) {
          break;
        }
        TimeUnit.NANOSECONDS.timedWait(lines, left);
      }
    }
    process.destroyForcibly().waitFor();
    throw new IllegalStateException("the child never printed '" + prefix + "'; see " + log
        + ":\n" + (Files.exists(log) ? Files.readString(log) : ""));
  }

  /** Writes a line to the child's standard input. */
  public void send(String line) throws IOException {
    OutputStream in = process.getOutputStream();
    in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
    in.flush();
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
