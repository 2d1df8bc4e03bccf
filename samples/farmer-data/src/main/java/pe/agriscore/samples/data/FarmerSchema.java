package pe.agriscore.samples.data;

import java.util.List;
import pe.agriscore.internal.bundle.Encoder;
import pe.agriscore.schema.BooleanFeature;
import pe.agriscore.schema.CategoricalFeature;
import pe.agriscore.schema.Feature;
import pe.agriscore.schema.FeatureSchema;
import pe.agriscore.schema.FeatureText;
import pe.agriscore.schema.MissingPolicy;
import pe.agriscore.schema.NumericFeature;

/**
 * The feature schema of a Peruvian smallholder loan application ({@code peru-smallholder}
 * version 1): 30 features on the farm, the household, its credit history, the weather and the
 * market, each with a unit, a valid range, a stable reason code ({@code AG01}..{@code AG30}) and
 * adverse-action wording in Spanish (es-PE) and English.
 *
 * <pre>{@code
 * FeatureSchema schema = FarmerSchema.schema();
 * Files.writeString(Path.of("schema.json"), schema.toJson());
 * }</pre>
 *
 * <p>The three credit-history features are missing for a thin-file applicant (no formal loan
 * before); their schema imputes a value and the standard preprocessing adds a {@code #missing}
 * indicator column, so "no history" stays distinguishable from any real history. Every other
 * feature rejects a missing value. {@code docs/farmer-data.md} describes each feature's
 * distribution and source.
 */
public final class FarmerSchema {

  /** Schema name. */
  public static final String NAME = "peru-smallholder";
  /** Schema version; bump it when features change. */
  public static final String VERSION = "1";

  // Feature names, in schema order.
  public static final String DEPARTMENT = "department";
  public static final String NATURAL_REGION = "natural_region";
  public static final String MAIN_CROP = "main_crop";
  public static final String ALTITUDE_M = "altitude_m";
  public static final String FARM_SIZE_HA = "farm_size_ha";
  public static final String IRRIGATED = "irrigated";
  public static final String LAND_TITLE = "land_title";
  public static final String CROPS_GROWN = "crops_grown";
  public static final String YEARS_FARMING = "years_farming";
  public static final String HOUSEHOLD_SIZE = "household_size";
  public static final String EDUCATION = "education";
  public static final String COOPERATIVE_MEMBER = "cooperative_member";
  public static final String MOBILE_MONEY_MONTHS = "mobile_money_months";
  public static final String PRIOR_LOANS_COUNT = "prior_loans_count";
  public static final String PRIOR_ON_TIME_SHARE = "prior_on_time_share";
  public static final String PRIOR_MAX_DAYS_PAST_DUE = "prior_max_days_past_due";
  public static final String YIELD_T_HA = "yield_t_ha";
  public static final String YIELD_RATIO = "yield_ratio";
  public static final String YIELD_TREND_PCT = "yield_trend_pct";
  public static final String YIELD_CV = "yield_cv";
  public static final String RAINFALL_ANOMALY_PCT = "rainfall_anomaly_pct";
  public static final String DROUGHT_INDEX = "drought_index";
  public static final String FROST_DAYS = "frost_days_per_year";
  public static final String ONI_C = "oni_c";
  public static final String EL_NINO_FLOOD_EXPOSURE = "el_nino_flood_exposure";
  public static final String FARMGATE_PRICE = "farmgate_price_pen_kg";
  public static final String PRICE_CHANGE_PCT = "price_change_12m_pct";
  public static final String PRICE_VOLATILITY_CV = "price_volatility_cv";
  public static final String OFF_FARM_INCOME_SHARE = "off_farm_income_share";
  public static final String DISTANCE_TO_MARKET_KM = "distance_to_market_km";

  /** The 24 departments (Callao, a port city, has no farms of its own), as level ids. */
  public static final List<String> DEPARTMENTS = List.of(
      "amazonas", "ancash", "apurimac", "arequipa", "ayacucho", "cajamarca", "cusco",
      "huancavelica", "huanuco", "ica", "junin", "la_libertad", "lambayeque", "lima", "loreto",
      "madre_de_dios", "moquegua", "pasco", "piura", "puno", "san_martin", "tacna", "tumbes",
      "ucayali");
  /** Peru's three natural regions: coast, Andes, Amazon. */
  public static final List<String> NATURAL_REGIONS = List.of("costa", "sierra", "selva");
  /** The modelled main crops. */
  public static final List<String> CROPS = List.of(
      "potato", "coffee", "cocoa", "quinoa", "rice", "maize", "avocado", "banana", "cassava");
  /** Highest completed education of the applicant. */
  public static final List<String> EDUCATION_LEVELS =
      List.of("none", "primary", "secondary", "tertiary");

