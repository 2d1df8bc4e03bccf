package pe.agriscore.bundle;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import pe.agriscore.internal.Json;
import pe.agriscore.json.ScoringJson;
import pe.agriscore.preprocessing.Encoder;
import pe.agriscore.preprocessing.Preprocessing;
import pe.agriscore.request.InvalidRequestException;
import pe.agriscore.schema.Feature;
import pe.agriscore.schema.FeatureSchema;
import pe.agriscore.scoring.ScoreScale;

/**
 * An opened, checksum-verified model bundle (format v1, see {@code docs/bundle-format.md}): the
 * model file plus everything needed to score with it.
 *
 * <pre>{@code
 * try (ModelBundle bundle = ModelBundle.open(Path.of("models/farmer-scorecard.zip"))) {
 *   System.out.println(bundle.manifest().name() + " " + bundle.manifest().version());
 *   float[] row = bundle.encoder().encode(request);
 * }
 * }</pre>
 *
 * <p>Opening reads and verifies every file: the manifest's own checksum, the SHA-256 of every
 * other file, that no file is missing or unlisted, and that the schema, preprocessing, score
 * scale, reference profile and golden cases parse and agree with each other. Running the golden
 * cases needs an engine and is done by {@link pe.agriscore.scoring.CreditScorer}. A {@code .zip}
 * bundle is extracted into a temporary directory that {@link #close()} deletes.
 *
 * <p>Immutable after opening and safe to share between threads.
 */
public final class ModelBundle implements AutoCloseable {

  /** Bundle file names. */
  public static final String MANIFEST = "manifest.json";

  public static final String SCHEMA = "schema.json";
  public static final String PREPROCESSING = "preprocessing.json";
  public static final String SCORECARD = "scorecard.json";
  public static final String REFERENCE = "reference.json";
  public static final String GOLDEN = "golden.json";

  /** Zip bundles larger than this once extracted are refused (a guard against zip bombs). */
  private static final long MAX_EXTRACTED_BYTES = 2L << 30;

  private final Path root;
  private final boolean temporary;
  private final BundleManifest manifest;
  private final FeatureSchema schema;
  private final Preprocessing preprocessing;
  private final Encoder encoder;
  private final ScoreScale scoreScale;
  private final ReferenceProfile reference;
  private final List<GoldenCase> goldenCases;
  private final double goldenTolerance;

  private ModelBundle(Path root, boolean temporary) {
    this.root = root;
    this.temporary = temporary;
    this.manifest = Checksums.verify(root);
    this.schema = parse(SCHEMA, FeatureSchema::fromJson);
    this.preprocessing = parse(PREPROCESSING, Preprocessing::fromJson);
    try {
      this.encoder = Encoder.compile(schema, preprocessing);
    } catch (IllegalArgumentException e) {
      throw new BundleException(PREPROCESSING, e.getMessage(), e);
    }
    this.scoreScale = parse(SCORECARD, ScoreScale::fromJson);
    this.reference = parse(REFERENCE, ModelBundle::parseReference);
    checkReference();
    JsonNode golden = parse(GOLDEN, ModelBundle::parseTree);
    this.goldenTolerance = golden.path("tolerance").asDouble(1e-5);
    this.goldenCases = parseGolden(golden);
    if (!Files.exists(modelPath())) {
      throw new BundleException(manifest.model(), "the model named in manifest.json is missing");
    }
  }

  /**
   * Opens and verifies a bundle directory or {@code .zip} file.
   *
   * @throws BundleException naming the file at fault
   */
  public static ModelBundle open(Path path) {
    if (Files.isDirectory(path)) {
      return new ModelBundle(path.toAbsolutePath().normalize(), false);
    }
    if (!Files.isRegularFile(path)) {
      throw new BundleException(path.toString(), "no bundle directory or .zip file here");
    }
    Path dir;
    try {
      dir = Files.createTempDirectory("agriscore-bundle-");
      extract(path, dir);
    } catch (IOException e) {
      throw new BundleException(path.getFileName().toString(), "cannot extract: " + e, e);
    }
    try {
      return new ModelBundle(dir, true);
    } catch (RuntimeException e) {
      deleteTree(dir);
      throw e;
    }
  }

  /** The manifest. */
  public BundleManifest manifest() {
    return manifest;
  }

  /** The feature schema ({@code schema.json}). */
  public FeatureSchema schema() {
    return schema;
  }

  /** The fitted preprocessing ({@code preprocessing.json}). */
  public Preprocessing preprocessing() {
    return preprocessing;
  }

  /** The encoder compiled from the schema and preprocessing. */
  public Encoder encoder() {
    return encoder;
  }

  /** Score scaling and grades ({@code scorecard.json}). */
  public ScoreScale scoreScale() {
    return scoreScale;
  }

  /** The training reference profile ({@code reference.json}). */
  public ReferenceProfile reference() {
    return reference;
  }

