package pe.agriscore.deployment;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * External programs the tests run (promtool, prometheus, podman, mmdebstrap): found on the {@code
 * PATH}; where one is missing a test is skipped with a message naming the package to install,
 * except under CI ({@code CI} set), where {@code .ci/run} installs it and a missing tool fails the
 * test.
 */
final class Tools {

  /** This module's directory (Surefire runs tests there) and the repository root. */
  static final Path MODULE = Path.of("").toAbsolutePath();
  static final Path REPO = MODULE.resolve("../..").normalize();

  private Tools() {}

  /** The program {@code name} on the PATH, or the test is skipped (failed under CI). */
  static Path require(String name, String debianPackage) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      Path p = Path.of(dir, name);
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    String why = name + " is not on the PATH: install Debian's " + debianPackage
        + " (apt-get install -y " + debianPackage + "); .ci/run does";
    if (System.getenv("CI") != null) {
      fail(why + " (CI is set, so this test may not be skipped)");
    }
    Assumptions.abort(why);
    throw new AssertionError("unreachable");
  }

  /** The outcome of a finished program: exit code and its output (stdout and stderr merged). */
  record Run(int exit, String output) {}

  /** Runs {@code command} in {@code dir} to its end (at most {@code timeoutSeconds}). */
  static Run run(Path dir, long timeoutSeconds, List<String> command)
      throws IOException, InterruptedException {
    return run(dir, timeoutSeconds, Map.of(), command);
  }

  /** As {@link #run(Path, long, List)}, with {@code env} added to this JVM's environment. */
  static Run run(Path dir, long timeoutSeconds, Map<String, String> env, List<String> command)
      throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile())
        .redirectErrorStream(true);
    pb.environment().putAll(env);
    Process p = pb.start();
    p.getOutputStream().close();
    byte[] out;
    try (var in = p.getInputStream()) {
      out = in.readAllBytes();
    }
    if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor();
      fail(String.join(" ", command) + " did not finish within " + timeoutSeconds + " s");
    }
    return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8));
  }
}
