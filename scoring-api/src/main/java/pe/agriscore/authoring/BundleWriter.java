package pe.agriscore.authoring;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import pe.agriscore.internal.Json;
import pe.agriscore.internal.bundle.BundleManifest;
import pe.agriscore.internal.bundle.Checksums;
import pe.agriscore.internal.bundle.ModelBundle;
import pe.agriscore.schema.FeatureSchema;
import pe.agriscore.schema.GoldenCase;
import pe.agriscore.schema.Preprocessing;
import pe.agriscore.schema.ReferenceProfile;
import pe.agriscore.schema.ScoreScale;
import pe.agriscore.scoring.BundleException;
import pe.agriscore.scoring.ScoringJson;

/**
 * Writes a model bundle (format v1) and seals it with checksums: the tool of the training
 * pipeline, and of a data scientist wrapping a model made elsewhere.
 *
 * <pre>{@code
 * Path dir = BundleWriter.builder()
 *     .name("farmer-mlp").version("1.0.0")
 *     .engine("pytorch").modelFormat("torchscript")
 *     .model(Path.of("build/mlp.pt"), "model/mlp.pt")
 *     .input("features", 42).output("probability")
 *     .schema(schema).preprocessing(prep).scoreScale(scale).reference(profile)
 *     .golden(cases, 1e-5)
 *     .writeTo(Path.of("models/farmer-mlp"));
 * }</pre>
 *
 * <p>{@link #seal(Path)} re-seals a directory edited by hand.
 */
public final class BundleWriter {

  private String name;
  private String version;
  private String engine;
  private String modelFormat;
  private Path modelSource;
  private String modelTarget;
  private BundleManifest.TensorSpec input;
  private BundleManifest.TensorSpec output;
  private final Map<String, String> properties = new TreeMap<>();
  private Instant createdAt;
  private String description;
  private FeatureSchema schema;
  private Preprocessing preprocessing;
  private ScoreScale scoreScale;
  private ReferenceProfile reference;
  private List<GoldenCase> golden = List.of();
  private double goldenTolerance = 1e-5;

  private BundleWriter() {}

  /** Starts a bundle. */
  public static BundleWriter builder() {
    return new BundleWriter();
  }

  /** The model name. */
  public BundleWriter name(String value) {
    this.name = value;
    return this;
  }

  /** The model version. */
  public BundleWriter version(String value) {
    this.version = value;
    return this;
  }

  /** The engine name, e.g. {@code tensorflow}. */
  public BundleWriter engine(String value) {
    this.engine = value;
    return this;
  }

  /** The model format, e.g. {@code tf-savedmodel}. */
  public BundleWriter modelFormat(String value) {
    this.modelFormat = value;
    return this;
  }

  /**
   * The model file or directory to copy into the bundle.
   *
   * @param source file or directory on disk
   * @param target its path inside the bundle, e.g. {@code model/} or {@code model/mlp.pt}
   */
  public BundleWriter model(Path source, String target) {
    this.modelSource = source;
    this.modelTarget = target;
    return this;
  }

  /** The input tensor: its name and width (shape {@code [-1, width]}). */
  public BundleWriter input(String tensorName, int width) {
    this.input = new BundleManifest.TensorSpec(tensorName, List.of(-1L, (long) width));
    return this;
  }

  /** The output tensor name (shape {@code [-1, 1]}). */
  public BundleWriter output(String tensorName) {
    this.output = new BundleManifest.TensorSpec(tensorName, List.of(-1L, 1L));
    return this;
  }

  /**
   * The output tensor name of a model exported without its final sigmoid: its output is the
   * log-odds of default, and AgriScore applies the sigmoid (manifest {@code "kind": "logit"}).
   */
  public BundleWriter logitOutput(String tensorName) {
    this.output = new BundleManifest.TensorSpec(tensorName, List.of(-1L, 1L),
        BundleManifest.TensorSpec.LOGIT);
    return this;
  }

  /** An engine-specific manifest property. */
  public BundleWriter property(String key, String value) {
    properties.put(key, value);
    return this;
  }

  /** The creation time (default: now). */
  public BundleWriter createdAt(Instant value) {
    this.createdAt = value;
    return this;
  }

  /** Free text. */
  public BundleWriter description(String value) {
    this.description = value;
    return this;
  }

  /** The feature schema. */
  public BundleWriter schema(FeatureSchema value) {
    this.schema = value;
    return this;
  }

  /** The fitted preprocessing. */
  public BundleWriter preprocessing(Preprocessing value) {
    this.preprocessing = value;
    return this;
  }

  /** Score scaling and grades. */
  public BundleWriter scoreScale(ScoreScale value) {
    this.scoreScale = value;
    return this;
  }

  /** The training reference profile. */
  public BundleWriter reference(ReferenceProfile value) {
    this.reference = value;
    return this;
  }

