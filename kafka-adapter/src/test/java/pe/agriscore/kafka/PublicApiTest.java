package pe.agriscore.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import pe.agriscore.testing.PublicApi;

/**
 * kafka-adapter's public API as its module exports it: one package, its public types against
 * the committed {@code api/public-types.txt}, and the README module map's counts.
 */
class PublicApiTest {

  private static final Path CLASSES = Path.of("target/classes");

  @Test
  void onlyTheAdapterPackageIsExported() throws IOException {
    PublicApi api = PublicApi.of(CLASSES);
    assertEquals("pe.agriscore.kafka", api.moduleName());
    assertEquals(Set.of("pe.agriscore.kafka"), api.exportedPackages());
  }

  @Test
  void thePublicTypesAreTheCommittedList() throws IOException {
    PublicApi.of(CLASSES).assertMatches(Path.of("src/test/resources/api/public-types.txt"));
  }

  @Test
  void theReadmeModuleMapStatesTheCounts() throws IOException {
    PublicApi.of(CLASSES).assertReadmeRow(Path.of("../README.md"), "kafka-adapter");
  }
}
