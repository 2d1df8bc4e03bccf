package com.example.bank;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import pe.agriscore.CreditScorer;
import pe.agriscore.authoring.BundleWriter;
import pe.agriscore.schema.BooleanFeature;
import pe.agriscore.schema.CategoricalFeature;
import pe.agriscore.schema.FeatureSchema;
import pe.agriscore.schema.FeatureText;
import pe.agriscore.schema.FeatureTransform;
import pe.agriscore.schema.GoldenCase;
import pe.agriscore.schema.NumericFeature;
import pe.agriscore.schema.Preprocessing;
import pe.agriscore.schema.ReferenceProfile;
import pe.agriscore.schema.ScoreScale;
import pe.agriscore.scoring.CreditScore;
import pe.agriscore.scoring.ScoringRequest;

/** Wraps a logistic scorecard fitted elsewhere (R, Python, a spreadsheet) as a bundle. */
public final class WrapAScorecard {

  /** The fitted model: log-odds of default = INTERCEPT + sum of coefficient * column. */
  public static final double INTERCEPT = -2.0;
  public static final Map<String, Double> COEFFICIENTS = Map.of(
      "farm_size_ha", -0.40, "main_crop=potato", 0.20, "main_crop=coffee", -0.30,
      "irrigated", -0.50);

  public static void main(String[] args) throws IOException {
    CreditScore s = writeAndScore(Path.of(args[0]));
    System.out.printf("%s: PD %.4f, %d points, grade %s%n", s.applicantId(),
        s.probabilityOfDefault(), s.points(), s.grade());
  }

  /** Writes the bundle into the new directory {@code dir}, opens it and scores one farmer. */
  public static CreditScore writeAndScore(Path dir) throws IOException {
    // 1. The features a request carries: types, valid ranges, reason-code texts.
    FeatureSchema schema = FeatureSchema.builder("small-farm", "1")
        .add(NumericFeature.of("farm_size_ha", "ha", 0.05, 500)
            .withText(new FeatureText("AG01", "Chacra pequeña", "Small farm", "Farm size")))
        .add(CategoricalFeature.of("main_crop", List.of("potato", "coffee")))
        .add(BooleanFeature.of("irrigated"))
        .build();
    // 2. How features become the model's columns, exactly as in training.
    Preprocessing preprocessing = new Preprocessing(List.of(
        new FeatureTransform.Standardize("farm_size_ha", 3.0, 2.0),
        new FeatureTransform.OneHot("main_crop"),       // main_crop=potato, main_crop=coffee
        new FeatureTransform.Binary("irrigated")));
    // 3. Probability of default -> points (600 at odds 30:1, 20 to double) -> grade.
    ScoreScale scale = new ScoreScale(600, 30, 20, 300, 850, List.of(
        new ScoreScale.Grade("A", 650), new ScoreScale.Grade("B", 600),
        new ScoreScale.Grade("C", 300)));
    // 4. The training population: baselines for reason codes, distributions for drift.
    ReferenceProfile reference = new ReferenceProfile(1_000, Map.of(
        "farm_size_ha", new ReferenceProfile.FeatureProfile(3.0, 0.0, 3.4, null, null),
        "main_crop", new ReferenceProfile.FeatureProfile("potato", 0.0, null, null,
            Map.of("potato", 0.6, "coffee", 0.4)),
        "irrigated", new ReferenceProfile.FeatureProfile(false, 0.0, null, null,
            Map.of("true", 0.3, "false", 0.7))),
        new ReferenceProfile.ScoreProfile(0.1, null, 0.1));
    // 5. The model file, in the format of the built-in scorecard engine.
    Path model = Files.createTempFile("scorecard", ".json");
    Files.writeString(model, "{\"intercept\": " + INTERCEPT + ", \"coefficients\": {"
        + "\"farm_size_ha\": -0.40, \"main_crop=potato\": 0.20, \"main_crop=coffee\": -0.30,"
        + " \"irrigated\": -0.50}}");
    // 6. Golden cases: requests and the probabilities the model gave them where it was made.
    //    Opening the bundle re-scores them; a bundle that no longer reproduces them is refused.
    ScoringRequest farmer = applicant("PE-001", 2.5, "coffee", true);
    List<GoldenCase> golden = List.of(new GoldenCase("coffee-irrigated", farmer, 0.0629734));
    BundleWriter.builder()
        .name("small-farm-scorecard").version("1.0.0")
        .engine("scorecard").modelFormat("agriscore-logistic")
        .model(model, "model/scorecard.json")
        .input("features", 4).output("probability")
        .schema(schema).preprocessing(preprocessing).scoreScale(scale).reference(reference)
        .golden(golden, 1e-6)
        .writeTo(dir);
    Files.delete(model);

    try (CreditScorer scorer = CreditScorer.open(dir)) {
      return scorer.score(farmer);
    }
  }

  static ScoringRequest applicant(String id, double hectares, String crop, boolean irrigated) {
    return ScoringRequest.builder(id, LocalDate.of(2026, 11, 1))
        .set("farm_size_ha", hectares).set("main_crop", crop).set("irrigated", irrigated)
        .build();
  }
}