  /** The feature used as the thin-file marker: missing exactly when there is no loan history. */
  public static final String THIN_FILE_MARKER = PRIOR_LOANS_COUNT;

  private static final FeatureSchema SCHEMA = build();
  private static final Encoder VALIDATOR = Encoder.validating(SCHEMA);

  private FarmerSchema() {}

  /** The schema; the same immutable instance on every call. */
  public static FeatureSchema schema() {
    return SCHEMA;
  }

  /** Validates requests against the schema (its encoding is not used). */
  static Encoder validator() {
    return VALIDATOR;
  }

  private static FeatureSchema build() {
    return FeatureSchema.builder(NAME, VERSION)
        .add(categorical(DEPARTMENT, DEPARTMENTS, "AG01",
            "Departamento con mayor riesgo agrícola",
            "Department with higher agricultural risk",
            "Department (region) where the farm lies; Callao excluded."))
        .add(categorical(NATURAL_REGION, NATURAL_REGIONS, "AG02",
            "Región natural con mayor riesgo agrícola",
            "Natural region with higher agricultural risk",
            "Natural region of the farm: costa (coast), sierra (Andes) or selva (Amazon)."))
        .add(categorical(MAIN_CROP, CROPS, "AG03",
            "Cultivo principal con mayor riesgo de ingresos",
            "Main crop with higher income risk",
            "Crop that brings most of the farm's income."))
        .add(numeric(ALTITUDE_M, "m", 0, 4800, "AG04",
            "Altitud de la chacra expuesta a mayor riesgo climático",
            "Farm altitude exposed to higher climate risk",
            "Altitude of the main plot above sea level."))
        .add(numeric(FARM_SIZE_HA, "ha", 0.05, 200, "AG05",
            "Chacra de tamaño reducido",
            "Small farm size",
            "Cultivated area operated by the household."))
        .add(bool(IRRIGATED, "AG06",
            "Cultivo sin riego (depende de la lluvia)",
            "Crop not irrigated (rain-fed)",
            "Whether the main crop has access to irrigation."))
        .add(bool(LAND_TITLE, "AG07",
            "Sin título de propiedad inscrito",
            "No registered land title",
            "Whether the household holds a registered title (SUNARP) for its main plot."))
        .add(numeric(CROPS_GROWN, "count", 1, 20, "AG08",
            "Poca diversificación de cultivos",
            "Little crop diversification",
            "Number of crops grown for sale or own consumption in the last campaign."))
        .add(numeric(YEARS_FARMING, "years", 0, 70, "AG09",
            "Poca experiencia como productor",
            "Little farming experience",
            "Years the applicant has run a farm."))
        .add(numeric(HOUSEHOLD_SIZE, "persons", 1, 20, "AG10",
            "Hogar con muchos dependientes",
            "Many dependants in the household",
            "People living in the household."))
        .add(categorical(EDUCATION, EDUCATION_LEVELS, "AG11",
            "Nivel educativo alcanzado",
            "Education level attained",
            "Highest completed level of education of the applicant."))
        .add(bool(COOPERATIVE_MEMBER, "AG12",
            "No pertenece a una cooperativa o asociación de productores",
            "Not a member of a cooperative or producer association",
            "Whether the applicant belongs to a cooperative or producer association."))
        .add(numeric(MOBILE_MONEY_MONTHS, "months", 0, 240, "AG13",
            "Historial corto de pagos con dinero móvil",
            "Short mobile-money payment history",
            "Months of mobile-money or agent-banking transaction history; 0 when none."))
        .add(numeric(PRIOR_LOANS_COUNT, "count", 0, 100, "AG14",
            "Poca experiencia con créditos formales",
            "Little experience with formal credit",
            "Formal loans taken before; missing for a thin-file applicant with none.")
            .withMissing(MissingPolicy.impute(2.0)))
        .add(numeric(PRIOR_ON_TIME_SHARE, "share", 0, 1, "AG15",
            "Pagos atrasados en créditos anteriores",
            "Late payments on earlier loans",
            "Share of instalments of earlier loans paid on time; missing for a thin file.")
            .withMissing(MissingPolicy.impute(0.95)))
        .add(numeric(PRIOR_MAX_DAYS_PAST_DUE, "days", 0, 1000, "AG16",
            "Atraso máximo elevado en créditos anteriores",
            "Long maximum delay on earlier loans",
            "Longest delay of an instalment on earlier loans; missing for a thin file.")
            .withMissing(MissingPolicy.impute(0.0)))
        .add(numeric(YIELD_T_HA, "t/ha", 0, 100, "AG17",
            "Rendimiento del cultivo bajo",
            "Low crop yield",
            "Average yield of the main crop over the last three campaigns."))
        .add(numeric(YIELD_RATIO, "ratio", 0, 10, "AG18",
            "Rendimiento por debajo del promedio de la zona",
            "Yield below the local average",
            "Farm yield divided by the department's average yield for the crop."))
        .add(numeric(YIELD_TREND_PCT, "%/year", -50, 50, "AG19",
            "Rendimiento en descenso",
            "Declining yield",
            "Trend of the farm's yield over the last campaigns, percent per year."))
        .add(numeric(YIELD_CV, "ratio", 0, 3, "AG20",
            "Rendimiento muy variable entre campañas",
            "Highly variable yield between campaigns",
            "Coefficient of variation of the farm's yield across campaigns."))
        .add(numeric(RAINFALL_ANOMALY_PCT, "%", -100, 2000, "AG21",
            "Lluvias muy distintas de lo normal",
            "Rainfall far from normal",
            "Rainfall of the last three months versus the 1986-2015 normal, percent."))
        .add(numeric(DROUGHT_INDEX, "SPEI-3", -5, 5, "AG22",
            "Sequía en la zona de la chacra",
            "Drought at the farm's location",
            "Standardised precipitation-evapotranspiration index over three months; below -1 "
                + "is a drought."))
        .add(numeric(FROST_DAYS, "days/year", 0, 365, "AG23",
            "Alta exposición a heladas",
            "High frost exposure",
            "Expected nights with frost per year at the farm's altitude and department."))
        .add(numeric(ONI_C, "°C", -4, 5, "AG24",
            "Fenómeno El Niño en curso",
            "El Niño event under way",
            "Oceanic Niño Index (NOAA CPC) of the latest three-month season at the as-of "
                + "date; +0.5 or more is El Niño."))
        .add(numeric(EL_NINO_FLOOD_EXPOSURE, "index", 0, 1, "AG25",
            "Chacra expuesta a inundaciones por El Niño",
            "Farm exposed to El Niño flooding",
            "Exposure of the plot to El Niño rains and floods, 0 (none) to 1 (as in the "
                + "worst-hit coastal valleys in 1998)."))
        .add(numeric(FARMGATE_PRICE, "PEN/kg", 0.01, 100, "AG26",
            "Precio en chacra bajo",
            "Low farm-gate price",
            "Current farm-gate price of the main crop, nominal soles per kg."))
        .add(numeric(PRICE_CHANGE_PCT, "%", -100, 1000, "AG27",
            "Caída del precio del cultivo principal",
            "Fall in the main crop's price",
            "Change of the main crop's farm-gate price over the last 12 months, percent."))
        .add(numeric(PRICE_VOLATILITY_CV, "ratio", 0, 3, "AG28",
            "Precio del cultivo muy volátil",
            "Highly volatile crop price",
            "Coefficient of variation of the crop's monthly farm-gate price within a year."))
        .add(numeric(OFF_FARM_INCOME_SHARE, "share", 0, 1, "AG29",
            "Pocos ingresos fuera de la chacra",
            "Little off-farm income",
            "Share of household income earned off the farm (wages, trade, remittances)."))
        .add(numeric(DISTANCE_TO_MARKET_KM, "km", 0, 500, "AG30",
            "Chacra alejada del mercado",
            "Farm far from market",
            "Road distance from the farm to the nearest market town."))
        .build();
  }

  private static NumericFeature numeric(String name, String unit, double min, double max,
      String code, String es, String en, String description) {
    return NumericFeature.of(name, unit, min, max)
        .withText(new FeatureText(code, es, en, description));
  }

  private static CategoricalFeature categorical(String name, List<String> levels, String code,
      String es, String en, String description) {
    return CategoricalFeature.of(name, levels)
        .withText(new FeatureText(code, es, en, description));
  }

  private static Feature bool(String name, String code, String es, String en,
      String description) {
    return BooleanFeature.of(name).withText(new FeatureText(code, es, en, description));
  }
}
