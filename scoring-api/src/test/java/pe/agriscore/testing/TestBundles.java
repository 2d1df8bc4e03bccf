package pe.agriscore.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import pe.agriscore.authoring.BundleWriter;
import pe.agriscore.internal.bundle.Encoder;
import pe.agriscore.schema.BooleanFeature;
import pe.agriscore.schema.CategoricalFeature;
import pe.agriscore.schema.FeatureSchema;
import pe.agriscore.schema.FeatureText;
import pe.agriscore.schema.FeatureTransform;
import pe.agriscore.schema.GoldenCase;
import pe.agriscore.schema.MissingPolicy;
import pe.agriscore.schema.NumericFeature;
import pe.agriscore.schema.Preprocessing;
import pe.agriscore.schema.ReferenceProfile;
import pe.agriscore.schema.ScoreScale;
import pe.agriscore.scoring.ScoringRequest;

/**
 * A small farmer schema and hand-built bundles for tests, shared with other modules through the
 * scoring-api test-jar. The scorecard's coefficients are stated here, so expected probabilities
 * are computed independently of the code under test.
 */
public final class TestBundles {

  public static final List<String> CROPS = List.of("potato", "coffee", "cocoa", "quinoa", "rice");

  private TestBundles() {}

  /** Six features: every type, one imputing feature (thin-file loan history). */
  public static FeatureSchema schema() {
    return FeatureSchema.builder("test-farmer", "1")
        .add(NumericFeature.of("farm_size_ha", "ha", 0.05, 500)
            .withText(new FeatureText("AG01", "Chacra de tamaño reducido", "Small farm size",
                "Cultivated area")))
        .add(NumericFeature.of("yield_ratio", "ratio", 0, 3)
            .withText(new FeatureText("AG02", "Rendimiento por debajo de lo habitual",
                "Yield below typical levels", "Yield relative to the regional mean")))
        .add(NumericFeature.of("drought_index", "spei", -4, 4))
        .add(CategoricalFeature.of("main_crop", CROPS))
        .add(BooleanFeature.of("irrigated"))
        .add(NumericFeature.of("prior_loans_repaid_share", "share", 0, 1)
            .withMissing(MissingPolicy.impute(1.0)))
        .build();
  }

  /** Standardisation with stated means and scales. */
  public static Preprocessing standardPreprocessing() {
    return new Preprocessing(List.of(
        new FeatureTransform.Standardize("farm_size_ha", 3.0, 2.0),
        new FeatureTransform.Standardize("yield_ratio", 1.0, 0.25),
        new FeatureTransform.Standardize("drought_index", 0.0, 1.0),
        new FeatureTransform.OneHot("main_crop"),
        new FeatureTransform.Binary("irrigated"),
        new FeatureTransform.Standardize("prior_loans_repaid_share", 0.8, 0.2)));
  }

  /** Coefficients by encoded column name of {@link #standardPreprocessing()}. */
  public static Map<String, Double> coefficients() {
    Map<String, Double> c = new LinkedHashMap<>();
    c.put("farm_size_ha", -0.30);
    c.put("yield_ratio", -0.55);
    c.put("drought_index", 0.40);
    c.put("main_crop=potato", 0.10);
    c.put("main_crop=coffee", -0.20);
    c.put("main_crop=cocoa", -0.15);
    c.put("main_crop=quinoa", 0.05);
    c.put("main_crop=rice", 0.20);
    c.put("irrigated", -0.45);
    c.put("prior_loans_repaid_share", -0.35);
    c.put("prior_loans_repaid_share#missing", 0.25);
    return c;
  }

  public static final double INTERCEPT = -2.2;

  public static ScoreScale scale() {
    return new ScoreScale(600, 30, 20, 300, 850, List.of(
        new ScoreScale.Grade("A", 680), new ScoreScale.Grade("B", 640),
        new ScoreScale.Grade("C", 600), new ScoreScale.Grade("D", 560),
        new ScoreScale.Grade("E", 300)));
  }

  public static ReferenceProfile reference() {
    Map<String, ReferenceProfile.FeatureProfile> f = new LinkedHashMap<>();
    f.put("farm_size_ha", new ReferenceProfile.FeatureProfile(3.0, 0.0, 3.4, null, null));
    f.put("yield_ratio", new ReferenceProfile.FeatureProfile(1.0, 0.0, 1.0, null, null));
    f.put("drought_index", new ReferenceProfile.FeatureProfile(0.0, 0.0, 0.0, null, null));
    f.put("main_crop", new ReferenceProfile.FeatureProfile("potato", 0.0, null, null,
        Map.of("potato", 0.4, "coffee", 0.2, "cocoa", 0.2, "quinoa", 0.1, "rice", 0.1)));
    f.put("irrigated", new ReferenceProfile.FeatureProfile(false, 0.0, null, null,
        Map.of("true", 0.3, "false", 0.7)));
    f.put("prior_loans_repaid_share", new ReferenceProfile.FeatureProfile(1.0, 0.4, 0.9, null,
        null));
    return new ReferenceProfile(1000, f, new ReferenceProfile.ScoreProfile(0.1, null, 0.1));
  }

