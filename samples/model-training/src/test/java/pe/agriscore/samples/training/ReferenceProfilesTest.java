package pe.agriscore.samples.training;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;
import pe.agriscore.schema.ReferenceProfile;
import pe.agriscore.scoring.ScoringRequest;
import pe.agriscore.testing.TestBundles;

class ReferenceProfilesTest {

  private static LabeledRow row(int i, double farm, String crop, boolean irrigated, Double repaid,
      int y) {
    ScoringRequest.Builder b = ScoringRequest.builder("A" + i, LocalDate.of(2016, 1, 1))
        .set("farm_size_ha", farm).set("yield_ratio", 1.0).set("drought_index", 0.0)
        .set("main_crop", crop).set("irrigated", irrigated);
    if (repaid == null) {
      b.setMissing("prior_loans_repaid_share");
    } else {
      b.set("prior_loans_repaid_share", repaid);
    }
    return new LabeledRow(i, b.build(), y, Double.NaN);
  }

  @Test
  void baselinesRatesAndScoreDistribution() {
    List<LabeledRow> train = List.of(
        row(1, 1.0, "rice", true, 0.5, 1),
        row(2, 2.0, "rice", false, null, 0),
        row(3, 4.0, "coffee", false, 1.0, 0),
        row(4, 9.0, "rice", false, null, 0));
    ReferenceProfile p = ReferenceProfiles.of(TestBundles.schema(), train,
        new double[] {0.4, 0.1, 0.2, 0.3});
    ReferenceProfile.FeatureProfile farm = p.features().get("farm_size_ha");
    assertEquals(3.0, (Double) farm.baseline(), 1e-12, "median of 1, 2, 4, 9");
    assertEquals(4.0, farm.mean(), 1e-12);
    assertEquals(0.0, farm.missingRate());
    assertEquals(11, farm.quantiles().size());
    assertEquals(1.0, farm.quantiles().get(0));
    assertEquals(9.0, farm.quantiles().get(10));
    assertEquals("rice", p.features().get("main_crop").baseline());
    assertEquals(0.75, p.features().get("main_crop").frequencies().get("rice"));
    assertEquals(0.0, p.features().get("main_crop").frequencies().get("quinoa"));
    assertEquals(false, p.features().get("irrigated").baseline());
    assertEquals(0.25, p.features().get("irrigated").frequencies().get("true"));
    ReferenceProfile.FeatureProfile repaid = p.features().get("prior_loans_repaid_share");
    assertEquals(0.5, repaid.missingRate());
    assertEquals(0.75, (Double) repaid.baseline(), 1e-12, "median of the observed 0.5 and 1.0");
    assertEquals(4, p.rows());
    assertEquals(0.25, p.score().mean(), 1e-12);
    assertEquals(0.25, p.score().defaultRate(), 1e-12);
    assertEquals(0.1, p.score().quantiles().get(0), 1e-12);
    assertEquals(0.4, p.score().quantiles().get(10), 1e-12);
  }
}
