package pe.agriscore.samples.data;

import static pe.agriscore.samples.data.FarmerSchema.*;

import java.util.List;
import pe.agriscore.scoring.ScoringRequest;
import pe.agriscore.scoring.Violation;

/**
 * The true model behind the generated outcome: the probability that a farmer defaults within 12
 * months of the as-of date, as a function of the observed features of a {@link FarmerSchema}
 * request and nothing else. The generator draws {@code default_12m} as a Bernoulli of this
 * probability, so ranking rows by it gives the best AUC any model can reach (the oracle AUC).
 *
 * <pre>{@code
 * double pd = FarmerRiskModel.probability(record.request());   // equals record.truePd()
 * }</pre>
 *
 * <p>The logit is additive in smooth terms plus three two-feature interactions a linear model
 * misses, each with a mild threshold (a hinge):
 *
 * <pre>
 * z = -2.62
 *   + 0.60 * thin                                  (no prior loan: prior_loans_count missing)
 *   + (1 - thin) * ( -4.0 * (prior_on_time_share - 0.9)
 *                    + 0.60 * ln(1 + prior_max_days_past_due / 30)
 *                    - 0.10 * min(prior_loans_count, 5) )
 *   - 0.40 * cooperative_member
 *   - 0.70 * (1 - exp(-mobile_money_months / 12))
 *   - 1.60 * off_farm_income_share
 *   + 2.50 * (yield_cv - 0.3)
 *   - 1.20 * ln(max(yield_ratio, 0.05))
 *   - 0.025 * yield_trend_pct
 *   - 0.22 * ln(farm_size_ha)
 *   - 0.30 * land_title
 *   + (irrigated ? 0.30 : 1.80) * max(0, -drought_index - 0.8)          drought x irrigation
 *   + (crops_grown == 1 ? 5.0 : 1.0) * max(0, -price_change_12m_pct - 10) / 100
 *                                                                      price collapse x single crop
 *   + 1.30 * max(0, oni_c - 0.5) * el_nino_flood_exposure               El Nino x flood exposure
 *   + 0.003 * frost_days_per_year
 *   + 0.30 * ln(1 + distance_to_market_km / 10)
 *   + {none: 0.30, primary: 0.12, secondary: 0, tertiary: -0.25}[education]
 *   + 0.06 * (household_size - 4)
 *   + 0.70 * exp(-years_farming / 3)
 *   + 1.50 * (price_volatility_cv - 0.15)
 *   + {coffee: 0.15, quinoa: 0.10, other: 0}[main_crop]
 * PD = 1 / (1 + exp(-z))
 * </pre>
 *
 * <p>Department, natural region, altitude, yield in t/ha, farm-gate price level and rainfall
 * anomaly have no direct term: they act through the features above (flood exposure, frost,
 * distance, yield ratio) and are there because a bank would have them.
 */
public final class FarmerRiskModel {

  static final double INTERCEPT = -2.62;

  private FarmerRiskModel() {}

  /**
   * The true probability of default within 12 months.
   *
   * @throws IllegalArgumentException if the request is not valid for {@link FarmerSchema},
   *     naming each violation
   */
  public static double probability(ScoringRequest request) {
    return 1 / (1 + StrictMath.exp(-logit(request)));
  }

  /**
   * The true log-odds of default; see the class documentation for the formula.
   *
   * @throws IllegalArgumentException if the request is not valid for {@link FarmerSchema}
   */
  public static double logit(ScoringRequest request) {
    List<Violation> violations = FarmerSchema.validator().validate(request);
    if (!violations.isEmpty()) {
      throw new IllegalArgumentException(
          "request " + request.applicantId() + " is not a valid " + NAME + " request: "
              + violations);
    }
    double z = INTERCEPT;
    if (request.get(PRIOR_LOANS_COUNT) == null) {
      z += 0.60;
    } else {
      z += -4.0 * (num(request, PRIOR_ON_TIME_SHARE) - 0.9)
          + 0.60 * StrictMath.log1p(num(request, PRIOR_MAX_DAYS_PAST_DUE) / 30)
          - 0.10 * Math.min(num(request, PRIOR_LOANS_COUNT), 5);
    }
    z += -0.40 * flag(request, COOPERATIVE_MEMBER);
    z += -0.70 * (1 - StrictMath.exp(-num(request, MOBILE_MONEY_MONTHS) / 12));
    z += -1.60 * num(request, OFF_FARM_INCOME_SHARE);
    z += 2.50 * (num(request, YIELD_CV) - 0.3);
    z += -1.20 * StrictMath.log(Math.max(num(request, YIELD_RATIO), 0.05));
    z += -0.025 * num(request, YIELD_TREND_PCT);
    z += -0.22 * StrictMath.log(Math.max(num(request, FARM_SIZE_HA), 0.05));
    z += -0.30 * flag(request, LAND_TITLE);

    // Drought hurts rain-fed farms six times more than irrigated ones.
    double drought = Math.max(0, -num(request, DROUGHT_INDEX) - 0.8);
    z += (flag(request, IRRIGATED) == 1 ? 0.30 : 1.80) * drought;

    // A price collapse hits a farm that sells one crop with nothing else to fall back on.
    double collapse = Math.max(0, -num(request, PRICE_CHANGE_PCT) - 10) / 100;
    z += (num(request, CROPS_GROWN) == 1 ? 5.0 : 1.0) * collapse;

    z += 1.30 * Math.max(0, num(request, ONI_C) - 0.5) * num(request, EL_NINO_FLOOD_EXPOSURE);

    z += 0.003 * num(request, FROST_DAYS);
    z += 0.30 * StrictMath.log1p(num(request, DISTANCE_TO_MARKET_KM) / 10);
    z += switch ((String) request.get(EDUCATION)) {
      case "none" -> 0.30;
      case "primary" -> 0.12;
      case "tertiary" -> -0.25;
      default -> 0;
    };
    z += 0.06 * (num(request, HOUSEHOLD_SIZE) - 4);
    z += 0.70 * StrictMath.exp(-num(request, YEARS_FARMING) / 3);
    z += 1.50 * (num(request, PRICE_VOLATILITY_CV) - 0.15);
    z += switch ((String) request.get(MAIN_CROP)) {
      case "coffee" -> 0.15;
      case "quinoa" -> 0.10;
      default -> 0;
    };
    return z;
  }

  private static double num(ScoringRequest r, String feature) {
    return (Double) r.get(feature);
  }

  private static int flag(ScoringRequest r, String feature) {
    return (Boolean) r.get(feature) ? 1 : 0;
  }
}
