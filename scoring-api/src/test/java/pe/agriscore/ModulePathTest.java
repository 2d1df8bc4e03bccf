package pe.agriscore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.spi.ToolProvider;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pe.agriscore.scoring.CreditScore;
import pe.agriscore.scoring.ScoringJson;
import pe.agriscore.testing.ChildJvm;

/**
 * scoring-api works as a named module: a small application module, compiled against the built
 * module ({@code target/classes} with its {@code module-info.class}) and Jackson and SLF4J on the
 * module path, opens the reference scorecard bundle and scores the sample request in a child JVM
 * that has no class path. This needs what the unit tests on the class path cannot show: the
 * {@code provides} of the built-in engine (a named module ignores META-INF/services), Jackson's
 * access to the bundle files' records through {@code opens}, and that the internals stay
 * unexported.
 */
class ModulePathTest {

  private static final Path MODULE = Path.of("target/classes");
  private static final Path BUNDLE = Path.of("../samples/models/farmer-scorecard");
  private static final Path REQUEST = Path.of("../samples/requests/cusco-coffee-thin-file.json");

  /** The jars scoring-api requires, and an SLF4J provider, taken from the test class path. */
  private static final Pattern DEPENDENCY = Pattern.compile(
      "(jackson-(core|databind|annotations|datatype-jsr310)|slf4j-(api|simple))-[0-9][^"
          + Pattern.quote(File.separator) + "]*\\.jar");

  private static final String MODULE_INFO = """
      module agriscore.check {
        requires pe.agriscore;
      }
      """;

  private static final String MAIN = """
      package check;

      import java.nio.file.Files;
      import java.nio.file.Path;
      import pe.agriscore.CreditScorer;
      import pe.agriscore.scoring.CreditScore;
      import pe.agriscore.scoring.ScoringJson;

      public class Main {
        public static void main(String[] args) throws Exception {
          Module api = CreditScorer.class.getModule();
          System.out.println("module " + api.getName() + " named " + api.isNamed());
          System.out.println("internal exported "
              + api.isExported("pe.agriscore.internal.bundle", Main.class.getModule()));
          try (CreditScorer scorer = CreditScorer.open(Path.of(args[0]))) {
            CreditScore s = scorer.score(ScoringJson.readRequest(Files.readAllBytes(Path.of(args[1]))));
            System.out.println("score " + s.applicantId() + " " + s.probabilityOfDefault() + " "
                + s.points() + " " + s.grade() + " " + s.reasons().size() + " reasons");
          }
        }
      }
      """;

  @TempDir Path tmp;

  @Test
  void aModularApplicationOpensAndScoresABundle() throws IOException, InterruptedException {
    List<Path> modulePath = new ArrayList<>(List.of(MODULE));
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      if (DEPENDENCY.matcher(Path.of(entry).getFileName().toString()).matches()) {
        modulePath.add(Path.of(entry));
      }
    }
    assertEquals(6, modulePath.size() - 1, "Jackson's 4 jars and SLF4J's 2 on " + modulePath);

    Path src = tmp.resolve("src");
    Files.createDirectories(src.resolve("check"));
    Files.writeString(src.resolve("module-info.java"), MODULE_INFO);
    Files.writeString(src.resolve("check/Main.java"), MAIN);
    Path out = tmp.resolve("out");
    // java.util.spi's javac: this test class, patched into pe.agriscore, reads no java.compiler.
    ToolProvider javac = ToolProvider.findFirst("javac").orElseThrow();
    ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
    PrintWriter report = new PrintWriter(diagnostics, true, StandardCharsets.UTF_8);
    int status = javac.run(report, report, "--module-path",
        String.join(File.pathSeparator, modulePath.stream().map(Path::toString).toList()),
        "-d", out.toString(), src.resolve("module-info.java").toString(),
        src.resolve("check/Main.java").toString());
    assertEquals(0, status, diagnostics.toString(StandardCharsets.UTF_8));

    List<Path> withApp = new ArrayList<>(modulePath);
    withApp.add(out);
    String output = ChildJvm.startModule(withApp, "agriscore.check/check.Main",
        BUNDLE.toString(), REQUEST.toString()).await();
    List<String> lines = Arrays.asList(output.split("\\R"));

    assertTrue(lines.contains("module pe.agriscore named true"), output);
    assertTrue(lines.contains("internal exported false"), output);
    // The same bundle and request on the class path, in this JVM, give the same score.
    try (CreditScorer scorer = CreditScorer.open(BUNDLE)) {
      CreditScore s = scorer.score(ScoringJson.readRequest(Files.readAllBytes(REQUEST)));
      String expected = "score " + s.applicantId() + " " + s.probabilityOfDefault() + " "
          + s.points() + " " + s.grade() + " " + s.reasons().size() + " reasons";
      assertTrue(lines.contains(expected), "expected '" + expected + "' in:\n" + output);
    }
  }
}
