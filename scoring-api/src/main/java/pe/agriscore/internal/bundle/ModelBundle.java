package pe.agriscore.internal.bundle;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;
import pe.agriscore.internal.Json;
import pe.agriscore.internal.bundle.Encoder;
import pe.agriscore.schema.Feature;
import pe.agriscore.schema.FeatureSchema;
import pe.agriscore.schema.GoldenCase;
import pe.agriscore.schema.Preprocessing;
import pe.agriscore.schema.ReferenceProfile;
import pe.agriscore.schema.ScoreScale;
import pe.agriscore.scoring.BundleException;
import pe.agriscore.scoring.BundleLimits;
import pe.agriscore.scoring.InvalidRequestException;
import pe.agriscore.scoring.ScoringJson;

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
 * cases needs an engine and is done by {@link pe.agriscore.CreditScorer}. A {@code .zip}
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

  /** The largest accepted golden {@code tolerance}: looser would hide a wrong model. */
  public static final double MAX_GOLDEN_TOLERANCE = 1e-3;

  /** The golden {@code tolerance} when the file states none. */
  public static final double DEFAULT_GOLDEN_TOLERANCE = 1e-5;

  private final Path root;
  private final boolean temporary;
  private final BundleLimits limits;
  private final BundleManifest manifest;
  private final FeatureSchema schema;
  private final Preprocessing preprocessing;
  private final Encoder encoder;
  private final ScoreScale scoreScale;
  private final ReferenceProfile reference;
  private final List<GoldenCase> goldenCases;
  private final double goldenTolerance;

  private ModelBundle(Path root, boolean temporary, BundleLimits limits) {
    this.root = root;
    this.temporary = temporary;
    this.limits = limits;
    Checksums.Verified verified = Checksums.verify(root, limits);
    this.manifest = verified.manifest();
    Map<String, String> json = verified.json();
    this.schema = parse(SCHEMA, json, FeatureSchema::fromJson);
    this.preprocessing = parse(PREPROCESSING, json, Preprocessing::fromJson);
    try {
      this.encoder = Encoder.compile(schema, preprocessing);
    } catch (IllegalArgumentException e) {
      throw new BundleException(PREPROCESSING, e.getMessage(), e);
    }
    this.scoreScale = parse(SCORECARD, json, ScoreScale::fromJson);
    this.reference = parse(REFERENCE, json,
        text -> Json.read(text, ReferenceProfile.class));
    checkReference();
    GoldenFile golden = parse(GOLDEN, json,
        text -> Json.read(text, GoldenFile.class));
    this.goldenTolerance = golden.tolerance() == null ? DEFAULT_GOLDEN_TOLERANCE
        : golden.tolerance();
    this.goldenCases = parseGolden(golden);
  }

  /**
   * Opens and verifies a bundle directory or {@code .zip} file with the default {@link
   * BundleLimits}.
   *
   * @throws BundleException naming the file at fault
   */
  public static ModelBundle open(Path path) {
    return open(path, BundleLimits.defaults());
  }

  /**
   * Opens and verifies a bundle directory or {@code .zip} file. A directory given through a
   * symbolic link is opened at its real path; inside the bundle no symbolic link is allowed. A
   * zip bundle is extracted into a new temporary directory, which is deleted again if opening
   * fails for any reason.
   *
   * @param limits the zip and JSON file size limits
   * @throws BundleException naming the file at fault
   */
  public static ModelBundle open(Path path, BundleLimits limits) {
    return open(path, limits, null);
  }

  /** As {@link #open(Path, BundleLimits)}, extracting a zip under {@code tempParent} if set. */
  static ModelBundle open(Path path, BundleLimits limits, Path tempParent) {
    Objects.requireNonNull(limits, "limits");
    if (Files.isDirectory(path)) {
      Path real;
      try {
        real = path.toRealPath();
      } catch (IOException e) {
        throw new BundleException(path.toString(), "cannot open the bundle directory: "
            + e.getMessage(), e);
      }
      return new ModelBundle(real, false, limits);
    }
    if (!Files.isRegularFile(path)) {
      throw new BundleException(path.toString(), "no bundle directory or .zip file here");
    }
    Path dir;
    try {
      dir = tempParent == null ? Files.createTempDirectory("agriscore-bundle-")
          : Files.createTempDirectory(tempParent, "agriscore-bundle-");
    } catch (IOException e) {
      throw new BundleException(path.getFileName().toString(),
          "cannot create a directory to extract the zip bundle into: " + e.getMessage(), e);
    }
    try {
      Path real;
      try {
        real = dir.toRealPath();
      } catch (IOException e) {
        throw new BundleException(path.getFileName().toString(),
            "cannot resolve the extraction directory " + dir + ": " + e.getMessage(), e);
      }
      ZipBundles.extract(path, real, limits);
      return new ModelBundle(real, true, limits);
    } catch (RuntimeException | Error e) {
      try {
        deleteTree(dir);
      } catch (UncheckedIOException d) {
        e.addSuppressed(d);
      }
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

  /** The limits this bundle was opened with; engines apply them to the files they read. */
  public BundleLimits limits() {
    return limits;
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

  private static <T> T parse(String file, Map<String, String> json, Parser<T> parser) {
    try {
      return parser.parse(json.get(file));
    } catch (BundleException e) {
      throw e;
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new BundleException(file, Json.describe(e), e);
    } catch (IllegalArgumentException e) {
      throw new BundleException(file, e.getMessage(), e);
    } catch (Exception e) {
      throw new BundleException(file, "cannot read: " + e.getMessage(), e);
    }
  }

  /**
   * {@code golden.json}.
   *
   * @param tolerance largest accepted difference, in [0, {@value #MAX_GOLDEN_TOLERANCE}]
   * @param cases the cases; CreditScorer refuses a bundle with none
   */
  record GoldenFile(Double tolerance, List<GoldenEntry> cases) {
    @com.fasterxml.jackson.annotation.JsonCreator
    GoldenFile(@com.fasterxml.jackson.annotation.JsonProperty("tolerance") Double tolerance,
        @com.fasterxml.jackson.annotation.JsonProperty("cases") List<GoldenEntry> cases) {
      if (tolerance != null && !(tolerance >= 0 && tolerance <= MAX_GOLDEN_TOLERANCE)) {
        throw new IllegalArgumentException("'tolerance' must be a number in [0, "
            + MAX_GOLDEN_TOLERANCE + "], got " + tolerance);
      }
      // An empty list parses: tools open a provisional bundle to compute its golden outputs;
      // CreditScorer refuses to serve a bundle without golden cases.
      if (cases == null) {
        throw new IllegalArgumentException("'cases' is required (an array of golden cases)");
      }
      if (cases.contains(null)) {
        throw new IllegalArgumentException("cases[" + cases.indexOf(null) + "] is null");
      }
      this.tolerance = tolerance;
      this.cases = List.copyOf(cases);
    }
  }

  /** One case as written: the request is parsed with the wire format's own reader. */
  record GoldenEntry(String id, JsonNode request, Double probability) {
    @com.fasterxml.jackson.annotation.JsonCreator
    GoldenEntry(@com.fasterxml.jackson.annotation.JsonProperty("id") String id,
        @com.fasterxml.jackson.annotation.JsonProperty("request") JsonNode request,
        @com.fasterxml.jackson.annotation.JsonProperty("probability") Double probability) {
      if (id == null || id.isEmpty()) {
        throw new IllegalArgumentException("every case needs an 'id'");
      }
      if (request == null || !request.isObject()) {
        throw new IllegalArgumentException("case '" + id + "': 'request' must be an object");
      }
      if (probability == null) {
        throw new IllegalArgumentException("case '" + id + "': 'probability' is required");
      }
      this.id = id;
      this.request = request;
      this.probability = probability;
    }
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

  private List<GoldenCase> parseGolden(GoldenFile golden) {
    // A golden request carries every feature of the schema, which may be far more than a wire
    // request's default limits allow; golden.json itself is already size-capped.
    ScoringJson.Limits requestLimits = ScoringJson.Limits.builder()
        .maxFields(Math.max(ScoringJson.Limits.DEFAULT_MAX_FIELDS, schema.size()))
        .maxRequestBytes((int) Math.min(Integer.MAX_VALUE - 8, limits.maxJsonFileBytes()))
        .build();
    List<GoldenCase> result = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    for (GoldenEntry c : golden.cases()) {
      if (!ids.add(c.id())) {
        throw new BundleException(GOLDEN, "case id '" + c.id() + "' is used twice");
      }
      try {
        var request = ScoringJson.readRequest(Json.writeCompact(c.request()), requestLimits);
        encoder.encode(request);
        result.add(new GoldenCase(c.id(), request, c.probability()));
      } catch (InvalidRequestException | IllegalArgumentException | IOException e) {
        throw new BundleException(GOLDEN, "case '" + c.id() + "': " + e.getMessage(), e);
      }
    }
    return List.copyOf(result);
  }

  public static void deleteTree(Path dir) {
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