  /** A random valid request; deterministic for a seed. */
  public static ScoringRequest randomRequest(Random rnd, String id) {
    ScoringRequest.Builder b = ScoringRequest.builder(id, LocalDate.of(2026, 11, 1))
        .set("farm_size_ha", 0.1 + rnd.nextDouble() * 10)
        .set("yield_ratio", rnd.nextDouble() * 2)
        .set("drought_index", Math.max(-4, Math.min(4, rnd.nextGaussian())))
        .set("main_crop", CROPS.get(rnd.nextInt(CROPS.size())))
        .set("irrigated", rnd.nextBoolean());
    if (rnd.nextInt(3) == 0) {
      b.setMissing("prior_loans_repaid_share");
    } else {
      b.set("prior_loans_repaid_share", rnd.nextDouble());
    }
    return b.build();
  }

  public static List<ScoringRequest> randomRequests(long seed, int n) {
    Random rnd = new Random(seed);
    List<ScoringRequest> list = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      list.add(randomRequest(rnd, "PE-" + i));
    }
    return list;
  }

  /** The scorecard's probability of default, computed here from the stated coefficients. */
  public static double expectedProbability(ScoringRequest r) {
    Encoder encoder = Encoder.compile(schema(), standardPreprocessing());
    float[] x = encoder.encode(r);
    double z = INTERCEPT;
    List<String> cols = encoder.columnNames();
    for (int i = 0; i < x.length; i++) {
      z += coefficients().get(cols.get(i)) * x[i];
    }
    return 1 / (1 + Math.exp(-z));
  }

  /** Writes a sealed scorecard bundle directory with 8 golden cases under {@code parent}. */
  public static Path writeScorecardBundle(Path parent) throws IOException {
    return writeScorecardBundle(parent, "scorecard");
  }

  /** The same bundle, naming another engine that reads the scorecard model format. */
  public static Path writeScorecardBundle(Path parent, String engine) throws IOException {
    return writeScorecardBundle(parent, engine, w -> w);
  }

  /** The same bundle, with {@code customize} applied to the writer last (e.g. to sign it). */
  public static Path writeScorecardBundle(Path parent, String engine,
      java.util.function.UnaryOperator<BundleWriter> customize) throws IOException {
    // In the caller's directory, not java.io.tmpdir: EncryptionTest searches that for plaintext.
    Path model = Files.createTempFile(Files.createDirectories(parent), "scorecard-model", ".json");
    StringBuilder json = new StringBuilder("{\"intercept\": " + INTERCEPT + ", \"coefficients\": {");
    int i = 0;
    for (Map.Entry<String, Double> e : coefficients().entrySet()) {
      json.append(i++ == 0 ? "" : ", ").append('"').append(e.getKey()).append("\": ")
          .append(e.getValue());
    }
    Files.writeString(model, json.append("}}\n").toString());
    List<GoldenCase> golden = new ArrayList<>();
    for (ScoringRequest r : randomRequests(7, 8)) {
      golden.add(new GoldenCase("case-" + r.applicantId(), r, expectedProbability(r)));
    }
    Path dir = parent.resolve(engine + "-bundle");
    customize.apply(BundleWriter.builder()
        .name("test-scorecard").version("1.0.0")
        .engine(engine).modelFormat("agriscore-logistic")
        .model(model, "model/scorecard.json")
        .input("features", 11).output("probability")
        .createdAt(Instant.parse("2026-11-01T00:00:00Z"))
        .schema(schema()).preprocessing(standardPreprocessing()).scoreScale(scale())
        .reference(reference())
        .golden(golden, 1e-9)
        ).writeTo(dir);
    Files.delete(model);
    return dir;
  }

  /** The coefficient of column {@code i} of {@link #writeWideScorecardBundle}. */
  public static double wideCoefficient(int i) {
    return 0.01 * (i % 7 - 3);
  }

  /**
   * A scorecard bundle of {@code features} numeric features {@code x0, x1...} in [-10, 10],
   * unscaled, baseline 0, coefficient {@link #wideCoefficient}, intercept {@link #INTERCEPT}:
   * the shape (many features, many columns) whose reason-code rows outgrow an int.
   */
  public static Path writeWideScorecardBundle(Path parent, String engine, int features)
      throws IOException {
    FeatureSchema.Builder schema = FeatureSchema.builder("wide", "1");
    List<FeatureTransform> transforms = new ArrayList<>();
    Map<String, ReferenceProfile.FeatureProfile> reference = new LinkedHashMap<>();
    StringBuilder json = new StringBuilder("{\"intercept\": " + INTERCEPT
        + ", \"coefficients\": {");
    for (int i = 0; i < features; i++) {
      schema.add(NumericFeature.of("x" + i, "u", -10, 10));
      transforms.add(new FeatureTransform.Standardize("x" + i, 0, 1));
      reference.put("x" + i, new ReferenceProfile.FeatureProfile(0.0, 0.0, 0.0, null, null));
      json.append(i == 0 ? "" : ", ").append("\"x").append(i).append("\": ")
          .append(wideCoefficient(i));
    }
    Path model = Files.writeString(parent.resolve("wide-model.json"), json + "}}\n");
    List<GoldenCase> golden = new ArrayList<>();
    for (int g = 0; g < 2; g++) {
      ScoringRequest r = wideRequest("golden-" + g, features, g + 1, 1.5);
      golden.add(new GoldenCase(r.applicantId(), r, wideProbability(features, g + 1, 1.5)));
    }
    Path dir = BundleWriter.builder()
        .name("wide-scorecard").version("1.0.0").engine(engine).modelFormat("agriscore-logistic")
        .model(model, "model/scorecard.json").input("features", features).output("probability")
        .createdAt(Instant.parse("2026-11-01T00:00:00Z"))
        .schema(schema.build()).preprocessing(new Preprocessing(transforms)).scoreScale(scale())
        .reference(new ReferenceProfile(1000, reference,
            new ReferenceProfile.ScoreProfile(0.1, null, 0.1)))
        .golden(golden, 1e-9)
        .writeTo(parent.resolve(engine + "-wide-bundle"));
    Files.delete(model);
    return dir;
  }

  /**
   * A request of a {@link #writeWideScorecardBundle} bundle: every {@code every}-th feature
   * ({@code x0, x<every>...}) set to {@code value}, the others to their baseline 0.
   */
  public static ScoringRequest wideRequest(String id, int features, int every, double value) {
    ScoringRequest.Builder b = ScoringRequest.builder(id, LocalDate.of(2026, 11, 1));
    for (int i = 0; i < features; i++) {
      b.set("x" + i, i % every == 0 ? value : 0.0);
    }
    return b.build();
  }

  /** The probability of {@link #wideRequest}, from the stated coefficients. */
  public static double wideProbability(int features, int every, double value) {
    double z = INTERCEPT;
    for (int i = 0; i < features; i += every) {
      z += wideCoefficient(i) * value;
    }
    return 1 / (1 + Math.exp(-z));
  }

  /**
   * A bundle named after {@code engine}, for a test engine that ignores its model file ({@link
   * FaultyEngine}, or another registered for tests), with three golden cases of probability 0.1.
   */
  public static Path writeMarkerBundle(Path parent, String engine) throws IOException {
    return writeMarkerBundle(parent, engine, engine, 3);
  }

  /**
   * A bundle for a test engine that ignores its model file: {@code farm_size_ha} is encoded
   * unscaled as the first column, so a marker value in a request ({@link #farm}) reaches the
   * engine as is. Its model file is {@code model/<name>.bin}; its golden cases expect 0.1.
   */
  public static Path writeMarkerBundle(Path parent, String engine, String name, int goldenCount)
      throws IOException {
    Preprocessing prep = new Preprocessing(List.of(
        new FeatureTransform.Standardize("farm_size_ha", 0, 1),
        new FeatureTransform.Standardize("yield_ratio", 1.0, 0.25),
        new FeatureTransform.Standardize("drought_index", 0.0, 1.0),
        new FeatureTransform.OneHot("main_crop"),
        new FeatureTransform.Binary("irrigated"),
        new FeatureTransform.Standardize("prior_loans_repaid_share", 0.8, 0.2)));
    List<GoldenCase> golden = new ArrayList<>();
    for (ScoringRequest r : randomRequests(1, goldenCount)) {
      golden.add(new GoldenCase("g-" + r.applicantId(), r, 0.1));
    }
    Path model = Files.writeString(parent.resolve(name + ".bin"), "no weights");
    return BundleWriter.builder().name(name).version("0.1.0").engine(engine)
        .modelFormat("none").model(model, "model/" + name + ".bin").input("x", 11).output("p")
        .schema(schema()).preprocessing(prep).scoreScale(scale())
        .reference(reference()).golden(golden, 0)
        .writeTo(parent.resolve(name + "-bundle"));
  }

  /** A valid request for {@link #writeMarkerBundle} bundles, with the given farm size. */
  public static ScoringRequest farm(String id, double farmSizeHa) {
    return ScoringRequest.builder(id, LocalDate.of(2026, 11, 1))
        .set("farm_size_ha", farmSizeHa).set("yield_ratio", 1.0).set("drought_index", 0.0)
        .set("main_crop", "potato").set("irrigated", false)
        .setMissing("prior_loans_repaid_share").build();
  }

  /**
   * A copy of the bundle directory {@code from} at {@code to} without its signatures (the
   * {@code signatures/} folder and an old-style {@code model.sig}), for tests that change a
   * bundle and must open it without the trust policy refusing the changed files.
   */
  public static Path copyWithoutSignatures(Path from, Path to) throws IOException {
    try (java.util.stream.Stream<Path> files = Files.walk(from)) {
      for (Path f : files.collect(java.util.stream.Collectors.toList())) {
        Path rel = from.relativize(f);
        if (rel.toString().equals("model.sig") || rel.startsWith("signatures")) {
          continue;
        }
        Path target = to.resolve(rel.toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(target);
        } else {
          Files.copy(f, target);
        }
      }
    }
    return to;
  }
}
