package pe.agriscore.samples.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;
import java.util.Map;
import org.junit.jupiter.api.Test;
import pe.agriscore.scoring.ScoringRequest;

/**
 * Checks the true model against the formula written in its documentation, term by term, on
 * hand-built applicants (not on generated ones).
 */
class FarmerRiskModelTest {

  /** A low-risk coastal rice farmer whose terms are all zero or negligible but named ones. */
  private static ScoringRequest.Builder base(Map<String, Object> overrides) {
    Map<String, Object> v = new java.util.LinkedHashMap<>();
    v.put("department", "lima");
    v.put("natural_region", "costa");
    v.put("main_crop", "rice");
    v.put("altitude_m", 100.0);
    v.put("farm_size_ha", 1.0);
    v.put("irrigated", true);
    v.put("land_title", false);
    v.put("crops_grown", 2.0);
    v.put("years_farming", 30.0);
    v.put("household_size", 4.0);
    v.put("education", "secondary");
    v.put("cooperative_member", false);
    v.put("mobile_money_months", 0.0);
    v.put("prior_loans_count", 5.0);
    v.put("prior_on_time_share", 0.9);
    v.put("prior_max_days_past_due", 0.0);
    v.put("yield_t_ha", 7.0);
    v.put("yield_ratio", 1.0);
    v.put("yield_trend_pct", 0.0);
    v.put("yield_cv", 0.3);
    v.put("rainfall_anomaly_pct", 0.0);
    v.put("drought_index", 3.5);
    v.put("frost_days_per_year", 0.0);
    v.put("oni_c", -1.0);
    v.put("el_nino_flood_exposure", 0.0);
    v.put("farmgate_price_pen_kg", 1.0);
    v.put("price_change_12m_pct", 100.0);
    v.put("price_volatility_cv", 0.15);
    v.put("off_farm_income_share", 0.0);
    v.put("distance_to_market_km", 0.0);
    v.putAll(overrides);
    ScoringRequest.Builder b = ScoringRequest.builder("T-1", LocalDate.of(2015, 6, 1));
    v.forEach(b::setRaw);
    return b;
  }

  private static double logit(Map<String, Object> overrides) {
    return FarmerRiskModel.logit(base(overrides).build());
  }

  @Test
  void baseApplicantMatchesTheDocumentedFormula() {
    // intercept - 0.10 * min(5 loans, 5) + novice 0.7 e^(-30/3); every other term is zero.
    double expected = -2.62 - 0.10 * 5 + 0.7 * Math.exp(-10);
    assertEquals(expected, logit(Map.of()), 1e-12);
    assertEquals(1 / (1 + Math.exp(-expected)),
        FarmerRiskModel.probability(base(Map.of()).build()), 1e-12);
  }

  @Test
  void droughtHurtsRainFedFarmsFarMoreThanIrrigatedOnes() {
    double irrigated = logit(Map.of("drought_index", -2.0));
    double rainFed = logit(Map.of("drought_index", -2.0, "irrigated", false));
    // Past the -0.8 threshold by 1.2: (1.80 - 0.30) * 1.2.
    assertEquals(1.5 * 1.2, rainFed - irrigated, 1e-12);
    double wetIrrigated = logit(Map.of("drought_index", -0.7));
    double wetRainFed = logit(Map.of("drought_index", -0.7, "irrigated", false));
    assertEquals(0.0, wetRainFed - wetIrrigated, 1e-12, "no drought, no irrigation effect");
  }

  @Test
  void priceCollapseHurtsSingleCropFarms() {
    double diversified = logit(Map.of("price_change_12m_pct", -40.0));
    double single = logit(Map.of("price_change_12m_pct", -40.0, "crops_grown", 1.0));
    // A 40% fall is 30 points past the 10% threshold: (5.0 - 1.0) * 0.30.
    assertEquals(4.0 * 0.30, single - diversified, 1e-12);
    assertEquals(logit(Map.of("price_change_12m_pct", -9.0)),
        logit(Map.of("price_change_12m_pct", -9.0, "crops_grown", 1.0)), 1e-12);
  }

  @Test
  void elNinoHurtsOnlyExposedFarms() {
    double strongUnexposed = logit(Map.of("oni_c", 2.5));
    double strongExposed = logit(Map.of("oni_c", 2.5, "el_nino_flood_exposure", 0.8));
    assertEquals(1.3 * 2.0 * 0.8, strongExposed - strongUnexposed, 1e-12);
    assertEquals(logit(Map.of()), strongUnexposed, 1e-12);
    // Below the +0.5 threshold the exposure does not matter.
    assertEquals(logit(Map.of("oni_c", 0.4)),
        logit(Map.of("oni_c", 0.4, "el_nino_flood_exposure", 1.0)), 1e-12);
  }

  @Test
  void thinFileIsMissingHistoryNotZero() {
    ScoringRequest thin = base(Map.of()).build();
    java.util.Map<String, Object> values = new java.util.LinkedHashMap<>(thin.values());
    values.put("prior_loans_count", null);
    values.put("prior_on_time_share", null);
    values.put("prior_max_days_past_due", null);
    ScoringRequest.Builder b = ScoringRequest.builder("T-2", thin.asOfDate());
    values.forEach(b::setRaw);
    // thin +0.60 replaces the history's -0.10 * 5.
    assertEquals(0.60 + 0.10 * 5, FarmerRiskModel.logit(b.build()) - logit(Map.of()), 1e-12);
    double lateHistory = logit(Map.of("prior_on_time_share", 0.7,
        "prior_max_days_past_due", 60.0));
    assertEquals(-4.0 * (0.7 - 0.9) + 0.60 * Math.log(3.0), lateHistory - logit(Map.of()),
        1e-12);
  }

  @Test
  void monotoneEffectsPointTheRightWay() {
    double base = logit(Map.of());
    assertTrue(logit(Map.of("cooperative_member", true)) < base);
    assertTrue(logit(Map.of("mobile_money_months", 24.0)) < base);
    assertTrue(logit(Map.of("off_farm_income_share", 0.5)) < base);
    assertTrue(logit(Map.of("yield_cv", 0.6)) > base);
    assertTrue(logit(Map.of("yield_ratio", 0.6)) > base);
    assertTrue(logit(Map.of("farm_size_ha", 5.0)) < base);
    assertTrue(logit(Map.of("land_title", true)) < base);
    assertTrue(logit(Map.of("years_farming", 1.0)) > base);
    assertTrue(logit(Map.of("distance_to_market_km", 40.0)) > base);
    assertTrue(logit(Map.of("education", "none")) > logit(Map.of("education", "primary")));
    assertTrue(logit(Map.of("education", "tertiary")) < base);
  }

  @Test
  void invalidRequestIsRefusedByName() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> logit(Map.of("irrigated", "yes")));
    assertTrue(e.getMessage().contains("irrigated"), e.getMessage());
    IllegalArgumentException range = assertThrows(IllegalArgumentException.class,
        () -> logit(Map.of("prior_on_time_share", 1.5)));
    assertTrue(range.getMessage().contains("prior_on_time_share"), range.getMessage());
  }
}
