package pe.agriscore.deployment;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * podman with the repository's {@code images/containers.conf} (runc, cgroupfs, ulimits within
 * the machine's limits), and the scripts of {@code images/}: {@link #baseImage} (made once per
 * test run, and kept between runs under its recipe's key) and {@link #build}.
 */
final class Podman {

  static final Path IMAGES = Tools.MODULE.resolve("images");
  static final Map<String, String> ENV =
      Map.of("CONTAINERS_CONF", IMAGES.resolve("containers.conf").toString());

  private static String baseImage;

  private Podman() {}

  /** Skips the test (fails it under CI) unless podman, runc and mmdebstrap are installed. */
  static void require() {
    Tools.require("podman", "podman");
    Tools.require("runc", "runc");
    Tools.require("mmdebstrap", "mmdebstrap");
  }

  /** {@code images/base-image.sh}: the local JRE base image's name (built at most once). */
  static synchronized String baseImage() throws Exception {
    if (baseImage == null) {
      baseImage = lastLine(script(900, "base-image.sh"));
    }
    return baseImage;
  }

  /** {@code images/build.sh program args...} on {@link #baseImage}; the image's name. */
  static String build(String program, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("bash", IMAGES.resolve("build.sh").toString(),
        program));
    cmd.addAll(Arrays.asList(args));
    Tools.Run r = Tools.run(Tools.REPO, 1800, Map.of("CONTAINERS_CONF",
        ENV.get("CONTAINERS_CONF"), "BASE_IMAGE", baseImage()), cmd);
    assertEquals(0, r.exit(), "build.sh " + program + " failed:\n" + r.output());
    return lastLine(r.output());
  }

  private static String script(long timeout, String name) throws Exception {
    Tools.Run r = Tools.run(Tools.REPO, timeout, ENV, List.of("bash",
        IMAGES.resolve(name).toString()));
    assertEquals(0, r.exit(), name + " failed:\n" + r.output());
    return r.output();
  }

  /** {@code podman args...} to its end: its exit code and output. */
  static Tools.Run run(long timeoutSeconds, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("podman"));
    cmd.addAll(Arrays.asList(args));
    return Tools.run(Tools.REPO, timeoutSeconds, ENV, cmd);
  }

  /** As {@link #run}, failing the test unless podman exits 0; its output's last line. */
  static String check(long timeoutSeconds, String... args) throws Exception {
    Tools.Run r = run(timeoutSeconds, args);
    assertEquals(0, r.exit(), "podman " + String.join(" ", args) + ":\n" + r.output());
    return lastLine(r.output());
  }

  /**
   * The last line of a program's output: where the scripts print their result, after whatever
   * podman reported (without systemd it reports, for instance, that it cannot time health checks).
   */
  static String lastLine(String output) {
    String[] lines = output.strip().split("\n");
    return lines[lines.length - 1].strip();
  }
}
