package pe.agriscore.samples.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The README's embedding example, compiled and run exactly as written. */
class ReadmeExampleTest {

  private static final Pattern EXAMPLE = Pattern.compile(
      "<!-- readme-example:start -->\\s*```java\\n(.*?)```\\s*<!-- readme-example:end -->",
      Pattern.DOTALL);

  @TempDir Path tmp;

  @ParameterizedTest
  @ValueSource(strings = {"farmer-scorecard", "farmer-mlp-tf", "farmer-mlp-pt"})
  void compilesAndScoresTheSampleRequest(String model) throws Exception {
    Matcher m = EXAMPLE.matcher(Files.readString(Path.of("../../README.md")));
    assertTrue(m.find(), "README.md has the marked embedding example");
    Path source = tmp.resolve("ScoreFarmer.java");
    Files.writeString(source, m.group(1));

    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    String classpath = System.getProperty("surefire.test.class.path",
        System.getProperty("java.class.path"));
    ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
    int status = javac.run(null, diagnostics, diagnostics, "-cp", classpath, "-d",
        tmp.toString(), source.toString());
    assertEquals(0, status, diagnostics::toString);

    PrintStream original = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (URLClassLoader loader = new URLClassLoader(new URL[] {tmp.toUri().toURL()},
        getClass().getClassLoader())) {
      Method main = loader.loadClass("ScoreFarmer").getMethod("main", String[].class);
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      main.invoke(null, (Object) new String[] {"../models/" + model,
          "../requests/cusco-coffee-thin-file.json"});
    } finally {
      System.setOut(original);
    }
    List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
    assertTrue(lines.get(0).matches(
        "PE-0000031: PD 0\\.\\d{3}, \\d{3} points, grade [A-E]"), lines::toString);
    assertTrue(lines.size() > 1 && lines.size() <= 5, lines::toString);
    for (String reason : lines.subList(1, lines.size())) {
      assertTrue(reason.matches("  AG\\d\\d .+ \\(-\\d+\\.\\d points\\)"), reason);
    }
  }
}
