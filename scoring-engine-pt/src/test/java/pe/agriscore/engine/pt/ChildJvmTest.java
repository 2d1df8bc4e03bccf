package pe.agriscore.engine.pt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pe.agriscore.CreditScorer;

/**
 * What only a fresh JVM can show, since libtorch starts once per process: where the natives are
 * extracted, and the error when they are missing from the classpath.
 */
class ChildJvmTest {

  @TempDir static Path tmp;

  private static Path bundle;

  @BeforeAll
  static void writeBundle() throws Exception {
    bundle = PtFixtures.farmerBundle(tmp, PtFixtures.TRACED, PtFixtures.golden(4));
  }

  /** Loads a bundle through CreditScorer and reports on stdout; run in the child JVM. */
  public static final class LoadBundle {
    public static void main(String[] args) {
      try (CreditScorer scorer = CreditScorer.open(Path.of(args[0]))) {
        System.out.println("LOADED " + NativeRuntime.running().orElseThrow().libtorchDir());
      } catch (RuntimeException e) {
        System.out.println("REFUSED " + e.getMessage());
        System.exit(3);
      }
    }
  }

  private record Result(int exit, String out) {}

  private static Result run(List<String> classpath, String... properties) throws Exception {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
        "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"));
    command.addAll(Arrays.asList(properties));
    command.addAll(List.of("-cp", String.join(File.pathSeparator, classpath),
        LoadBundle.class.getName(), bundle.toString()));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    p.getOutputStream().close();
    boolean done = p.waitFor(3, TimeUnit.MINUTES);
    if (!done) {
      p.destroyForcibly();
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(done, "child JVM did not finish: " + out);
    return new Result(p.exitValue(), out);
  }

  private static List<String> testClasspath() {
    String cp = System.getProperty("surefire.test.class.path",
        System.getProperty("java.class.path"));
    return Arrays.stream(cp.split(File.pathSeparator)).filter(s -> !s.isBlank())
        .collect(Collectors.toList());
  }

  @Test
  void nativesAreExtractedWhereAgriScoreCacheDirSays() throws Exception {
    Path cache = tmp.resolve("native cache");
    Result r = run(testClasspath(), "-Dagriscore.cache_dir=" + cache);
    assertEquals(0, r.exit(), r.out());
    Path libtorch = cache.resolve("pytorch/2.7.1-20250812-cpu-linux-x86_64");
    assertTrue(r.out().contains("LOADED " + libtorch), r.out());
    assertTrue(Files.isRegularFile(libtorch.resolve("libtorch_cpu.so")));
    assertTrue(Files.isRegularFile(libtorch.resolve("0.36.0-libdjl_torch.so")));
  }

  @Test
  void aClasspathWithoutLibtorchIsRefusedNamingTheArtifact() throws Exception {
    List<String> cp = testClasspath();
    assertTrue(cp.removeIf(e -> e.contains("pytorch-native-cpu")), "native jar not found in " + cp);
    Path cache = tmp.resolve("unused cache");
    Result r = run(cp, "-Dagriscore.cache_dir=" + cache);
    assertEquals(3, r.exit(), r.out());
    assertTrue(r.out().contains("REFUSED libtorch for linux-x86_64 is not on the classpath: add"
        + " ai.djl.pytorch:pytorch-native-cpu:2.7.1:linux-x86_64"), r.out());
    assertFalse(Files.exists(cache.resolve("pytorch")), "nothing may be extracted or fetched");
  }
}
