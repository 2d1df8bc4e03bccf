package pe.agriscore.samples.data;

import static pe.agriscore.samples.data.FarmerSchema.*;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import pe.agriscore.scoring.ScoringRequest;

/**
 * Generates realistic, fully synthetic loan applications of Peruvian smallholder farmers whose
 * truth is known: every record carries the probability of default its outcome was drawn from
 * ({@link FarmerRiskModel}).
 *
 * <p>Regions, crop mix, yields, farm-gate prices, rainfall, drought, frost and El Niño exposure
 * are calibrated on real data (MIDAGRI, SENAMHI, NOAA; see {@link CalibrationDeriver}); the ONI
 * is the real monthly series, so applications dated in late 2015 meet the real 2015-16 El Niño.
 * The output depends only on the seed and the options: the same seed and options give
 * byte-identical CSV on every JDK, and row {@code i} does not depend on the row count (the first
 * 1,000 of 50,000 rows are the 1,000 rows of a smaller run).
 *
 * <pre>{@code
 * FarmerDataGenerator generator = FarmerDataGenerator.builder()
 *     .seed(42)
 *     .rows(50_000)
 *     .asOfRange(LocalDate.of(2014, 1, 1), LocalDate.of(2016, 12, 31))
 *     .build();
 * List<FarmerRecord> records = generator.generate();
 * FarmerCsv.write(records, Path.of("farmers.csv"));
 * }</pre>
 *
 * <p>From the command line ({@code exec:java} or {@code java -cp ...}):
 *
 * <pre>
 * FarmerDataGenerator --rows 50000 --seed 42 --out farmers.csv --schema-out schema.json \
 *     [--from 2014-01-01] [--to 2016-12-31] [--id-prefix PE]
 * </pre>
 *
 * <p>Instances are immutable and thread-safe; {@link #record(int)} may be called concurrently.
 */
public final class FarmerDataGenerator {

  /** Default first as-of date. */
  public static final LocalDate DEFAULT_FROM = LocalDate.of(2014, 1, 1);
  /** Default last as-of date. */
  public static final LocalDate DEFAULT_TO = LocalDate.of(2016, 12, 31);

  // Typical (median) farm size by natural region, ha: smallholdings of the 2012 agricultural
  // census order of magnitude; sierra plots are the smallest.
  private static final double[] TYPICAL_FARM_HA = {2.5, 1.2, 3.5};
  // Agronomic suitability of each crop (schema order) in costa, sierra, selva. The department
  // crop mix is department-wide; this puts coffee in the selva part of Cajamarca, not its coast.
  private static final double[][] SUITABILITY = {
      {0.15, 1, 0.05}, // potato
      {0, 0.25, 1}, // coffee
      {0.05, 0.05, 1}, // cocoa
      {0.10, 1, 0}, // quinoa
      {1, 0.10, 0.80}, // rice
      {1, 1, 0.60}, // maize
      {1, 0.60, 0.15}, // avocado
      {0.60, 0.10, 1}, // banana
      {0.30, 0.20, 1}}; // cassava
  private static final double[] CROP_SIZE_FACTOR = {0.9, 1.3, 1.3, 0.8, 1.4, 1.0, 1.1, 1.0, 0.9};
  private static final double[] IRRIGATION_BASE = {2.0, -0.6, -2.4};
  private static final double[] IRRIGATION_CROP = {0, -1.5, -1.2, -0.5, 1.5, 0, 0.8, 0.3, -0.3};
  private static final double[] COOPERATIVE_BASE =
      {-2.4, -0.6, -0.7, -1.2, -2.2, -2.6, -1.8, -1.0, -2.6};
  private static final double[] CROPS_GROWN_MEAN = {0.6, 1.7, 1.0};
  private static final double[] MARKET_KM = {6, 16, 22};
  private static final double[] FLOOD_REGION_FACTOR = {1.0, 0.25, 0.10};
  private static final double[] RAIN_REGION_FACTOR = {1.0, 0.40, 0.20};
  private static final int COFFEE = CROPS.indexOf("coffee");
  private static final int COCOA = CROPS.indexOf("cocoa");
  private static final int BANANA = CROPS.indexOf("banana");
  private static final int AVOCADO = CROPS.indexOf("avocado");
  private static final int POTATO = CROPS.indexOf("potato");
  private static final int QUINOA = CROPS.indexOf("quinoa");
  private static final int MAIZE = CROPS.indexOf("maize");
  private static final int COSTA = 0;
  private static final int SIERRA = 1;
  private static final int SELVA = 2;
  // Monthly persistence of 12-month price changes: consecutive changes share 11 of 12 months.
  private static final double PRICE_PERSISTENCE = 11.0 / 12;
  // Share of a crop's price-change variance common to the whole country (the rest is local).
  private static final double PRICE_COMMON_SHARE = 0.6;
  // Farm-level scatter of the drought index around the department's cropland average.
  private static final double LOCAL_SPEI_SD = 0.35;

