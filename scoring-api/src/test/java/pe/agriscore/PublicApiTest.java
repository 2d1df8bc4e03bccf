package pe.agriscore;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import pe.agriscore.testing.PublicApi;

/**
 * scoring-api's public API as its module exports it: the exported packages, their public types
 * against the committed {@code api/public-types.txt}, and the README module map's counts.
 */
class PublicApiTest {

  private static final Path CLASSES = Path.of("target/classes");

  @Test
  void onlyTheRuntimeAuthoringSchemaEngineSpiAndTrustPackagesAreExported() throws IOException {
    PublicApi api = PublicApi.of(CLASSES);
    assertEquals("pe.agriscore", api.moduleName());
    assertEquals(Set.of("pe.agriscore", "pe.agriscore.scoring", "pe.agriscore.schema",
        "pe.agriscore.authoring", "pe.agriscore.engine", "pe.agriscore.trust"),
        api.exportedPackages());
  }

  @Test
  void thePublicTypesAreTheCommittedList() throws IOException {
    PublicApi.of(CLASSES).assertMatches(Path.of("src/test/resources/api/public-types.txt"));
  }

  /**
   * Engines get a {@code ModelFiles} view, not the bundle. The two members that still name the
   * internal {@code ModelBundle} build that view from an open bundle, for the core and for the
   * conformance kit (which reaches {@code internal.bundle} through a qualified export): an
   * application cannot obtain a {@code ModelBundle} to pass them. Before: {@code
   * ScoringEngine.load} took the bundle, and {@code BundleWriter.seal} returned the internal
   * {@code BundleManifest}.
   */
  @Test
  void theExportedApiNamesNoInternalTypeButTheBundleToViewFactories() throws IOException {
    PublicApi.of(CLASSES).assertNamesNoUnexportedType(Set.of(
        "pe.agriscore.engine.ModelFiles#of", "pe.agriscore.engine.Engines#load"));
  }

  @Test
  void theReadmeModuleMapStatesTheCounts() throws IOException {
    PublicApi.of(CLASSES).assertReadmeRow(Path.of("../README.md"), "scoring-api");
  }
}