  /**
   * The golden cases and the tolerance they are checked with.
   *
   * @throws IllegalArgumentException if {@code tolerance} is not in [0, {@value
   *     ModelBundle#MAX_GOLDEN_TOLERANCE}]
   */
  public BundleWriter golden(List<GoldenCase> cases, double tolerance) {
    if (!(tolerance >= 0 && tolerance <= ModelBundle.MAX_GOLDEN_TOLERANCE)) {
      throw new IllegalArgumentException("the golden tolerance must be in [0, "
          + ModelBundle.MAX_GOLDEN_TOLERANCE + "], got " + tolerance);
    }
    this.golden = List.copyOf(cases);
    this.goldenTolerance = tolerance;
    return this;
  }

  /**
   * Writes and seals the bundle into {@code dir}, which must not exist or be empty.
   *
   * @return {@code dir}
   */
  public Path writeTo(Path dir) throws IOException {
    Objects.requireNonNull(schema, "schema");
    Objects.requireNonNull(preprocessing, "preprocessing");
    Objects.requireNonNull(scoreScale, "scoreScale");
    Objects.requireNonNull(reference, "reference");
    Objects.requireNonNull(modelSource, "model");
    Files.createDirectories(dir);
    try (Stream<Path> existing = Files.list(dir)) {
      if (existing.findAny().isPresent()) {
        throw new IOException(dir + " is not empty");
      }
    }
    write(dir, ModelBundle.SCHEMA, schema.toJson());
    write(dir, ModelBundle.PREPROCESSING, preprocessing.toJson());
    write(dir, ModelBundle.SCORECARD, scoreScale.toJson());
    write(dir, ModelBundle.REFERENCE, Json.write(reference));
    write(dir, ModelBundle.GOLDEN, goldenJson());
    copy(modelSource, dir.resolve(modelTarget));
    BundleManifest manifest = new BundleManifest(BundleManifest.FORMAT_VERSION, name, version,
        engine, modelFormat, modelTarget, input, output, properties,
        createdAt == null ? Instant.now() : createdAt, description,
        Checksums.hashFiles(dir), null);
    Checksums.seal(dir, manifest);
    return dir;
  }

  /** Writes the bundle into a directory, then zips it to {@code zipFile}. */
  public Path writeZip(Path zipFile) throws IOException {
    Path tmp = Files.createTempDirectory("agriscore-bundle-");
    try {
      writeTo(tmp.resolve("b"));
      zip(tmp.resolve("b"), zipFile);
    } finally {
      ModelBundle.deleteTree(tmp);
    }
    return zipFile;
  }

  /**
   * Recomputes every checksum of a bundle directory whose files were edited by hand, and writes
   * the sealed manifest. The manifest's other fields are kept.
   *
   * @throws BundleException if the existing manifest cannot be parsed
   */
  public static BundleManifest seal(Path dir) throws IOException {
    String text = Files.readString(dir.resolve(ModelBundle.MANIFEST), StandardCharsets.UTF_8);
    ObjectNode node = (ObjectNode) Json.readTree(text);
    node.remove("manifestSha256");
    // Sealing recomputes every checksum, so hand-written keys are replaced before validation.
    ObjectNode files = node.putObject("files");
    Checksums.hashFiles(dir).forEach(files::put);
    BundleManifest manifest;
    try {
      manifest = Json.read(node, BundleManifest.class);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new BundleException(ModelBundle.MANIFEST, Json.describe(e), e);
    } catch (IOException | IllegalArgumentException e) {
      throw new BundleException(ModelBundle.MANIFEST, e.getMessage(), e);
    }
    return Checksums.seal(dir, manifest);
  }

  /** Zips a bundle directory (entries in sorted order, so the zip is reproducible). */
  public static void zip(Path dir, Path zipFile) throws IOException {
    List<Path> files = new ArrayList<>();
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.filter(Files::isRegularFile).sorted().forEach(files::add);
    }
    try (OutputStream out = Files.newOutputStream(zipFile);
        ZipOutputStream zout = new ZipOutputStream(out)) {
      for (Path f : files) {
        ZipEntry e = new ZipEntry(dir.relativize(f).toString().replace('\\', '/'));
        e.setTime(0);
        zout.putNextEntry(e);
        Files.copy(f, zout);
        zout.closeEntry();
      }
    }
  }

  private String goldenJson() throws IOException {
    ObjectNode root = Json.object();
    root.put("tolerance", goldenTolerance);
    ArrayNode cases = root.putArray("cases");
    for (GoldenCase c : golden) {
      ObjectNode n = cases.addObject();
      n.put("id", c.id());
      n.set("request", Json.readTree(
          new String(ScoringJson.writeRequest(c.request()), StandardCharsets.UTF_8)));
      n.put("probability", c.probability());
    }
    return Json.write(root);
  }

  private static void write(Path dir, String file, String content) throws IOException {
    Files.writeString(dir.resolve(file), content.endsWith("\n") ? content : content + "\n",
        StandardCharsets.UTF_8);
  }

  private static void copy(Path source, Path target) throws IOException {
    if (Files.isDirectory(source)) {
      try (Stream<Path> paths = Files.walk(source)) {
        for (Path p : paths.sorted().toList()) {
          Path t = target.resolve(source.relativize(p).toString());
          if (Files.isDirectory(p)) {
            Files.createDirectories(t);
          } else {
            Files.copy(p, t, StandardCopyOption.REPLACE_EXISTING);
          }
        }
      }
    } else {
      Files.createDirectories(target.getParent());
      Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }
}