  private final long seed;
  private final int rows;
  private final LocalDate from;
  private final LocalDate to;
  private final String idPrefix;
  private final Calibration calibration;
  private final double[] regionCumulative;
  private final double[][] cropCumulative;
  private final double maxRainRatioLog;
  private final Scenario scenario;

  private FarmerDataGenerator(Builder b) {
    this.seed = b.seed;
    this.rows = b.rows;
    this.from = b.from;
    this.to = b.to;
    this.idPrefix = b.idPrefix;
    this.calibration = Calibration.bundled();
    YearMonth first = YearMonth.from(from).minusMonths(1);
    YearMonth last = YearMonth.from(to).minusMonths(1);
    if (first.isBefore(calibration.oniFirst()) || last.isAfter(calibration.oniLast())) {
      throw new IllegalArgumentException("as-of range " + from + " to " + to + " needs the ONI of "
          + first + " to " + last + "; the calibration covers " + calibration.oniFirst() + " to "
          + calibration.oniLast());
    }
    List<Calibration.Department> depts = calibration.departments();
    int regions = NATURAL_REGIONS.size();
    regionCumulative = new double[depts.size() * regions];
    cropCumulative = new double[depts.size() * regions][];
    double total = 0;
    double maxRatio = 1;
    for (int d = 0; d < depts.size(); d++) {
      Calibration.Department dept = depts.get(d);
      maxRatio = Math.max(maxRatio, dept.elNinoRainRatio());
      for (int r = 0; r < regions; r++) {
        // Farms, not hectares: a region's share of the department's crop area divided by the
        // typical farm size there.
        total += dept.modelledCropAreaHa() * dept.regionShares()[r] / TYPICAL_FARM_HA[r];
        regionCumulative[d * regions + r] = total;
        double[] cum = new double[CROPS.size()];
        double c = 0;
        for (int k = 0; k < cum.length; k++) {
          c += dept.cropAreaShare()[k] * SUITABILITY[k][r];
          cum[k] = c;
        }
        if (c == 0) {
          for (int k = 0; k < cum.length; k++) {
            c += dept.cropAreaShare()[k];
            cum[k] = c;
          }
        }
        cropCumulative[d * regions + r] = cum;
      }
    }
    this.maxRainRatioLog = StrictMath.log(maxRatio);
    this.scenario = new Scenario(calibration, seed, YearMonth.from(from), YearMonth.from(to));
  }

  /** Starts a generator with the defaults: seed 42, 10,000 rows, as-of 2014-01-01..2016-12-31. */
  public static Builder builder() {
    return new Builder();
  }

  /** The seed. */
  public long seed() {
    return seed;
  }

  /** The number of rows {@link #generate()} returns. */
  public int rows() {
    return rows;
  }

  /** Every row, in order. */
  public List<FarmerRecord> generate() {
    List<FarmerRecord> out = new ArrayList<>(rows);
    for (int i = 0; i < rows; i++) {
      out.add(record(i));
    }
    return out;
  }

  /**
   * Row {@code index} alone: the same record {@link #generate()} returns at that position.
   *
   * @throws IndexOutOfBoundsException outside {@code [0, rows())}
   */
  public FarmerRecord record(int index) {
    Objects.checkIndex(index, rows);
    return new Row(Rng.of(seed, index)).build(index);
  }

  /** The per-row draws, in a fixed order (changing the order changes every dataset). */
  private final class Row {
    final Rng rng;

    Row(Rng rng) {
      this.rng = rng;
    }

