package pe.agriscore.engine.conformance;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Runs a main class of the test classpath in a fresh JVM, the way a second application would:
 * for what only a new process shows, and for anything that could crash the JVM (a native
 * engine's fault must fail a test, not kill the build).
 */
public final class ChildJvm {

  /** Longer than any child of the test suites needs on a loaded machine. */
  private static final long TIMEOUT_MINUTES = 10;

  private final Process process;
  private final CompletableFuture<String> output;

  private ChildJvm(Process process) {
    this.process = process;
    this.output = CompletableFuture.supplyAsync(() -> {
      try {
        return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        return "(output unreadable: " + e + ")";
      }
    });
  }

  /**
   * Starts {@code main} with the test classpath, {@code jvmArgs} and {@code args}, its output
   * (stdout and stderr merged) kept for {@link #await}, without TF_CPP_MIN_LOG_LEVEL in its
   * environment so that the engine's own default applies.
   */
  public static ChildJvm start(Class<?> main, List<String> jvmArgs, String... args)
      throws IOException {
    return start(main, jvmArgs, List.of(), args);
  }

  /**
   * As {@link #start(Class, List, String...)}, without the environment variables {@code
   * removedEnv} too (e.g. DJL's own switches, to prove what the engine does by itself).
   */
  public static ChildJvm start(Class<?> main, List<String> jvmArgs, List<String> removedEnv,
      String... args) throws IOException {
    List<String> command = java();
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.addAll(jvmArgs);
    command.add(main.getName());
    command.addAll(List.of(args));
    return start(command, removedEnv);
  }

  /**
   * Starts {@code module/class} as a named module from {@code modulePath}, with no class path,
   * the way a modular application runs; output and environment as {@link #start(Class, List,
   * String...)}.
   */
  public static ChildJvm startModule(List<Path> modulePath, String moduleAndMain, String... args)
      throws IOException {
    return startModule(modulePath, List.of(), moduleAndMain, args);
  }

  /** As {@link #startModule(List, String, String...)}, with JVM options (a class path too). */
  public static ChildJvm startModule(List<Path> modulePath, List<String> jvmArgs,
      String moduleAndMain, String... args) throws IOException {
    List<String> command = java();
    command.addAll(jvmArgs);
    command.add("--module-path");
    command.add(modulePath.stream().map(Path::toString)
        .collect(Collectors.joining(File.pathSeparator)));
    command.add("--module");
    command.add(moduleAndMain);
    command.addAll(List.of(args));
    return start(command, List.of());
  }

  private static List<String> java() {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx256m");
    // A crash report goes to tmp, not into the module directory.
    command.add("-XX:ErrorFile=" + Path.of(System.getProperty("java.io.tmpdir"),
        "agriscore-child-hs_err_pid%p.log"));
    return command;
  }

  private static ChildJvm start(List<String> command, List<String> removedEnv)
      throws IOException {
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().remove("TF_CPP_MIN_LOG_LEVEL");
    pb.environment().remove("TENSORFLOW_LIBRARY_PATH");
    removedEnv.forEach(pb.environment()::remove);
    Process process = pb.start();
    process.getOutputStream().close();
    return new ChildJvm(process);
  }

  /**
   * Waits for the exit; returns the output, failing with it if the exit code is not 0 (a crash
   * included) or the child is still running after 10 minutes (it is then killed).
   */
  public String await() throws IOException, InterruptedException {
    if (!process.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
      process.destroyForcibly().waitFor();
      throw new AssertionError("child JVM still running after " + TIMEOUT_MINUTES
          + " minutes, killed:\n" + output.join());
    }
    String out = output.join();
    int code = process.exitValue();
    if (code != 0) {
      throw new AssertionError("child JVM exited with " + code + ":\n" + out);
    }
    return out;
  }
}
