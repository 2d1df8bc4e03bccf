package pe.agriscore.engine.pt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import pe.agriscore.authoring.BundleWriter;
import pe.agriscore.schema.GoldenCase;
import pe.agriscore.scoring.ScoringJson;
import pe.agriscore.scoring.ScoringRequest;
import pe.agriscore.testing.TestBundles;

/**
 * The TorchScript fixtures written by {@code src/test/python/make_fixture.py} and bundles around
 * them. Every expected probability here was computed by Python PyTorch, never by the engine.
 */
final class PtFixtures {

  static final ObjectMapper JSON = new ObjectMapper();

  /** The Python-made farmer MLP, exported with torch.jit.script. */
  static final String SCRIPTED = "farmer_mlp_scripted.pt";

  /** The same weights, exported with torch.jit.trace. */
  static final String TRACED = "farmer_mlp_traced.pt";

  /** The tolerance the issue asks for between Python's and the engine's probabilities. */
  static final double TOLERANCE = 1e-5;

  private PtFixtures() {}

  /** A fixture file under {@code src/test/resources/fixtures}. */
  static Path fixture(String name) {
    URL url = PtFixtures.class.getResource("/fixtures/" + name);
    if (url == null) {
      throw new IllegalStateException("missing test fixture " + name
          + ": run src/test/python/make_fixture.py");
    }
    try {
      return Path.of(url.toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@code farmer_mlp_expected.json}. */
  static JsonNode expected() {
    try {
      return JSON.readTree(fixture("farmer_mlp_expected.json").toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** One golden case of the Python fixture. */
  record PythonCase(ScoringRequest request, float[] row, double probability) {}

  static List<PythonCase> pythonCases() {
    List<PythonCase> cases = new ArrayList<>();
    for (JsonNode c : expected().path("cases")) {
      JsonNode rowNode = c.path("row");
      float[] row = new float[rowNode.size()];
      for (int i = 0; i < row.length; i++) {
        row[i] = (float) rowNode.get(i).asDouble();
      }
      try {
        ScoringRequest request = ScoringJson.readRequest(JSON.writeValueAsBytes(c.path("request")));
        cases.add(new PythonCase(request, row, c.path("probability").asDouble()));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return cases;
  }

  /** Golden cases from the first {@code n} Python cases. */
  static List<GoldenCase> golden(int n) {
    List<GoldenCase> golden = new ArrayList<>();
    for (PythonCase c : pythonCases().subList(0, n)) {
      golden.add(new GoldenCase(c.request().applicantId(), c.request(), c.probability()));
    }
    return golden;
  }

  /** A sealed bundle of the TestBundles farmer schema (11 columns) around a fixture model. */
  static Path farmerBundle(Path parent, String modelFixture, List<GoldenCase> golden)
      throws IOException {
    return farmerBundle(parent, fixture(modelFixture), golden, 11);
  }

  /** The same with any model file and declared input width. */
  static Path farmerBundle(Path parent, Path model, List<GoldenCase> golden, int declaredWidth)
      throws IOException {
    Path dir = Files.createTempDirectory(parent, "bundle-");
    Files.delete(dir);
    return BundleWriter.builder()
        .name("farmer-mlp").version("1.0.0")
        .engine(PyTorchEngine.NAME).modelFormat(PyTorchEngine.FORMAT)
        .model(model, "model/mlp.pt")
        .input("features", declaredWidth).output("probability")
        .createdAt(Instant.parse("2026-11-01T00:00:00Z"))
        .schema(TestBundles.schema()).preprocessing(TestBundles.standardPreprocessing())
        .scoreScale(TestBundles.scale()).reference(TestBundles.reference())
        .golden(golden, TOLERANCE)
        .writeTo(dir);
  }

  /** Resident memory of this process in KiB, from {@code /proc/self/status}. */
  static long residentKib() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    throw new IllegalStateException("no VmRSS in /proc/self/status");
  }

  /**
   * {@code <repo>/../shared/<folder>}, when it holds {@code file}. Where it does not, the test is
   * skipped on a developer's machine but fails in CI (environment {@code CI=true}), which always
   * has the folder: a fixture that went missing there must not pass as a skip.
   */
  static Path sharedFixture(String folder, String file) {
    return sharedFixture(repoRoot().resolveSibling("shared").resolve(folder), file,
        System.getenv("CI"));
  }

  static Path sharedFixture(Path dir, String file, String ci) {
    if (!Files.isRegularFile(dir.resolve(file))) {
      String missing = "no " + file + " in " + dir + " (the read-only ../shared data folder)";
      if (Boolean.parseBoolean(ci)) {
        Assertions.fail(missing + ", and CI=true: CI always has it");
      }
      Assumptions.abort(missing);
    }
    return dir;
  }

  /** The repository root: the module directory's parent. */
  static Path repoRoot() {
    String root = System.getProperty("agriscore.repo.root");
    Path base = root != null ? Path.of(root) : Path.of("").toAbsolutePath().getParent();
    return base.toAbsolutePath().normalize();
  }
}