    FarmerRecord build(int index) {
      long days = ChronoUnit.DAYS.between(from, to) + 1;
      LocalDate asOf = from.plusDays((long) Math.floor(rng.uniform() * days));
      int cell = rng.choose(regionCumulative);
      int d = cell / NATURAL_REGIONS.size();
      int r = cell % NATURAL_REGIONS.size();
      Calibration.Department dept = calibration.departments().get(d);
      int crop = rng.choose(cropCumulative[cell]);
      Calibration.Crop cropCal = calibration.crops().get(crop);
      boolean perennial = crop == COFFEE || crop == COCOA || crop == AVOCADO || crop == BANANA;

      double altitude = round(altitude(r, crop), -1);
      double size = clamp(round(TYPICAL_FARM_HA[r] * CROP_SIZE_FACTOR[crop]
          * StrictMath.exp(0.75 * rng.gaussian()), 2), 0.1, 100);
      boolean irrigated = rng.bernoulli(logistic(IRRIGATION_BASE[r] + IRRIGATION_CROP[crop]));
      double years = clamp(Math.round(1 + rng.gamma(2.2, 9)), 0, 65);
      double household = clamp(1 + rng.poisson(2.9 + (r == SIERRA ? 0.4 : 0)), 1, 15);
      double eduLatent = rng.gaussian() - (r == SIERRA ? 0.45 : r == SELVA ? 0.2 : 0)
          + 0.025 * (25 - years);
      int edu = eduLatent < -1.2 ? 0 : eduLatent < 0.35 ? 1 : eduLatent < 1.55 ? 2 : 3;
      boolean title = rng.bernoulli(logistic(-0.5 + (r == COSTA ? 0.8 : r == SELVA ? -0.3 : 0)
          + 0.3 * StrictMath.log(size) + 0.015 * years + 0.2 * edu));
      boolean coop = rng.bernoulli(logistic(COOPERATIVE_BASE[crop] + (title ? 0.3 : 0)
          + 0.15 * edu));
      double cropsGrown = clamp(1 + rng.poisson(CROPS_GROWN_MEAN[r] * (perennial ? 0.8 : 1)),
          1, 8);
      double distance = clamp(round(MARKET_KM[r] * StrictMath.exp(0.7 * rng.gaussian()), 1),
          0.3, 250);
      double offFarmMean = logistic(-1.1 + 0.25 * edu - 0.25 * StrictMath.log1p(distance / 10)
          + 0.05 * (household - 4) - 0.15 * StrictMath.log(size));
      double offFarm = clamp(round(rng.beta(6 * offFarmMean, 6 * (1 - offFarmMean)), 2), 0, 0.95);
      boolean anyMobile = rng.bernoulli(logistic(-0.6 + 0.55 * edu
          - 0.4 * StrictMath.log1p(distance / 10) + (coop ? 0.5 : 0) + (r == COSTA ? 0.2 : 0)
          + 0.3 * (asOf.getYear() - 2015)));
      double mobileMonths = anyMobile ? 1 + Math.floor(60 * rng.beta(1.2, 2)) : 0;

      // Credit history. The latent capacity q only shapes the history; the outcome depends on
      // what the bank observes (FarmerRiskModel), never on q itself.
      double q = rng.gaussian();
      boolean thin = rng.bernoulli(logistic(0.2 - (coop ? 0.7 : 0) - (title ? 0.5 : 0)
          - 0.03 * (years - 20) - 0.2 * edu + (r == SELVA ? 0.25 : 0)));
      double loans = 0;
      double onTime = 0;
      double maxDpd = 0;
      if (!thin) {
        loans = clamp(1 + rng.poisson(0.6 + years / 12), 1, 30);
        double deficit = rng.exponential(0.07 * StrictMath.exp(-0.6 * q));
        onTime = round(Math.max(0, 1 - deficit), 2);
        maxDpd = clamp(Math.round(deficit * 300 * StrictMath.exp(0.5 * rng.gaussian())), 0, 720);
      }

      double yieldMean = dept.yieldMean()[crop];
      double ratioDraw = StrictMath.exp(-0.15 + 0.30 * rng.gaussian() + (irrigated ? 0.18 : 0)
          + 0.05 * edu + (coop ? 0.08 : 0));
      double yield = Math.max(0.01, round(yieldMean * clamp(ratioDraw, 0.1, 4), 2));
      double yieldRatio = round(yield / yieldMean, 3);
      double cv = dept.yieldCv()[crop];
      double yieldCv = clamp(round(StrictMath.sqrt(cv * cv + 0.18 * 0.18)
          * StrictMath.exp(0.3 * rng.gaussian()) * (irrigated ? 0.75 : 1), 3), 0.02, 1.5);
      double yieldTrend = clamp(round(rng.normal(1.0, 5.0) + 0.4 * edu, 1), -30, 30);

      YearMonth month = YearMonth.from(asOf);
      double oni = calibration.oni(month.minusMonths(1));
      double drought = clamp(round(scenario.spei(d, month) + LOCAL_SPEI_SD * rng.gaussian(), 2),
          -3.5, 3.5);
      double rainfall = rainfallAnomaly(dept, r, month, drought, oni);
      double frost = clamp(Math.round(220 * logistic((altitude - (3500 - 800
          * dept.coldMonthShare())) / 220) * StrictMath.exp(0.2 * rng.gaussian())), 0, 300);
      double exposureBase = maxRainRatioLog <= 0 ? 0
          : clamp(StrictMath.log(Math.max(1, dept.elNinoRainRatio())) / maxRainRatioLog, 0, 1);
      double altitudeFactor = altitude <= 300 ? 1 : StrictMath.exp(-(altitude - 300) / 700);
      double exposure = clamp(round(exposureBase * FLOOD_REGION_FACTOR[r] * altitudeFactor
          * rng.uniform(0.7, 1.3), 2), 0, 1);

      double change = scenario.priceChange(d, crop, month) + 0.04 * rng.gaussian();
      double priceChange = clamp(round(100 * (StrictMath.exp(change) - 1), 1), -90, 400);
      double price = Math.max(0.01, round(dept.medianPrice()[crop]
          * StrictMath.exp(0.5 * change + 0.10 * rng.gaussian()), 2));
      double priceVol = clamp(round(cropCal.priceIntraYearCv()
          * StrictMath.exp(0.3 * rng.gaussian()), 3), 0.01, 1.5);

      String id = idPrefix + "-" + String.format(Locale.ROOT, "%07d", index + 1);
      ScoringRequest.Builder b = ScoringRequest.builder(id, asOf)
          .set(DEPARTMENT, dept.id())
          .set(NATURAL_REGION, NATURAL_REGIONS.get(r))
          .set(MAIN_CROP, CROPS.get(crop))
          .set(ALTITUDE_M, altitude)
          .set(FARM_SIZE_HA, size)
          .set(IRRIGATED, irrigated)
          .set(LAND_TITLE, title)
          .set(CROPS_GROWN, cropsGrown)
          .set(YEARS_FARMING, years)
          .set(HOUSEHOLD_SIZE, household)
          .set(EDUCATION, EDUCATION_LEVELS.get(edu))
          .set(COOPERATIVE_MEMBER, coop)
          .set(MOBILE_MONEY_MONTHS, mobileMonths);
      if (thin) {
        b.setMissing(PRIOR_LOANS_COUNT).setMissing(PRIOR_ON_TIME_SHARE)
            .setMissing(PRIOR_MAX_DAYS_PAST_DUE);
      } else {
        b.set(PRIOR_LOANS_COUNT, loans).set(PRIOR_ON_TIME_SHARE, onTime)
            .set(PRIOR_MAX_DAYS_PAST_DUE, maxDpd);
      }
      ScoringRequest request = b
          .set(YIELD_T_HA, yield)
          .set(YIELD_RATIO, yieldRatio)
          .set(YIELD_TREND_PCT, yieldTrend)
          .set(YIELD_CV, yieldCv)
          .set(RAINFALL_ANOMALY_PCT, rainfall)
          .set(DROUGHT_INDEX, drought)
          .set(FROST_DAYS, frost)
          .set(ONI_C, oni)
          .set(EL_NINO_FLOOD_EXPOSURE, exposure)
          .set(FARMGATE_PRICE, price)
          .set(PRICE_CHANGE_PCT, priceChange)
          .set(PRICE_VOLATILITY_CV, priceVol)
          .set(OFF_FARM_INCOME_SHARE, offFarm)
          .set(DISTANCE_TO_MARKET_KM, distance)
          .build();
      double pd = FarmerRiskModel.probability(request);
      boolean defaulted = rng.uniform() < pd;
      return new FarmerRecord(id, asOf, request, dept.id(), NATURAL_REGIONS.get(r),
          CROPS.get(crop), defaulted, pd);
    }

