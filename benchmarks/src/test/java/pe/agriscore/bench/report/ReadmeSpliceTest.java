package pe.agriscore.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReadmeSpliceTest {

  private static final String README = "# AgriScore\n\n## Performance\n\n"
      + "<!-- benchmarks:start -->\nold table\n<!-- benchmarks:end -->\n\n## Modules\n";

  @Test
  void replacesOnlyTheBlockBetweenTheMarkers() {
    String out = ReadmeSplice.splice(README, "| a | b |\n|---|---|\n");
    assertEquals("# AgriScore\n\n## Performance\n\n<!-- benchmarks:start -->\n"
        + "| a | b |\n|---|---|\n<!-- benchmarks:end -->\n\n## Modules\n", out);
  }

  @Test
  void isIdempotent() {
    String once = ReadmeSplice.splice(README, "new\n");
    assertEquals(once, ReadmeSplice.splice(once, "new\n"));
  }

  @Test
  void refusesMissingRepeatedOrReversedMarkers() {
    IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
        () -> ReadmeSplice.splice("# no markers\n", "x"));
    assertTrue(missing.getMessage().contains("missing: <!-- benchmarks:start -->"),
        missing.getMessage());
    IllegalArgumentException twice = assertThrows(IllegalArgumentException.class,
        () -> ReadmeSplice.splice(README + README, "x"));
    assertTrue(twice.getMessage().contains("once each"), twice.getMessage());
    IllegalArgumentException reversed = assertThrows(IllegalArgumentException.class,
        () -> ReadmeSplice.splice("<!-- benchmarks:end -->\n<!-- benchmarks:start -->\n", "x"));
    assertTrue(reversed.getMessage().contains("comes before"), reversed.getMessage());
  }

  @Test
  void splicesAFileInPlace(@TempDir Path dir) throws Exception {
    Path readme = dir.resolve("README.md");
    Files.writeString(readme, README);
    ReadmeSplice.spliceFile(readme, "fresh");
    assertTrue(Files.readString(readme).contains("<!-- benchmarks:start -->\nfresh\n"
        + "<!-- benchmarks:end -->"));
  }
}
