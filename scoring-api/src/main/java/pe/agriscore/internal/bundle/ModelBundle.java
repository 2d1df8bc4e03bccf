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
import java.util.TreeMap;
import java.util.stream.Stream;
import pe.agriscore.internal.Json;
import pe.agriscore.internal.Text;
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
import pe.agriscore.trust.BundleContent;
import pe.agriscore.trust.BundleCrypto;
import pe.agriscore.trust.KeyProvider;
import pe.agriscore.trust.TrustPolicy;
import pe.agriscore.trust.TrustReport;

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
  private FeatureSchema schema;
  private Preprocessing preprocessing;
  private Encoder encoder;
  private ScoreScale scoreScale;
  private ReferenceProfile reference;
  private List<GoldenCase> goldenCases;
  private double goldenTolerance;
  private final TrustReport trust;
  private final Path source;
  /** The decrypted model files by bundle path, in memory; empty for a clear-text model. */
  private final Map<String, byte[]> plainModel = new TreeMap<>();
  /** The private directory the model was decrypted into for an engine that reads files. */
  private Path plaintext;
  private boolean closed;

  private ModelBundle(Path source, boolean temporary, BundleLimits limits, TrustPolicy policy,
      KeyProvider keys, boolean parse) {
    this.source = source;
    this.root = source;
    this.temporary = temporary;
    this.limits = limits;
    Checksums.Verified verified = Checksums.verify(source, limits);
    this.manifest = verified.manifest();
    // Signatures are judged before any bundle file is parsed; they cover the encrypted bytes.
    this.trust = policy.verify(new BundleContent(source, verified.digests(),
        verified.signatureFiles(), limits.maxJsonFileBytes()));
    if (!parse) {
      return;
    }
    boolean encrypted = verified.digests().containsKey(BundleCrypto.ENCRYPTION);
    BundleCrypto.Decryption decryption = encrypted && keys != null
        ? BundleCrypto.decryption(source, keys) : null;
    Set<String> encryptedFiles = encrypted ? BundleCrypto.encryptedFiles(source).keySet()
        : Set.of();
    for (String file : encryptedFiles) {
      if (!manifest.files().containsKey(file) || file.equals(BundleCrypto.ENCRYPTION)) {
        throw new BundleException(BundleCrypto.ENCRYPTION, "lists " + Text.quote(file, 100)
            + ", which is not an encryptable file of the bundle (not in manifest.json's"
            + " 'files', or encryption.json itself)");
      }
    }
    Map<String, String> json = new TreeMap<>();
    for (String file : Checksums.JSON_FILES) {
      byte[] bytes = verified.json().get(file);
      if (encryptedFiles.contains(file)) {
        if (decryption == null) {
          throw new BundleException(file, "is encrypted: open the bundle with its key provider"
              + " (CreditScorer.Builder.keys) to read it; its signatures verify without");
        }
        bytes = decryption.decrypt(file);
      }
      json.put(file, Checksums.jsonText(file, bytes, limits));
    }
    try {
      if (decryption != null) {
        // Decrypted, hence authenticated, at open: a flipped byte is refused before any engine.
        for (String file : decryption.files()) {
          if (isModelFile(file)) {
            plainModel.put(file, decryption.decrypt(file));
          }
        }
      }
      parseFiles(json);
    } catch (RuntimeException | Error e) {
      plainModel.values().forEach(b -> java.util.Arrays.fill(b, (byte) 0));
      throw e;
    }
  }

  private boolean isModelFile(String file) {
    String model = manifest.model().replaceFirst("/$", "");
    return file.equals(model) || file.startsWith(model + "/");
  }

  private void parseFiles(Map<String, String> json) {
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
    return open(path, limits, TrustPolicy.unsignedAllowed());
  }

  /**
   * Opens and verifies a bundle as {@link #open(Path, BundleLimits)}, then judges its signatures
   * by {@code policy} before parsing any other file (see {@code docs/security.md}).
   *
   * <pre>{@code
   * try (ModelBundle b = ModelBundle.open(dir, BundleLimits.defaults(), TrustPolicy.fourEyes(store))) {
   *   b.trust().signatures().forEach(s -> System.out.println(s.keyId() + " " + s.role()));
   * }
   * }</pre>
   *
   * @throws pe.agriscore.trust.TrustException naming the file and the trust rule that refused it
   * @throws BundleException naming the file at fault
   */
  public static ModelBundle open(Path path, BundleLimits limits, TrustPolicy policy) {
    return open(path, limits, null, policy, null);
  }

  /**
   * Opens, verifies and judges a bundle as {@link #open(Path, BundleLimits, TrustPolicy)}, and
   * decrypts an encrypted bundle's files with {@code keys} in memory: its JSON files are parsed
   * from memory, its model is held in memory for {@link #openModel} and written to a private
   * directory on a memory-backed filesystem only if an engine asks for {@link #modelPath()}.
   * (The three-argument open does not decrypt: it refuses a bundle whose JSON files are
   * encrypted, naming the first; {@link #verify} checks any bundle without a key.)
   *
   * @throws BundleException naming the file that does not decrypt or the missing key
   */
  public static ModelBundle open(Path path, BundleLimits limits, TrustPolicy policy,
      KeyProvider keys) {
    return open(path, limits, null, policy, Objects.requireNonNull(keys, "keys"));
  }

  /** As {@link #open(Path, BundleLimits)}, extracting a zip under {@code tempParent} if set. */
  static ModelBundle open(Path path, BundleLimits limits, Path tempParent) {
    return open(path, limits, tempParent, TrustPolicy.unsignedAllowed(), null);
  }

  private static ModelBundle open(Path path, BundleLimits limits, Path tempParent,
      TrustPolicy policy, KeyProvider keys) {
    return open(path, limits, tempParent, policy, keys, true);
  }

  /**
   * Verifies a bundle's checksums and judges its signatures by {@code policy}, reading no other
   * file: what signing and verification tools need, and all they can do with a bundle whose JSON
   * files are encrypted when they hold no key.
   *
   * @throws pe.agriscore.trust.TrustException naming the file and the trust rule that refused it
   * @throws BundleException naming the file at fault
   */
  public static Verification verify(Path path, BundleLimits limits, TrustPolicy policy) {
    try (ModelBundle b = open(path, limits, null, policy, null, false)) {
      return new Verification(b.manifest, b.trust);
    }
  }

  /**
   * What {@link #verify} checked.
   *
   * @param manifest the sealed manifest
   * @param trust what the trust policy verified
   */
  public record Verification(BundleManifest manifest, TrustReport trust) {}

  private static ModelBundle open(Path path, BundleLimits limits, Path tempParent,
      TrustPolicy policy, KeyProvider keys, boolean parse) {
    Objects.requireNonNull(limits, "limits");
    Objects.requireNonNull(policy, "policy");
    if (Files.isDirectory(path)) {
      Path real;
      try {
        real = path.toRealPath();
      } catch (IOException e) {
        throw new BundleException(path.toString(), "cannot open the bundle directory: "
            + e.getMessage(), e);
      }
      return new ModelBundle(real, false, limits, policy, keys, parse);
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
      return new ModelBundle(real, true, limits, policy, keys, parse);
    } catch (RuntimeException | Error e) {
      try {
        deleteTree(dir);
      } catch (UncheckedIOException d) {
        e.addSuppressed(d);
      }
      throw e;
    }
  }

  /** What the trust policy verified when the bundle was opened. */
  public TrustReport trust() {
    return trust;
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

  /**
   * The bundle's root directory (a temporary one for a zip bundle). For an encrypted bundle its
   * encrypted files hold ciphertext: read the model through {@link #openModel}.
   */
  public Path root() {
    return root;
  }

  /**
   * The model file or directory named by the manifest, for an engine that reads files. For an
   * encrypted bundle opened with keys, the first call writes the model's files (and only them)
   * into a private directory on a memory-backed filesystem, which {@link #close()} deletes; an
   * engine that reads the model through {@link #openModel} never causes one.
   *
   * @throws BundleException if the private directory cannot be written
   * @throws IllegalStateException after close
   */
  public synchronized Path modelPath() {
    if (plainModel.isEmpty()) {
      return root.resolve(manifest.model());
    }
    if (closed) {
      throw new IllegalStateException("the bundle is closed");
    }
    if (plaintext == null) {
      Path dir = BundleCrypto.privateDirectory();
      try {
        for (Map.Entry<String, byte[]> e : plainModel.entrySet()) {
          Path target = dir.resolve(e.getKey());
          Files.createDirectories(target.getParent());
          Files.write(target, e.getValue(), java.nio.file.StandardOpenOption.CREATE_NEW);
        }
        for (String file : manifest.files().keySet()) {
          if (isModelFile(file) && !plainModel.containsKey(file)) {
            Files.createDirectories(dir.resolve(file).getParent());
            Files.copy(root.resolve(file), dir.resolve(file));
          }
        }
      } catch (IOException | RuntimeException e) {
        BundleCrypto.deleteTree(dir, e);
        throw new BundleException(manifest.model(), "cannot write the decrypted model into the"
            + " private directory " + dir + ": " + e.getMessage(), e);
      }
      plaintext = dir;
    }
    return plaintext.resolve(manifest.model());
  }

  /**
   * The private directory the encrypted model was decrypted into, if an engine asked for
   * {@link #modelPath()}; empty while every decrypted byte is held only in memory.
   */
  public synchronized java.util.Optional<Path> plaintextDirectory() {
    return java.util.Optional.ofNullable(plaintext);
  }

  /**
   * Whether the manifest's model is a directory (e.g. a SavedModel) rather than one file.
   */
  public boolean modelIsDirectory() {
    return !manifest.files().containsKey(manifest.model());
  }

  /**
   * Opens the model file, or the file {@code relative} inside a directory model: from memory for
   * an encrypted bundle opened with keys (no plaintext on any filesystem), else from the bundle.
   *
   * @throws BundleException naming the file if it lies outside the model or cannot be read
   */
  public synchronized java.io.InputStream openModel(String relative) {
    Path model = Path.of(manifest.model());
    Path file = relative.isEmpty() ? model : model.resolve(relative).normalize();
    String name = file.toString().replace(java.io.File.separatorChar, '/');
    if (!file.startsWith(model)) {
      throw new BundleException(manifest.model(), "'" + relative + "' is outside the model");
    }
    if (closed) {
      throw new IllegalStateException("the bundle is closed");
    }
    byte[] plain = plainModel.get(name);
    if (plain != null) {
      return new java.io.ByteArrayInputStream(plain);
    }
    try {
      return Files.newInputStream(root.resolve(name));
    } catch (IOException e) {
      throw new BundleException(name, "cannot be read: " + e.getMessage(), e);
    }
  }

  /**
   * Deletes the private plaintext directory of an encrypted bundle, overwrites the decrypted
   * bytes held in memory, and deletes the extraction directory of a zip bundle.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    plainModel.values().forEach(b -> java.util.Arrays.fill(b, (byte) 0));
    if (plaintext != null) {
      BundleCrypto.deleteTree(plaintext, null);
    }
    if (temporary) {
      deleteTree(source);
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