    /** Altitude of the main plot, m, by natural region and crop. */
    double altitude(int region, int crop) {
      double z = rng.gaussian();
      return switch (region) {
        case COSTA -> clamp((crop == AVOCADO ? 450 * StrictMath.exp(0.6 * z)
            : 150 * StrictMath.exp(0.9 * z)), 0, 1800);
        case SIERRA -> clamp(crop == POTATO ? 3500 + 350 * z
            : crop == QUINOA ? 3750 + 250 * z
            : crop == MAIZE ? 2900 + 400 * z
            : crop == COFFEE ? 1700 + 200 * z
            : crop == AVOCADO ? 2300 + 350 * z
            : 2700 + 500 * z, 1500, 4600);
        default -> clamp(crop == COFFEE ? 1450 + 300 * z
            : crop == COCOA ? 650 + 300 * z
            : crop == POTATO || crop == QUINOA ? 2000 + 300 * z
            : 350 + 200 * z, 80, 2400);
      };
    }
  }

  /**
   * Rainfall of the three months to {@code month} versus the department's 1986-2015 normal, in
   * percent: the farm's drought index scaled by the normal's spread, plus El Niño rain where the
   * department's 1998 wet season was above normal.
   */
  private static double rainfallAnomaly(Calibration.Department dept, int region, YearMonth month,
      double drought, double oni) {
    double normal = 0;
    double variance = 0;
    double wet = 0;
    for (int k = 0; k < 3; k++) {
      int m = month.minusMonths(k).getMonthValue() - 1;
      normal += dept.rainMeanMm()[m];
      variance += dept.rainSdMm()[m] * dept.rainSdMm()[m];
      // El Niño rains fall in the coastal wet season, December to April.
      wet += m == 11 || m <= 3 ? 1.0 / 3 : 0.1;
    }
    double flood = normal * Math.max(0, dept.elNinoRainRatio() - 1)
        * Math.max(0, oni - 0.5) / 1.9 * wet * RAIN_REGION_FACTOR[region];
    double rain = Math.max(0, normal + drought * StrictMath.sqrt(variance) + flood);
    return clamp(round(100 * (rain - normal) / Math.max(normal, 15), 1), -100, 1000);
  }

