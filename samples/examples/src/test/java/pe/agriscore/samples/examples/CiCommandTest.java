package pe.agriscore.samples.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** CI runs exactly the test command the README gives, profiles included. */
class CiCommandTest {

  private static final Path ROOT = Path.of("../..");

  @Test
  void ciRunsTheReadmesTestCommand() throws Exception {
    Matcher m = Pattern.compile("Run the tests \\(what CI runs[^\\n]*\\n\\n```sh\\n([^\\n]+)\\n```")
        .matcher(Files.readString(ROOT.resolve("README.md")));
    assertTrue(m.find(), "README.md gives the test command under \"Run the tests\"");
    String command = m.group(1).trim();
    List<String> mavenLines = Files.readAllLines(ROOT.resolve(".ci/run")).stream()
        .map(String::trim).filter(line -> line.startsWith("./mvnw")).toList();
    assertEquals(List.of(command), mavenLines, ".ci/run runs Maven once, as the README says");
  }
}