  /** The golden cases ({@code golden.json}). */
  public List<GoldenCase> goldenCases() {
    return goldenCases;
  }

  /** The largest accepted absolute difference between a golden and a computed probability. */
  public double goldenTolerance() {
    return goldenTolerance;
  }

  /** The bundle's root directory (a temporary one for a zip bundle). */
  public Path root() {
    return root;
  }

  /**
   * Checks that the manifest names {@code format}; engines call this first.
   *
   * @throws BundleException naming manifest.json when the bundle's model is in another format
   */
  public void requireModelFormat(String engine, String format) {
    if (!format.equals(manifest.modelFormat())) {
      throw new BundleException(MANIFEST, "engine '" + engine + "' reads modelFormat '" + format
          + "', not '" + manifest.modelFormat() + "'");
    }
  }

  /** The model file or directory named by the manifest. */
  public Path modelPath() {
    return root.resolve(manifest.model());
  }

  /** Deletes the extraction directory of a zip bundle; a no-op for a directory bundle. */
  @Override
  public void close() {
    if (temporary) {
      deleteTree(root);
    }
  }

  private interface Parser<T> {
    T parse(String json) throws Exception;
  }

  private <T> T parse(String file, Parser<T> parser) {
    try {
      return parser.parse(Files.readString(root.resolve(file), StandardCharsets.UTF_8));
    } catch (BundleException e) {
      throw e;
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new BundleException(file, Json.describe(e), e);
    } catch (Exception e) {
      throw new BundleException(file, e.getMessage(), e);
    }
  }

  private static ReferenceProfile parseReference(String json) throws IOException {
    return Json.mapper().readValue(json, ReferenceProfile.class);
  }

  private static JsonNode parseTree(String json) throws IOException {
    return Json.mapper().readTree(json);
  }

  private void checkReference() {
    List<Feature> features = schema.features();
    float[] scratch = new float[encoder.width()];
    for (int i = 0; i < features.size(); i++) {
      String name = features.get(i).name();
      ReferenceProfile.FeatureProfile profile = reference.features().get(name);
      if (profile == null) {
        throw new BundleException(REFERENCE, "no profile for feature '" + name + "'");
      }
      try {
        encoder.encodeValue(i, profile.baseline(), scratch, encoder.columnStart(i));
      } catch (IllegalArgumentException e) {
        throw new BundleException(REFERENCE, "baseline of '" + name + "' is invalid: "
            + e.getMessage(), e);
      }
    }
    for (String name : reference.features().keySet()) {
      if (schema.indexOf(name) < 0) {
        throw new BundleException(REFERENCE, "profiles feature '" + name
            + "' that schema.json does not define");
      }
    }
  }

  private List<GoldenCase> parseGolden(JsonNode golden) {
    if (!(goldenTolerance >= 0)) {
      throw new BundleException(GOLDEN, "'tolerance' must be a non-negative number");
    }
    JsonNode cases = golden.path("cases");
    if (!cases.isArray()) {
      throw new BundleException(GOLDEN, "'cases' must be an array");
    }
    List<GoldenCase> result = new ArrayList<>();
    Set<String> ids = new TreeSet<>();
    for (JsonNode c : cases) {
      String id = c.path("id").asText("");
      if (id.isEmpty() || !ids.add(id)) {
        throw new BundleException(GOLDEN, "every case needs a unique 'id', got '" + id + "'");
      }
      try {
        var request = ScoringJson.readRequest(Json.compact().writeValueAsBytes(c.path("request")));
        encoder.encode(request);
        if (!c.path("probability").isNumber()) {
          throw new IllegalArgumentException("'probability' must be a number");
        }
        result.add(new GoldenCase(id, request, c.path("probability").asDouble()));
      } catch (InvalidRequestException | IllegalArgumentException | IOException e) {
        throw new BundleException(GOLDEN, "case '" + id + "': " + e.getMessage(), e);
      }
    }
    return List.copyOf(result);
  }

  private static void extract(Path zip, Path target) throws IOException {
    long total = 0;
    try (InputStream in = Files.newInputStream(zip);
        ZipInputStream zin = new ZipInputStream(in)) {
      for (ZipEntry e = zin.getNextEntry(); e != null; e = zin.getNextEntry()) {
        Path out = target.resolve(e.getName()).normalize();
        if (!out.startsWith(target)) {
          throw new IOException("entry '" + e.getName() + "' points outside the bundle");
        }
        if (e.isDirectory()) {
          Files.createDirectories(out);
          continue;
        }
        Files.createDirectories(out.getParent());
        total += Files.copy(zin, out, StandardCopyOption.REPLACE_EXISTING);
        if (total > MAX_EXTRACTED_BYTES) {
          throw new IOException("bundle is larger than " + MAX_EXTRACTED_BYTES + " bytes");
        }
      }
    }
  }

  static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + dir, e);
    }
  }

}