  /**
   * The shared shocks of the as-of range: a department's drought index each month (AR(1) around
   * its El Niño response) and each crop's 12-month price change, national plus local.
   */
  private static final class Scenario {
    final YearMonth first;
    final double[][] spei;
    final double[][] priceCommon;
    final double[][][] priceLocal;

    Scenario(Calibration cal, long seed, YearMonth first, YearMonth last) {
      this.first = first;
      int months = (int) first.until(last, ChronoUnit.MONTHS) + 1;
      List<Calibration.Department> depts = cal.departments();
      List<Calibration.Crop> crops = cal.crops();
      Rng rng = Rng.of(seed, -1);
      spei = new double[depts.size()][months];
      for (int d = 0; d < depts.size(); d++) {
        Calibration.Department dept = depts.get(d);
        double rho = dept.speiLag1Autocorr();
        double sd = dept.speiResidualSd();
        double resid = sd * rng.gaussian();
        for (int t = 0; t < months; t++) {
          if (t > 0) {
            resid = rho * resid + sd * StrictMath.sqrt(1 - rho * rho) * rng.gaussian();
          }
          spei[d][t] = dept.speiOniSlope() * cal.oni(first.plusMonths(t - 1L)) + resid;
        }
      }
      double rho = PRICE_PERSISTENCE;
      double innovation = StrictMath.sqrt(1 - rho * rho);
      priceCommon = new double[crops.size()][months];
      for (int c = 0; c < crops.size(); c++) {
        double sd = crops.get(c).priceYoyLogScale() * StrictMath.sqrt(PRICE_COMMON_SHARE);
        double x = sd * rng.gaussian();
        for (int t = 0; t < months; t++) {
          if (t > 0) {
            x = rho * x + sd * innovation * rng.gaussian();
          }
          priceCommon[c][t] = x;
        }
      }
      priceLocal = new double[depts.size()][crops.size()][months];
      for (int d = 0; d < depts.size(); d++) {
        for (int c = 0; c < crops.size(); c++) {
          double sd = crops.get(c).priceYoyLogScale() * StrictMath.sqrt(1 - PRICE_COMMON_SHARE);
          double x = sd * rng.gaussian();
          for (int t = 0; t < months; t++) {
            if (t > 0) {
              x = rho * x + sd * innovation * rng.gaussian();
            }
            priceLocal[d][c][t] = x;
          }
        }
      }
    }

