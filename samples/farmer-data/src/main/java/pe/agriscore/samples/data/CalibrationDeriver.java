package pe.agriscore.samples.data;

import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Derives the generator's calibration figures from the real Peruvian reference data and writes
 * them, with their provenance, as the JSON resource {@code peru-calibration.json}.
 *
 * <p>The reference data (MIDAGRI monthly bulletins 2001-2015, SENAMHI PISCO weather by department
 * 1986-2015, NOAA CPC's Oceanic Nino Index) is not shipped with AgriScore; only the figures derived
 * here are committed, so the generator runs anywhere. Run it again when the data changes:
 *
 * <pre>{@code
 * java -cp samples/farmer-data/target/classes:... pe.agriscore.samples.data.CalibrationDeriver \
 *     --data ../shared/data/peru \
 *     --out samples/farmer-data/src/main/resources/pe/agriscore/samples/data/peru-calibration.json
 * }</pre>
 *
 * <p>Every figure group in the output carries a {@code provenance} entry: source file, row filter,
 * formula. The derivation is deterministic: the same input files give the same JSON, apart from
 * the {@code derivedOn} date.
 */
public final class CalibrationDeriver {

  /** The resource name of the committed calibration, next to this class. */
  public static final String RESOURCE = "peru-calibration.json";

  static final String PRODUCTION = "peru_minagri_crop_production_monthly_2001_2015.csv";
  static final String AREA = "peru_minagri_harvested_area_monthly_2001_2015.csv";
  static final String PRICES = "peru_minagri_farmgate_prices_monthly_2001_2015.csv";
  static final String WEATHER = "peru_weather_by_department_monthly_1986_2015.csv";
  static final String REGIONS = "peru_department_natural_region_shares.csv";
  static final String ONI = "noaa_cpc_oni_1950_2026.csv";

  private static final int FIRST_YEAR = 2001;
  private static final int LAST_YEAR = 2015;
  private static final int YEARS = LAST_YEAR - FIRST_YEAR + 1;
  private static final int WEATHER_FIRST_YEAR = 1986;
  private static final double MIN_REGION_SHARE = 0.01;
  private static final double MIN_AREA_HA = 50;
  private static final int MIN_YIELD_YEARS = 5;
  private static final double ROBUST_SD = 1.4826;
  private static final int MIN_PRICED_MONTHS = 6;

  /** A modelled crop and the names the MIDAGRI tables give it (after {@link Names#product}). */
  private record CropNames(
      String id, List<String> production, List<String> area, List<String> price, double yieldLo,
      double yieldHi) {}

  // Yield bounds drop department-years where a bulletin column was misread (for example potato
  // "yields" above 60 t/ha in 2007-2013, when the area table was misaligned); they are wide enough
  // for any real Peruvian department average.
  private static final List<CropNames> CROPS = List.of(
      new CropNames("potato", List.of("papa"), List.of("papa"), List.of("papa"), 3, 45),
      new CropNames("coffee", List.of("café"), List.of(), List.of("café"), 0, 0),
      new CropNames("cocoa", List.of("cacao"), List.of(), List.of("cacao"), 0, 0),
      new CropNames("quinoa", List.of("quinua"), List.of("quinua"), List.of("quinua"), 0.3, 4.5),
      new CropNames("rice", List.of("arroz cáscara"), List.of("arroz cáscara"),
          List.of("arroz cáscara"), 1, 15),
      new CropNames("maize", List.of("maíz amarillo duro", "maíz amiláceo"),
          List.of("maíz amarillo duro", "maíz amiláceo"),
          List.of("maíz amarillo duro", "maíz amiláceo"), 0.4, 12),
      new CropNames("avocado", List.of("palta"), List.of(), List.of("palta"), 0, 0),
      new CropNames("banana", List.of("plátano"), List.of(),
          List.of("plátano", "platano", "banana y plátano"), 0, 0),
      new CropNames("cassava", List.of("yuca"), List.of("yuca"), List.of("yuca"), 3, 45));

  /**
   * Yields the extracts cannot give: the harvested-area table covers annual crops only, so the
   * perennials' yields are stated assumptions (rounded national averages of MIDAGRI's
   * "El Agro en Cifras" 2011-2015 bulletins), not derived figures.
   */
  private static final Map<String, double[]> ASSUMED_YIELD = new LinkedHashMap<>();

  static {
    ASSUMED_YIELD.put("coffee", new double[] {0.75, 0.25});
    ASSUMED_YIELD.put("cocoa", new double[] {0.80, 0.20});
    ASSUMED_YIELD.put("avocado", new double[] {10.0, 0.20});
    ASSUMED_YIELD.put("banana", new double[] {13.0, 0.15});
  }

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private CalibrationDeriver() {}

  /**
   * Command line, run from the repository root: {@code --data DIR} (default {@code
   * ../shared/data/peru}), {@code --out FILE} (default {@code
   * samples/farmer-data/src/main/resources/pe/agriscore/samples/data/peru-calibration.json}),
   * {@code --date yyyy-MM-dd} (default today).
   */
  public static void main(String[] args) throws IOException {
    Path data = Path.of("../shared/data/peru");
    Path out = Path.of("samples/farmer-data/src/main/resources/pe/agriscore/samples/data", RESOURCE);
    LocalDate date = LocalDate.now();
    for (int i = 0; i < args.length; i++) {
      String value = i + 1 < args.length ? args[i + 1] : null;
      switch (args[i]) {
        case "--data" -> data = Path.of(require(args[i], value));
        case "--out" -> out = Path.of(require(args[i], value));
        case "--date" -> date = LocalDate.parse(require(args[i], value));
        default -> {
          System.err.println("unknown option " + args[i]
              + "; usage: CalibrationDeriver [--data DIR] [--out FILE] [--date yyyy-MM-dd]");
          System.exit(2);
        }
      }
      i++;
    }
    ObjectNode calibration = derive(data, date);
    if (out.getParent() != null) {
      Files.createDirectories(out.getParent());
    }
    Files.writeString(out, toJson(calibration), StandardCharsets.UTF_8);
    System.out.println("wrote " + out.toAbsolutePath() + " ("
        + calibration.path("departments").size() + " departments, "
        + calibration.path("crops").size() + " crops, derived from " + data.toAbsolutePath() + ")");
  }

  private static String require(String option, String value) {
    if (value == null) {
      throw new IllegalArgumentException(option + " needs a value");
    }
    return value;
  }

  /** The calibration as text: two-space indent, numeric arrays on one line. */
  public static String toJson(JsonNode calibration) {
    DefaultPrettyPrinter printer = new DefaultPrettyPrinter()
        .withObjectIndenter(new DefaultIndenter("  ", "\n"))
        .withArrayIndenter(DefaultPrettyPrinter.FixedSpaceIndenter.instance);
    try {
      return new ObjectMapper().writer(printer).writeValueAsString(calibration) + "\n";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Derives every figure from the CSV files in {@code dataDir}.
   *
   * @param dataDir the directory holding the reference extracts (see its README)
   * @param derivedOn the date recorded as {@code derivedOn}
   * @throws IOException if a file is missing or malformed (the message names file and line)
   */
  public static ObjectNode derive(Path dataDir, LocalDate derivedOn) throws IOException {
    Map<String, double[]> regionShares = new LinkedHashMap<>();
    Csv.Extract regions = Csv.Extract.read(dataDir.resolve(REGIONS));
    for (String[] row : regions.rows) {
      String dept = Names.department(row[regions.column("region")]);
      if (dept.equals("callao")) {
        continue; // a port city: no farming to speak of, and no row of its own elsewhere
      }
      regionShares.put(dept, new double[] {
          number(regions, row, "share_costa"), number(regions, row, "share_sierra"),
          number(regions, row, "share_selva")});
    }
    List<String> departments = new ArrayList<>(regionShares.keySet());

    Monthly production = Monthly.read(dataDir.resolve(PRODUCTION), "production_tonnes",
        departments);
    Monthly area = Monthly.read(dataDir.resolve(AREA), "harvested_area_ha", departments);
    Monthly prices = Monthly.read(dataDir.resolve(PRICES), "farmgate_price_soles_per_kg",
        departments);
    double[] oni = readOni(dataDir.resolve(ONI));
    Weather weather = Weather.read(dataDir.resolve(WEATHER), departments);

    ObjectNode root = NODES.objectNode();
    root.put("name", "peru-smallholder-calibration");
    root.put("formatVersion", 1);
    root.put("derivedOn", derivedOn.toString());
    root.put("derivedBy", CalibrationDeriver.class.getName());
    root.set("provenance", provenance(production, area, prices, weather));

    ObjectNode crops = root.putObject("crops");
    Map<String, double[]> nationalYield = new HashMap<>();
    for (CropNames crop : CROPS) {
      ObjectNode c = crops.putObject(crop.id);
      c.set("productNames", NODES.arrayNode().addAll(strings(crop.production)));
      if (crop.area.isEmpty()) {
        double[] assumed = ASSUMED_YIELD.get(crop.id);
        c.put("yieldSource", "assumed");
        c.put("nationalYieldTHa", assumed[0]);
        c.put("yieldCv", assumed[1]);
        nationalYield.put(crop.id, assumed);
      } else {
        double[] national = nationalYield(crop, production, area, departments);
        c.put("yieldSource", "derived");
        c.put("nationalYieldTHa", round(national[0]));
        c.put("yieldCv", round(national[1]));
        nationalYield.put(crop.id, national);
      }
      double[] levels = prices.values(crop.price, departments, 2013, 2015);
      if (levels.length == 0) {
        throw new IOException(PRICES + ": no positive 2013-2015 price for " + crop.id);
      }
      c.put("medianPricePenKg", round(median(levels)));
      c.put("priceIntraYearCv", round(intraYearCv(prices, crop, departments)));
      double[] yoy = yoyLogChanges(prices, crop.price, departments);
      c.put("priceYoyLogScale", round(ROBUST_SD * median(abs(yoy))));
      c.put("priceCollapseShare", round(shareAtMost(yoy, Math.log(0.75))));
      c.put("priceYoyObservations", yoy.length);
    }

    ObjectNode depts = root.putObject("departments");
    for (String dept : departments) {
      ObjectNode d = depts.putObject(dept);
      d.put("name", production.displayName(dept));
      double[] shares = regionShares.get(dept);
      double kept = 0;
      for (double s : shares) {
        kept += s >= MIN_REGION_SHARE ? s : 0;
      }
      ObjectNode rs = d.putObject("regionShares");
      String[] regionNames = {"costa", "sierra", "selva"};
      for (int r = 0; r < 3; r++) {
        rs.put(regionNames[r], shares[r] >= MIN_REGION_SHARE ? round(shares[r] / kept) : 0.0);
      }

      ObjectNode prodShare = d.putObject("cropProductionShare");
      ObjectNode areaShare = d.putObject("cropAreaShare");
      ObjectNode yields = d.putObject("yield");
      ObjectNode price = d.putObject("medianPricePenKg");
      double[] tonnes = new double[CROPS.size()];
      double[] hectares = new double[CROPS.size()];
      for (int k = 0; k < CROPS.size(); k++) {
        CropNames crop = CROPS.get(k);
        tonnes[k] = production.total(dept, crop.production, 2014, 2015) / 2;
        double[] y = crop.area.isEmpty() ? null : departmentYield(crop, production, area, dept);
        if (y != null) {
          ObjectNode yn = yields.putObject(crop.id);
          yn.put("meanTHa", round(y[0]));
          yn.put("cv", round(y[1]));
          yn.put("years", (int) y[2]);
        }
        hectares[k] = crop.area.isEmpty()
            ? tonnes[k] / nationalYield.get(crop.id)[0]
            : area.total(dept, crop.area, 2014, 2015) / 2;
        double[] p = prices.values(crop.price, List.of(dept), 2013, 2015);
        if (p.length >= 6) {
          price.put(crop.id, round(median(p)));
        }
      }
      double totalTonnes = Arrays.stream(tonnes).sum();
      double totalHa = Arrays.stream(hectares).sum();
      for (int k = 0; k < CROPS.size(); k++) {
        prodShare.put(CROPS.get(k).id, round(totalTonnes > 0 ? tonnes[k] / totalTonnes : 0));
        areaShare.put(CROPS.get(k).id, round(totalHa > 0 ? hectares[k] / totalHa : 0));
      }
      d.put("modelledCropAreaHa", round(totalHa));
      weather.describe(dept, oni, d);
    }

    ObjectNode totals = root.putObject("nationalProductionTonnes");
    for (CropNames crop : CROPS) {
      ObjectNode t = totals.putObject(crop.id);
      for (int year = 2014; year <= 2015; year++) {
        double sum = 0;
        for (String dept : departments) {
          sum += production.total(dept, crop.production, year, year);
        }
        t.put(Integer.toString(year), round(sum));
      }
    }

    ObjectNode oniNode = root.putObject("oni");
    oniNode.put("firstMonth", "1950-01");
    ArrayNode values = oniNode.putArray("monthlyC");
    for (double v : oni) {
      values.add(v);
    }
    root.set("elNinoEpisodes", elNinoEpisodes(oni));
    return root;
  }

  private static ObjectNode provenance(Monthly production, Monthly area, Monthly prices,
      Weather weather) {
    ObjectNode p = NODES.objectNode();
    p.put("data", "Replication data of Crofils, Gallic & Vermandel (2025), J. Environ. Econ. "
        + "Manag. 130:103078: MIDAGRI 'El Agro en Cifras' 2001-2015, SENAMHI PISCOp/PISCOt and "
        + "CHIRPS v2.0 aggregated to department x month weighted by cropland; NOAA CPC ONI.");
    p.put("departmentFilter", "Rows whose region, with accents and case removed, is one of the 24 "
        + "departments of " + REGIONS + " other than CALLAO; aggregate rows (Total Nacional, "
        + "Promedio Nacional, Lima Metropolitana, Lima provincias, Callao) are dropped. Rows read "
        + "/ kept: production " + production.read + "/" + production.kept + ", harvested area "
        + area.read + "/" + area.kept + ", prices " + prices.read + "/" + prices.kept
        + ", weather " + weather.read + "/" + weather.kept + ".");
    p.put("valueFilter", "Empty cells are missing; zero and negative values are treated as 'not "
        + "reported' (README caveat) and skipped. Product names are compared after Unicode NFC "
        + "normalisation and lower-casing, so 'plátano' in composed and decomposed form match.");
    p.put("regionShares", REGIONS + ": share_costa/sierra/selva; shares below "
        + MIN_REGION_SHARE + " set to 0 and the rest renormalised to sum to 1.");
    p.put("cropProductionShare", PRODUCTION + ", years 2014-2015 (the only years that report "
        + "cocoa and avocado): mean annual production of each modelled crop / sum over the "
        + "9 modelled crops. maize = maiz amarillo duro + maiz amilaceo; banana = platano.");
    p.put("cropAreaShare", AREA + ", years 2014-2015: mean annual harvested area for potato, "
        + "quinoa, rice, maize, cassava; for coffee, cocoa, avocado, banana (absent from the "
        + "area table) mean annual production / assumed national yield. Share of the sum over "
        + "the 9 modelled crops. modelledCropAreaHa is that sum.");
    p.put("yield", PRODUCTION + " / " + AREA + ": per department and year 2001-2015, sum of "
        + "production / sum of harvested area over the months where both are > 0; kept when the "
        + "area is >= " + MIN_AREA_HA + " ha and the yield lies in the crop's plausible range "
        + "(potato 3-45, quinoa 0.3-4.5, rice 1-15, maize 0.4-12, cassava 3-45 t/ha; outside "
        + "it a bulletin column was misread). meanTHa = median over kept years; cv = 1.4826 * "
        + "MAD / median (robust inter-annual CV); reported only with >= " + MIN_YIELD_YEARS
        + " kept years. National: median over years of the year's sum(production)/sum(area) "
        + "over kept department-years; national yieldCv = median of the department cvs.");
    p.put("assumedYield", "coffee 0.75 t/ha (cv 0.25), cocoa 0.80 (0.20), avocado 10.0 "
        + "(0.20), banana 13.0 (0.15): stated assumptions, rounded national averages of "
        + "MIDAGRI bulletins 2011-2015; the extracts hold no harvested area for perennials.");
    p.put("prices", PRICES + ": medianPricePenKg = median of positive monthly farm-gate prices "
        + "(nominal PEN/kg) 2013-2015, per department when it has >= 6 months, nationally over all "
        + "department-months. priceIntraYearCv = median over department-years with >= "
        + MIN_PRICED_MONTHS + " priced "
        + "months of (population sd / mean) of the monthly prices. priceYoyLogScale = 1.4826 * "
        + "median |ln(p[m, y] / p[m, y-1])| over department-months with both prices (changes "
        + "beyond a factor 10 dropped as misreads); priceCollapseShare = share of those changes "
        + "<= ln(0.75), i.e. a fall of 25% or more.");
    p.put("rainfall", WEATHER + " 1986-2015, precip_piscop_sum (mm): monthlyMeanMm and "
        + "monthlySdMm (sample sd) per calendar month; annualMeanMm = mean annual total.");
    p.put("drought", WEATHER + " 1986-2015, spei_piscop_3: spei3DroughtShare = share of months "
        + "<= -1; spei3OniSlope = OLS slope on the ONI of the same centre month; "
        + "spei3ResidualSd = sd of the OLS residuals; spei3Lag1Autocorr = lag-1 autocorrelation "
        + "of the residuals.");
    p.put("cold", WEATHER + " 1986-2015: coldestMonthTminC = lowest calendar-month mean of "
        + "temp_min; coldMonthShare = share of months with temp_min < 3 C (cropland-weighted mean "
        + "minimum cold enough for frequent frost nights); coldShockShare = share of months with "
        + "temp_min_dev <= -1 C.");
    p.put("elNino", WEATHER + ": elNino.jfm1998RainRatio = precip_piscop_sum Jan-Mar 1998 / "
        + "mean Jan-Mar total 1986-2015 (1997-98 is the only very strong El Nino in the weather "
        + "record). "
        + ONI + ": monthlyC = oni_anomaly_c by centre month from 1950-01; elNinoEpisodes = runs "
        + "of >= 5 consecutive overlapping seasons with ONI >= +0.5 C (NOAA CPC definition), "
        + "strength by peak: weak < 1.0, moderate < 1.5, strong < 2.0, very strong >= 2.0.");
    p.put("nationalProductionTonnes", PRODUCTION + ": sum over the 24 departments of annual "
        + "production, to check against the README's sanity totals.");
    return p;
  }

  // ---- crops ---------------------------------------------------------------------------------

  /** {median yield, robust cv, kept years} or null when fewer than MIN_YIELD_YEARS are usable. */
  private static double[] departmentYield(CropNames crop, Monthly production, Monthly area,
      String dept) {
    List<Double> kept = new ArrayList<>();
    for (int year = FIRST_YEAR; year <= LAST_YEAR; year++) {
      double[] pa = yearYield(crop, production, area, dept, year);
      if (pa != null) {
        kept.add(pa[0] / pa[1]);
      }
    }
    if (kept.size() < MIN_YIELD_YEARS) {
      return null;
    }
    double[] y = kept.stream().mapToDouble(Double::doubleValue).toArray();
    double med = median(y);
    double[] dev = new double[y.length];
    for (int i = 0; i < y.length; i++) {
      dev[i] = Math.abs(y[i] - med);
    }
    return new double[] {med, ROBUST_SD * median(dev) / med, y.length};
  }

  /** {production, area} of one department-year, or null when the year is not usable. */
  private static double[] yearYield(CropNames crop, Monthly production, Monthly area, String dept,
      int year) {
    double p = 0;
    double a = 0;
    for (String name : crop.area) {
      double[] ps = production.series(dept, name);
      double[] as = area.series(dept, name);
      if (ps == null || as == null) {
        continue;
      }
      for (int m = 0; m < 12; m++) {
        int i = (year - FIRST_YEAR) * 12 + m;
        if (ps[i] > 0 && as[i] > 0) {
          p += ps[i];
          a += as[i];
        }
      }
    }
    if (a < MIN_AREA_HA) {
      return null;
    }
    double y = p / a;
    return y >= crop.yieldLo && y <= crop.yieldHi ? new double[] {p, a} : null;
  }

  private static double[] nationalYield(CropNames crop, Monthly production, Monthly area,
      List<String> departments) {
    List<Double> byYear = new ArrayList<>();
    List<Double> cvs = new ArrayList<>();
    for (int year = FIRST_YEAR; year <= LAST_YEAR; year++) {
      double p = 0;
      double a = 0;
      for (String dept : departments) {
        double[] pa = yearYield(crop, production, area, dept, year);
        if (pa != null) {
          p += pa[0];
          a += pa[1];
        }
      }
      if (a > 0) {
        byYear.add(p / a);
      }
    }
    for (String dept : departments) {
      double[] y = departmentYield(crop, production, area, dept);
      if (y != null) {
        cvs.add(y[1]);
      }
    }
    return new double[] {median(unbox(byYear)), median(unbox(cvs))};
  }

  private static double intraYearCv(Monthly prices, CropNames crop, List<String> depts)
      throws IOException {
    List<Double> cvs = new ArrayList<>();
    for (String dept : depts) {
      double[] merged = prices.merged(dept, crop.price);
      for (int year = FIRST_YEAR; year <= LAST_YEAR; year++) {
        double sum = 0;
        double sumSq = 0;
        int n = 0;
        for (int m = 0; m < 12; m++) {
          double v = merged[(year - FIRST_YEAR) * 12 + m];
          if (v > 0) {
            sum += v;
            sumSq += v * v;
            n++;
          }
        }
        if (n >= MIN_PRICED_MONTHS) {
          double mean = sum / n;
          cvs.add(Math.sqrt(Math.max(0, sumSq / n - mean * mean)) / mean);
        }
      }
    }
    if (cvs.isEmpty()) {
      throw new IOException(PRICES + ": no department-year with " + MIN_PRICED_MONTHS
          + " priced months for " + crop.id);
    }
    return median(unbox(cvs));
  }

  private static double[] yoyLogChanges(Monthly prices, List<String> names, List<String> depts) {
    List<Double> changes = new ArrayList<>();
    for (String dept : depts) {
      double[] merged = prices.merged(dept, names);
      for (int i = 12; i < merged.length; i++) {
        if (merged[i] > 0 && merged[i - 12] > 0) {
          double x = Math.log(merged[i] / merged[i - 12]);
          if (Math.abs(x) <= Math.log(10)) {
            changes.add(x);
          }
        }
      }
    }
    return unbox(changes);
  }

  // ---- ONI -----------------------------------------------------------------------------------

  private static double[] readOni(Path file) throws IOException {
    Csv.Extract t = Csv.Extract.read(file);
    int year = t.column("year");
    int centre = t.column("center_month");
    int anomaly = t.column("oni_anomaly_c");
    List<Double> values = new ArrayList<>();
    YearMonth expected = YearMonth.of(1950, 1);
    for (int r = 0; r < t.rows.size(); r++) {
      String[] row = t.rows.get(r);
      YearMonth ym = YearMonth.of(Integer.parseInt(row[year]), Integer.parseInt(row[centre]));
      if (!ym.equals(expected)) {
        throw new IOException(file + ":" + (r + 2) + ": expected centre month " + expected
            + ", found " + ym + " (the series must be complete)");
      }
      values.add(Double.parseDouble(row[anomaly]));
      expected = expected.plusMonths(1);
    }
    return unbox(values);
  }

  private static ArrayNode elNinoEpisodes(double[] oni) {
    ArrayNode episodes = NODES.arrayNode();
    YearMonth first = YearMonth.of(1950, 1);
    int start = -1;
    for (int i = 0; i <= oni.length; i++) {
      boolean warm = i < oni.length && oni[i] >= 0.5;
      if (warm && start < 0) {
        start = i;
      } else if (!warm && start >= 0) {
        if (i - start >= 5) {
          int peak = start;
          for (int k = start; k < i; k++) {
            peak = oni[k] > oni[peak] ? k : peak;
          }
          ObjectNode e = episodes.addObject();
          e.put("start", first.plusMonths(start).toString());
          e.put("end", first.plusMonths(i - 1).toString());
          e.put("peakMonth", first.plusMonths(peak).toString());
          e.put("peakC", oni[peak]);
          e.put("strength", oni[peak] >= 2.0 ? "very strong" : oni[peak] >= 1.5 ? "strong"
              : oni[peak] >= 1.0 ? "moderate" : "weak");
        }
        start = -1;
      }
    }
    return episodes;
  }

  // ---- helpers -------------------------------------------------------------------------------

  private static double number(Csv.Extract t, String[] row, String column) {
    String cell = row[t.column(column)];
    try {
      return Double.parseDouble(cell);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(t.file + ": column " + column + ": '" + cell
          + "' is not a number", e);
    }
  }

  /** Six significant digits: enough for a calibration, stable across runs. */
  static double round(double x) {
    if (!Double.isFinite(x)) {
      throw new IllegalStateException("derived figure is not finite: " + x);
    }
    return x == 0 ? 0.0 : new BigDecimal(x).round(new MathContext(6)).doubleValue();
  }

  static double median(double[] values) {
    if (values.length == 0) {
      throw new IllegalStateException("median of no values");
    }
    double[] s = values.clone();
    Arrays.sort(s);
    int n = s.length;
    return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
  }

  private static double[] abs(double[] values) {
    double[] a = new double[values.length];
    for (int i = 0; i < a.length; i++) {
      a[i] = Math.abs(values[i]);
    }
    return a;
  }

  private static double shareAtMost(double[] values, double threshold) {
    int n = 0;
    for (double v : values) {
      n += v <= threshold ? 1 : 0;
    }
    return (double) n / values.length;
  }

  private static double[] unbox(List<Double> values) {
    return values.stream().mapToDouble(Double::doubleValue).toArray();
  }

  private static List<JsonNode> strings(List<String> values) {
    List<JsonNode> nodes = new ArrayList<>();
    for (String v : values) {
      nodes.add(NODES.textNode(v));
    }
    return nodes;
  }

  /** One MIDAGRI table: values by department and product, months 2001-01 to 2015-12. */
  private static final class Monthly {
    final Map<String, double[]> series = new HashMap<>();
    final Map<String, boolean[]> reported = new HashMap<>();
    final Map<String, String> displayNames = new HashMap<>();
    int read;
    int kept;

    static Monthly read(Path file, String valueColumn, List<String> departments)
        throws IOException {
      Csv.Extract t = Csv.Extract.read(file);
      int region = t.column("region");
      int year = t.column("year");
      int month = t.column("month");
      int product = t.column("product");
      int value = t.column(valueColumn);
      Monthly m = new Monthly();
      for (int r = 0; r < t.rows.size(); r++) {
        String[] row = t.rows.get(r);
        m.read++;
        String dept = Names.department(row[region]);
        if (!departments.contains(dept)) {
          continue;
        }
        m.kept++;
        m.displayNames.putIfAbsent(dept, row[region].strip());
        String cell = row[value];
        if (cell.isEmpty()) {
          continue;
        }
        int y;
        int mo;
        double v;
        try {
          y = Integer.parseInt(row[year]);
          mo = Integer.parseInt(row[month]);
          v = Double.parseDouble(cell);
        } catch (NumberFormatException e) {
          throw new IOException(file + ":" + (r + 2) + ": not a number in year, month or "
              + valueColumn, e);
        }
        if (y < FIRST_YEAR || y > LAST_YEAR || mo < 1 || mo > 12) {
          throw new IOException(file + ":" + (r + 2) + ": year-month " + y + "-" + mo
              + " outside " + FIRST_YEAR + "-" + LAST_YEAR);
        }
        String key = dept + "|" + Names.product(row[product]);
        int at = (y - FIRST_YEAR) * 12 + mo - 1;
        boolean[] seen = m.reported.computeIfAbsent(key, k -> new boolean[YEARS * 12]);
        if (seen[at]) {
          throw new IOException(file + ":" + (r + 2) + ": " + key + " " + y + "-" + mo
              + " reported twice");
        }
        seen[at] = true;
        if (v > 0) {
          m.series.computeIfAbsent(key, k -> new double[YEARS * 12])[at] = v;
        }
      }
      for (String dept : departments) {
        if (!m.displayNames.containsKey(dept)) {
          throw new IOException(file + ": no rows for department " + dept);
        }
      }
      return m;
    }

    double[] series(String dept, String product) {
      return series.get(dept + "|" + product);
    }

    String displayName(String dept) {
      return displayNames.get(dept);
    }

    /** Sum of positive values over the products and years. */
    double total(String dept, List<String> products, int fromYear, int toYear) {
      double sum = 0;
      for (String p : products) {
        double[] s = series(dept, p);
        if (s != null) {
          for (int i = (fromYear - FIRST_YEAR) * 12; i < (toYear - FIRST_YEAR + 1) * 12; i++) {
            sum += s[i];
          }
        }
      }
      return sum;
    }

    /**
     * One price per month for a crop with several product names: the mean of the names priced
     * that month (maize's two kinds), 0 when none is.
     */
    double[] merged(String dept, List<String> products) {
      double[] sum = new double[YEARS * 12];
      int[] count = new int[YEARS * 12];
      for (String p : products) {
        double[] s = series(dept, p);
        if (s != null) {
          for (int i = 0; i < s.length; i++) {
            if (s[i] > 0) {
              sum[i] += s[i];
              count[i]++;
            }
          }
        }
      }
      for (int i = 0; i < sum.length; i++) {
        sum[i] = count[i] > 0 ? sum[i] / count[i] : 0;
      }
      return sum;
    }

    /** Every positive merged monthly value of the departments in the years. */
    double[] values(List<String> products, List<String> depts, int fromYear, int toYear) {
      List<Double> out = new ArrayList<>();
      for (String dept : depts) {
        double[] merged = merged(dept, products);
        for (int i = (fromYear - FIRST_YEAR) * 12; i < (toYear - FIRST_YEAR + 1) * 12; i++) {
          if (merged[i] > 0) {
            out.add(merged[i]);
          }
        }
      }
      return unbox(out);
    }
  }

  /** The SENAMHI weather table, by department, months 1986-01 to 2015-12. */
  private static final class Weather {
    static final int MONTHS = (LAST_YEAR - WEATHER_FIRST_YEAR + 1) * 12;
    final Map<String, double[][]> columns = new HashMap<>();
    int read;
    int kept;
    static final String[] USED = {"precip_piscop_sum", "spei_piscop_3", "temp_min",
        "temp_min_dev"};

    static Weather read(Path file, List<String> departments) throws IOException {
      Csv.Extract t = Csv.Extract.read(file);
      int dep = t.column("DEPARTAMEN");
      int year = t.column("year");
      int month = t.column("month");
      int[] cols = new int[USED.length];
      for (int c = 0; c < USED.length; c++) {
        cols[c] = t.column(USED[c]);
      }
      Weather w = new Weather();
      Map<String, boolean[]> seen = new HashMap<>();
      for (int r = 0; r < t.rows.size(); r++) {
        String[] row = t.rows.get(r);
        w.read++;
        String dept = Names.department(row[dep]);
        if (!departments.contains(dept)) {
          continue;
        }
        w.kept++;
        int i = (Integer.parseInt(row[year]) - WEATHER_FIRST_YEAR) * 12
            + Integer.parseInt(row[month]) - 1;
        if (i < 0 || i >= MONTHS) {
          throw new IOException(file + ":" + (r + 2) + ": month outside 1986-2015");
        }
        double[][] d = w.columns.computeIfAbsent(dept, k -> new double[USED.length][MONTHS]);
        boolean[] s = seen.computeIfAbsent(dept, k -> new boolean[MONTHS]);
        if (s[i]) {
          throw new IOException(file + ":" + (r + 2) + ": " + dept + " month repeated");
        }
        s[i] = true;
        for (int c = 0; c < USED.length; c++) {
          String cell = row[cols[c]];
          if (cell.isEmpty()) {
            throw new IOException(file + ":" + (r + 2) + ": " + USED[c] + " is empty");
          }
          d[c][i] = Double.parseDouble(cell);
        }
      }
      for (String dept : departments) {
        boolean[] s = seen.get(dept);
        for (int i = 0; i < MONTHS; i++) {
          if (s == null || !s[i]) {
            throw new IOException(file + ": department " + dept + " lacks "
                + YearMonth.of(WEATHER_FIRST_YEAR, 1).plusMonths(i));
          }
        }
      }
      return w;
    }

    void describe(String dept, double[] oni, ObjectNode d) {
      double[][] c = columns.get(dept);
      double[] precip = c[0];
      double[] spei = c[1];
      double[] tmin = c[2];
      double[] tminDev = c[3];
      int years = MONTHS / 12;

      ObjectNode rain = d.putObject("rainfall");
      ArrayNode mean = rain.putArray("monthlyMeanMm");
      ArrayNode sd = rain.putArray("monthlySdMm");
      double annual = 0;
      double coldest = Double.POSITIVE_INFINITY;
      for (int m = 0; m < 12; m++) {
        double s = 0;
        double t = 0;
        for (int y = 0; y < years; y++) {
          s += precip[y * 12 + m];
          t += tmin[y * 12 + m];
        }
        double mu = s / years;
        double ss = 0;
        for (int y = 0; y < years; y++) {
          ss += (precip[y * 12 + m] - mu) * (precip[y * 12 + m] - mu);
        }
        mean.add(round(mu));
        sd.add(round(Math.sqrt(ss / (years - 1))));
        annual += mu;
        coldest = Math.min(coldest, t / years);
      }
      rain.put("annualMeanMm", round(annual));

      // ONI index of 1986-01 in a series starting 1950-01.
      int offset = (WEATHER_FIRST_YEAR - 1950) * 12;
      double mx = 0;
      double my = 0;
      for (int i = 0; i < MONTHS; i++) {
        mx += oni[offset + i];
        my += spei[i];
      }
      mx /= MONTHS;
      my /= MONTHS;
      double sxy = 0;
      double sxx = 0;
      for (int i = 0; i < MONTHS; i++) {
        sxy += (oni[offset + i] - mx) * (spei[i] - my);
        sxx += (oni[offset + i] - mx) * (oni[offset + i] - mx);
      }
      double slope = sxy / sxx;
      double[] resid = new double[MONTHS];
      double rss = 0;
      for (int i = 0; i < MONTHS; i++) {
        resid[i] = spei[i] - my - slope * (oni[offset + i] - mx);
        rss += resid[i] * resid[i];
      }
      double lag = 0;
      for (int i = 1; i < MONTHS; i++) {
        lag += resid[i] * resid[i - 1];
      }
      ObjectNode drought = d.putObject("drought");
      drought.put("spei3DroughtShare", round(shareAtMost(spei, -1)));
      drought.put("spei3OniSlope", round(slope));
      drought.put("spei3ResidualSd", round(Math.sqrt(rss / (MONTHS - 2))));
      drought.put("spei3Lag1Autocorr", round(lag / rss));

      ObjectNode cold = d.putObject("cold");
      cold.put("coldestMonthTminC", round(coldest));
      int coldMonths = 0;
      for (double t : tmin) {
        coldMonths += t < 3 ? 1 : 0;
      }
      cold.put("coldMonthShare", round((double) coldMonths / MONTHS));
      cold.put("coldShockShare", round(shareAtMost(tminDev, -1)));

      double jfm = 0;
      for (int y = 0; y < years; y++) {
        jfm += precip[y * 12] + precip[y * 12 + 1] + precip[y * 12 + 2];
      }
      jfm /= years;
      int i1998 = (1998 - WEATHER_FIRST_YEAR) * 12;
      double jfm1998 = precip[i1998] + precip[i1998 + 1] + precip[i1998 + 2];
      d.putObject("elNino").put("jfm1998RainRatio", round(jfm1998 / jfm));
    }
  }
}
