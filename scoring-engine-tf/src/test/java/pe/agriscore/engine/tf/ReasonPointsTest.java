package pe.agriscore.engine.tf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pe.agriscore.CreditScorer;
import pe.agriscore.scoring.CreditScore;
import pe.agriscore.scoring.ReasonCode;
import pe.agriscore.scoring.ScoringRequest;
import pe.agriscore.testing.TestBundles;

/**
 * Reason points of a neural model on the reported, clamped scale, for applicants at the corners
 * of the schema: many score 300, the bottom of the scale, half of those with a probability of
 * default that TensorFlow rounds to exactly 1 in float32 (before: reasons of hundreds of points
 * below the reported score). The top of the scale is tested with the scorecard in scoring-api. Expected points come from the plain-Java network ({@link Mlp#logOdds}) with one
 * feature set to its baseline, never from the engine.
 */
class ReasonPointsTest {

  /** Baselines of {@link TestBundles#reference()}. */
  private static final Map<String, Object> BASELINE = baselines();

  private static Map<String, Object> baselines() {
    Map<String, Object> b = new LinkedHashMap<>();
    b.put("farm_size_ha", 3.0);
    b.put("yield_ratio", 1.0);
    b.put("drought_index", 0.0);
    b.put("main_crop", "potato");
    b.put("irrigated", false);
    b.put("prior_loans_repaid_share", 1.0);
    return b;
  }

  /** Points of log-odds of default z on scorecard.json's stated scale, clamped to [300, 850]. */
  private static double clampedPoints(double z) {
    double raw = 600 + 20 * (-z - Math.log(30)) / Math.log(2);
    return Math.max(300, Math.min(850, raw));
  }

  private static ScoringRequest request(String id, Map<String, Object> values) {
    ScoringRequest.Builder b = ScoringRequest.builder(id, LocalDate.of(2026, 11, 1));
    values.forEach((k, v) -> {
      if (v instanceof Double d) {
        b.set(k, d);
      } else if (v instanceof Boolean x) {
        b.set(k, x);
      } else {
        b.set(k, (String) v);
      }
    });
    return b.build();
  }

  /** Every corner of the schema's ranges, for each crop and irrigation. */
  private static List<Map<String, Object>> corners() {
    List<Map<String, Object>> list = new ArrayList<>();
    for (double farm : new double[] {0.05, 500}) {
      for (double yield : new double[] {0, 3}) {
        for (double drought : new double[] {-4, 4}) {
          for (String crop : TestBundles.CROPS) {
            for (boolean irrigated : new boolean[] {false, true}) {
              for (double share : new double[] {0, 1}) {
                Map<String, Object> v = new LinkedHashMap<>();
                v.put("farm_size_ha", farm);
                v.put("yield_ratio", yield);
                v.put("drought_index", drought);
                v.put("main_crop", crop);
                v.put("irrigated", irrigated);
                v.put("prior_loans_repaid_share", share);
                list.add(v);
              }
            }
          }
        }
      }
    }
    return list;
  }

  @Test
  void reasonPointsAreTheClampedScoreChangeAndFiniteAtTheEdges(@TempDir Path tmp)
      throws Exception {
    Mlp mlp = new Mlp(11, 42);
    int atBottom = 0;
    int atTop = 0;
    int saturated = 0;
    int reasons = 0;
    try (CreditScorer scorer = CreditScorer.open(mlp.writeBundle(tmp, "mlp"))) {
      List<Map<String, Object>> corners = corners();
      for (int i = 0; i < corners.size(); i++) {
        Map<String, Object> values = corners.get(i);
        ScoringRequest r = request("PE-" + i, values);
        double z = mlp.logOdds(Mlp.encoder().encode(r), 0);
        Map<String, Double> expected = new LinkedHashMap<>();
        for (String feature : BASELINE.keySet()) {
          Map<String, Object> atBaseline = new LinkedHashMap<>(values);
          atBaseline.put(feature, BASELINE.get(feature));
          double zb = mlp.logOdds(Mlp.encoder().encode(request("b", atBaseline)), 0);
          expected.put(feature, clampedPoints(z) - clampedPoints(zb));
        }
        CreditScore s = scorer.score(r);
        atBottom += s.points() == 300 ? 1 : 0;
        atTop += s.points() == 850 ? 1 : 0;
        saturated += s.probabilityOfDefault() == 0 || s.probabilityOfDefault() == 1 ? 1 : 0;
        assertEquals(Math.round(clampedPoints(z)), s.points(), 1, r.applicantId());
        double worstUnreported = 0;
        for (String feature : BASELINE.keySet()) {
          if (s.reasons().stream().noneMatch(rc -> rc.feature().equals(feature))) {
            worstUnreported = Math.min(worstUnreported, expected.get(feature));
          }
        }
        for (ReasonCode rc : s.reasons()) {
          assertTrue(Double.isFinite(rc.points()) && rc.points() < 0, rc.toString());
          assertTrue(rc.points() >= s.points() - 850 - 0.5, "beyond the cap: " + rc);
          assertEquals(expected.get(rc.feature()), rc.points(), 0.03,
              r.applicantId() + " " + rc);
          reasons++;
        }
        // What is not listed costs no more than what is, or nothing when fewer than 4 are listed.
        double lastListed = s.reasons().size() < 4 ? -0.005
            : s.reasons().get(s.reasons().size() - 1).points();
        assertTrue(worstUnreported >= lastListed - 0.03, r.applicantId() + ": an unlisted"
            + " feature costs " + worstUnreported + ", the reasons " + s.reasons());
      }
    }
    System.out.printf("ReasonPointsTest: %d corners, %d at 300, %d at 850, %d with PD exactly"
        + " 0 or 1, %d reasons%n", corners().size(), atBottom, atTop, saturated, reasons);
    assertTrue(atBottom > 0 && saturated > 0, "the corners reach the bottom and saturate: "
        + atBottom + " at 300, " + saturated + " saturated");
  }
}