    double spei(int dept, YearMonth month) {
      return spei[dept][index(month)];
    }

    /** The log 12-month price change of a crop in a department. */
    double priceChange(int dept, int crop, YearMonth month) {
      int t = index(month);
      return priceCommon[crop][t] + priceLocal[dept][crop][t];
    }

    private int index(YearMonth month) {
      return (int) first.until(month, ChronoUnit.MONTHS);
    }
  }

  static double logistic(double x) {
    return 1 / (1 + StrictMath.exp(-x));
  }

  static double clamp(double x, double lo, double hi) {
    return Math.max(lo, Math.min(hi, x));
  }

  /** Rounds half-up to {@code decimals} places; negative places round to tens, hundreds. */
  static double round(double x, int decimals) {
    // Dividing by an exact power of ten (or multiplying by one) gives the double nearest the
    // decimal, so the CSV shows 3510.0, never 3509.9999999999995.
    if (decimals >= 0) {
      double f = StrictMath.pow(10, decimals);
      return Math.round(x * f) / f;
    }
    double step = StrictMath.pow(10, -decimals);
    return Math.round(x / step) * step;
  }

  /**
   * Command line; see the class documentation. Prints a summary (rows, default rate, oracle AUC,
   * rates by year and natural region) to standard output. Exit status 2 on bad arguments.
   */
  public static void main(String[] args) throws IOException {
    int status = run(args, System.out, System.err);
    if (status != 0) {
      System.exit(status);
    }
  }

