package pe.agriscore.samples.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import pe.agriscore.schema.BooleanFeature;
import pe.agriscore.schema.CategoricalFeature;
import pe.agriscore.schema.FeatureSchema;
import pe.agriscore.schema.FeatureTransform;
import pe.agriscore.schema.MissingPolicy;
import pe.agriscore.schema.NumericFeature;
import pe.agriscore.scoring.ScoringRequest;

class WoeBinningTest {

  private static final FeatureSchema SCHEMA = FeatureSchema.builder("woe", "1")
      .add(NumericFeature.of("debt_ratio", "ratio", 0, 10))
      .add(NumericFeature.of("rain_anomaly", "sd", -5, 5))
      .add(CategoricalFeature.of("crop", List.of("potato", "coffee", "rice", "quinoa")))
      .add(BooleanFeature.of("irrigated"))
      .add(NumericFeature.of("repaid_share", "share", 0, 1).withMissing(MissingPolicy.impute(1.0)))
      .build();

  /** Risk rises with debt; is U-shaped in rain; rice is riskier, quinoa never appears. */
  private static List<LabeledRow> rows(int n, long seed) {
    Random rnd = new Random(seed);
    List<LabeledRow> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      double debt = rnd.nextDouble() * 10;
      double rain = Math.max(-5, Math.min(5, rnd.nextGaussian() * 1.5));
      String crop = List.of("potato", "coffee", "rice").get(rnd.nextInt(3));
      double z = -2.5 + 0.35 * debt + 0.5 * rain * rain - 0.5 + (crop.equals("rice") ? 0.8 : 0);
      int y = rnd.nextDouble() < 1 / (1 + Math.exp(-z)) ? 1 : 0;
      ScoringRequest.Builder b = ScoringRequest.builder("A" + i, LocalDate.of(2016, 1, 1))
          .set("debt_ratio", debt).set("rain_anomaly", rain).set("crop", crop)
          .set("irrigated", rnd.nextBoolean());
      if (i % 4 == 0) {
        b.setMissing("repaid_share");
      } else {
        b.set("repaid_share", rnd.nextDouble());
      }
      rows.add(new LabeledRow(i + 2, b.build(), y, Double.NaN));
    }
    return rows;
  }

  @Test
  void numericBinsFollowTheRiskAndRespectTheMinimumSize() {
    List<LabeledRow> train = rows(20_000, 1);
    WoeBinning.Result r = WoeBinning.fit(SCHEMA, train, 20, 0.05);
    FeatureTransform.WoeBins debt = (FeatureTransform.WoeBins) r.preprocessing().transforms()
        .get(0);
    double[] woe = debt.woe();
    assertTrue(woe.length >= 4, "a strong monotonic feature keeps several bins");
    for (int i = 1; i < woe.length; i++) {
      assertTrue(woe[i] < woe[i - 1], "more debt, lower weight of evidence: " + debt);
    }
    assertTrue(r.monotonic().get("debt_ratio"));
    // Every bin holds at least 5% of the rows: count them with the fitted edges.
    int[] counts = new int[woe.length];
    for (LabeledRow row : train) {
      double x = (Double) row.request().get("debt_ratio");
      int bin = 0;
      while (bin < debt.upperEdges().length && x > debt.upperEdges()[bin]) {
        bin++;
      }
      counts[bin]++;
    }
    for (int c : counts) {
      assertTrue(c >= 0.05 * train.size(), "bin of " + c + " rows");
    }
  }

  @Test
  void aUShapedRiskKeepsItsShape() {
    WoeBinning.Result r = WoeBinning.fit(SCHEMA, rows(20_000, 2), 20, 0.05);
    FeatureTransform.WoeBins rain = (FeatureTransform.WoeBins) r.preprocessing().transforms()
        .get(1);
    assertFalse(r.monotonic().get("rain_anomaly"), rain.toString());
    double[] w = rain.woe();
    double middle = rain.woeOf(0.0);
    assertTrue(middle > w[0] && middle > w[w.length - 1], "normal rain is safest: " + rain);
  }

  @Test
  void categoricalLevelsBooleansAndImputedFeatures() {
    List<LabeledRow> train = rows(20_000, 3);
    WoeBinning.Result r = WoeBinning.fit(SCHEMA, train, 20, 0.05);
    var crop = (FeatureTransform.WoeLevels) r.preprocessing().transforms().get(2);
    assertTrue(crop.woe().get("rice") < crop.woe().get("potato"), crop.toString());
    assertEquals(0.0, crop.woe().get("quinoa"), 1e-12, "an unseen level is neutral");
    assertTrue(r.preprocessing().transforms().get(3) instanceof FeatureTransform.Binary);
    // The imputed feature is binned on observed values only; its indicator column carries the
    // missing rows, so the encoder has one more column for it.
    assertTrue(r.preprocessing().transforms().get(4) instanceof FeatureTransform.WoeBins);
    assertEquals(6, pe.agriscore.internal.bundle.Encoder.compile(SCHEMA, r.preprocessing())
        .width());
  }

  @Test
  void weightOfEvidenceIsTheLogOddsRatioShrunkTowardsThePopulation() {
    // 1000 rows, 100 bad, population rate 0.2: r = (100 + 10 * 0.2) / 1010.
    double r = 102.0 / 1010;
    assertEquals(Math.log((1 - r) / r) - Math.log(0.8 / 0.2), WoeBinning.woe(1000, 100, 0.2),
        1e-12);
    assertEquals(0.0, WoeBinning.woe(0, 0, 0.2), 1e-12);
  }
}
