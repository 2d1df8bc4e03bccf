package pe.agriscore.engine.tf;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Runs a main class of the test classpath in a fresh JVM, the way a second application would. */
final class ChildJvm {

  private final Process process;

  private ChildJvm(Process process) {
    this.process = process;
  }

  /**
   * Starts {@code main} with the test classpath, {@code jvmArgs} and {@code args}, its output
   * (stdout and stderr merged) kept for {@link #await}, without TF_CPP_MIN_LOG_LEVEL in its
   * environment so that the engine's own default applies.
   */
  static ChildJvm start(Class<?> main, List<String> jvmArgs, String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx256m");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.addAll(jvmArgs);
    command.add(main.getName());
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().remove("TF_CPP_MIN_LOG_LEVEL");
    pb.environment().remove("TENSORFLOW_LIBRARY_PATH");
    return new ChildJvm(pb.start());
  }

  /** Waits for the exit; returns the output, failing with it if the exit code is not 0. */
  String await() throws IOException, InterruptedException {
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    int code = process.waitFor();
    if (code != 0) {
      throw new AssertionError("child JVM exited with " + code + ":\n" + out);
    }
    return out;
  }
}