  static int run(String[] args, PrintStream out, PrintStream err) throws IOException {
    Builder builder = builder();
    Path csv = null;
    Path schemaOut = null;
    try {
      for (int i = 0; i < args.length; i += 2) {
        String option = args[i];
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException(option + " needs a value");
        }
        String value = args[i + 1];
        switch (option) {
          case "--rows" -> builder.rows((int) integer(option, value, Integer.MAX_VALUE));
          case "--seed" -> builder.seed(integer(option, value, Long.MAX_VALUE));
          case "--out" -> csv = Path.of(value);
          case "--schema-out" -> schemaOut = Path.of(value);
          case "--from" -> builder.asOfRange(date(option, value), builder.to);
          case "--to" -> builder.asOfRange(builder.from, date(option, value));
          case "--id-prefix" -> builder.idPrefix(value);
          default -> throw new IllegalArgumentException("unknown option " + option);
        }
      }
      if (csv == null) {
        throw new IllegalArgumentException("--out is required");
      }
    } catch (RuntimeException e) {
      err.println("error: " + e.getMessage());
      err.println("usage: FarmerDataGenerator --out FILE.csv [--rows N] [--seed S] "
          + "[--schema-out schema.json] [--from yyyy-MM-dd] [--to yyyy-MM-dd] [--id-prefix P]");
      return 2;
    }
    FarmerDataGenerator generator = builder.build();
    out.printf(Locale.ROOT, "generating %,d farmers, seed %d, as-of %s to %s%n", generator.rows,
        generator.seed, generator.from, generator.to);
    List<FarmerRecord> records = new ArrayList<>(generator.rows);
    int step = Math.max(1, generator.rows / 10);
    for (int i = 0; i < generator.rows; i++) {
      records.add(generator.record(i));
      if ((i + 1) % step == 0 && generator.rows >= 20_000) {
        out.printf(Locale.ROOT, "  %,d rows%n", i + 1);
      }
    }
    FarmerCsv.write(records, csv);
    out.println("wrote " + csv.toAbsolutePath());
    if (schemaOut != null) {
      Files.writeString(schemaOut, schema().toJson(), StandardCharsets.UTF_8);
      out.println("wrote " + schemaOut.toAbsolutePath());
    }
    printSummary(records, out);
    return 0;
  }

  private static long integer(String option, String value, long max) {
    try {
      long v = Long.parseLong(value);
      if (v > max) {
        throw new IllegalArgumentException(option + " " + value + " is too large (max " + max
            + ")");
      }
      return v;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(option + " needs an integer, got '" + value + "'", e);
    }
  }

  private static LocalDate date(String option, String value) {
    try {
      return LocalDate.parse(value);
    } catch (java.time.format.DateTimeParseException e) {
      throw new IllegalArgumentException(option + " needs a date yyyy-MM-dd, got '" + value + "'",
          e);
    }
  }

  private static void printSummary(List<FarmerRecord> records, PrintStream out) {
    int n = records.size();
    double[] pd = new double[n];
    boolean[] bad = new boolean[n];
    int defaults = 0;
    int thin = 0;
    double pdSum = 0;
    Map<String, int[]> byYear = new TreeMap<>();
    Map<String, int[]> byRegion = new TreeMap<>();
    for (int i = 0; i < n; i++) {
      FarmerRecord r = records.get(i);
      pd[i] = r.truePd();
      bad[i] = r.defaulted();
      defaults += bad[i] ? 1 : 0;
      thin += r.thinFile() ? 1 : 0;
      pdSum += pd[i];
      count(byYear, Integer.toString(r.asOfDate().getYear()), bad[i]);
      count(byRegion, r.naturalRegion(), bad[i]);
    }
    out.printf(Locale.ROOT,
        "rows %,d  defaults %,d  default rate %.4f  mean true PD %.4f  thin file %.3f%n",
        n, defaults, n == 0 ? 0 : (double) defaults / n, n == 0 ? 0 : pdSum / n,
        n == 0 ? 0 : (double) thin / n);
    if (defaults > 0 && defaults < n) {
      out.printf(Locale.ROOT, "oracle AUC (true PD vs outcome) %.4f%n", Auc.of(pd, bad));
    }
    byYear.forEach((k, v) -> out.printf(Locale.ROOT,
        "  as-of %s: %,d rows, default rate %.4f%n", k, v[0], (double) v[1] / v[0]));
    byRegion.forEach((k, v) -> out.printf(Locale.ROOT,
        "  %s: %,d rows, default rate %.4f%n", k, v[0], (double) v[1] / v[0]));
  }

  private static void count(Map<String, int[]> m, String key, boolean bad) {
    int[] c = m.computeIfAbsent(key, k -> new int[2]);
    c[0]++;
    c[1] += bad ? 1 : 0;
  }

  /** Options of a {@link FarmerDataGenerator}. Not thread-safe. */
  public static final class Builder {
    private long seed = 42;
    private int rows = 10_000;
    private LocalDate from = DEFAULT_FROM;
    private LocalDate to = DEFAULT_TO;
    private String idPrefix = "PE";

    private Builder() {}

    /** The seed (default 42). */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /** The number of rows (default 10,000). */
    public Builder rows(int rows) {
      if (rows < 0) {
        throw new IllegalArgumentException("rows must be >= 0, got " + rows);
      }
      this.rows = rows;
      return this;
    }

    /**
     * As-of dates are drawn uniformly from {@code from} to {@code to}, both included (default
     * 2014-01-01 to 2016-12-31). The ONI of the month before each date must be in the
     * calibration (1950-01 to 2026-01).
     */
    public Builder asOfRange(LocalDate from, LocalDate to) {
      Objects.requireNonNull(from, "from");
      Objects.requireNonNull(to, "to");
      if (to.isBefore(from)) {
        throw new IllegalArgumentException("as-of range ends (" + to + ") before it starts ("
            + from + ")");
      }
      this.from = from;
      this.to = to;
      return this;
    }

    /** The applicant id prefix (default {@code PE}): ids are {@code PE-0000001}, ... */
    public Builder idPrefix(String prefix) {
      if (prefix == null || !prefix.matches("[A-Za-z0-9_]+")) {
        throw new IllegalArgumentException("id prefix must match [A-Za-z0-9_]+, got " + prefix);
      }
      this.idPrefix = prefix;
      return this;
    }

    /**
     * The generator.
     *
     * @throws IllegalArgumentException if the as-of range is outside the calibrated ONI series
     */
    public FarmerDataGenerator build() {
      return new FarmerDataGenerator(this);
    }
  }
}
