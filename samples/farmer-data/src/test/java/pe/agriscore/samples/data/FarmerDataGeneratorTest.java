package pe.agriscore.samples.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pe.agriscore.internal.bundle.Encoder;
import pe.agriscore.schema.FeatureSchema;
import pe.agriscore.schema.Preprocessing;
import pe.agriscore.scoring.ScoringRequest;

class FarmerDataGeneratorTest {

  private static final int ROWS = 50_000;
  private static final Set<String> NORTH_COAST =
      Set.of("tumbes", "piura", "lambayeque", "la_libertad");
  private static List<FarmerRecord> records;

  @BeforeAll
  static void generate() {
    records = FarmerDataGenerator.builder().seed(2024).rows(ROWS).build().generate();
  }

  private static double num(FarmerRecord r, String feature) {
    return (Double) r.request().get(feature);
  }

  private static boolean flag(FarmerRecord r, String feature) {
    return (Boolean) r.request().get(feature);
  }

  /** {default rate, rows} of the records matching {@code filter}. */
  private static double[] rate(Predicate<FarmerRecord> filter) {
    int n = 0;
    int bad = 0;
    for (FarmerRecord r : records) {
      if (filter.test(r)) {
        n++;
        bad += r.defaulted() ? 1 : 0;
      }
    }
    return new double[] {n == 0 ? Double.NaN : (double) bad / n, n};
  }

  private static double gap(Predicate<FarmerRecord> group, Predicate<FarmerRecord> a,
      Predicate<FarmerRecord> b) {
    double[] ra = rate(group.and(a));
    double[] rb = rate(group.and(b));
    assertTrue(ra[1] >= 300 && rb[1] >= 300, "enough rows to compare: " + ra[1] + ", " + rb[1]);
    return ra[0] - rb[0];
  }

  @Test
  void sameSeedGivesByteIdenticalCsvAndRowsDoNotDependOnCount(@TempDir Path dir)
      throws Exception {
    Path a = dir.resolve("a.csv");
    Path b = dir.resolve("b.csv");
    Path c = dir.resolve("c.csv");
    FarmerCsv.write(FarmerDataGenerator.builder().seed(9).rows(3_000).build().generate(), a);
    FarmerCsv.write(FarmerDataGenerator.builder().seed(9).rows(3_000).build().generate(), b);
    FarmerCsv.write(FarmerDataGenerator.builder().seed(10).rows(3_000).build().generate(), c);
    assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b));
    assertFalse(java.util.Arrays.equals(Files.readAllBytes(a), Files.readAllBytes(c)));

    FarmerDataGenerator big = FarmerDataGenerator.builder().seed(9).rows(3_000).build();
    List<FarmerRecord> small = FarmerDataGenerator.builder().seed(9).rows(200).build().generate();
    for (int i = 0; i < small.size(); i++) {
      assertEquals(big.record(i), small.get(i));
    }
  }

  @Test
  void everyRequestValidatesAgainstTheSchema() {
    FeatureSchema schema = FarmerSchema.schema();
    List<ScoringRequest> requests = records.stream().map(FarmerRecord::request).toList();
    Encoder encoder = Encoder.compile(schema, Preprocessing.fitStandard(schema, requests));
    for (ScoringRequest r : requests) {
      assertEquals(List.of(), encoder.validate(r), r.applicantId());
      assertEquals(schema.featureNames(), List.copyOf(r.values().keySet()), "schema order");
    }
  }

  @Test
  void defaultRateIsRealisticAndMatchesTheTruePd() {
    double[] all = rate(r -> true);
    assertTrue(all[0] >= 0.08 && all[0] <= 0.12, "default rate " + all[0]);
    double meanPd = records.stream().mapToDouble(FarmerRecord::truePd).average().orElseThrow();
    // The outcome is a Bernoulli draw of the true PD: the rate is within 4 standard errors.
    double se = Math.sqrt(meanPd * (1 - meanPd) / ROWS);
    assertEquals(meanPd, all[0], 4 * se);
  }

  @Test
  void truePdIsAFunctionOfTheObservedFeaturesAlone() {
    for (FarmerRecord r : records.subList(0, 5_000)) {
      assertEquals(r.truePd(), FarmerRiskModel.probability(r.request()), 0, r.applicantId());
    }
  }

  @Test
  void oracleAucIsInTheIntendedRange() {
    double[] pd = records.stream().mapToDouble(FarmerRecord::truePd).toArray();
    boolean[] bad = new boolean[ROWS];
    for (int i = 0; i < ROWS; i++) {
      bad[i] = records.get(i).defaulted();
    }
    double auc = Auc.of(pd, bad);
    assertTrue(auc >= 0.78 && auc <= 0.87, "oracle AUC " + auc);
  }

  @Test
  void thinFileApplicantsHaveMissingHistoryNeverZero() {
    int thin = 0;
    for (FarmerRecord r : records) {
      ScoringRequest q = r.request();
      if (r.thinFile()) {
        thin++;
        for (String f : List.of("prior_loans_count", "prior_on_time_share",
            "prior_max_days_past_due")) {
          assertTrue(q.has(f), "explicitly missing, not absent: " + f);
          assertNull(q.get(f), f);
        }
      } else {
        assertTrue(num(r, "prior_loans_count") >= 1, r.applicantId());
        assertTrue(q.get("prior_on_time_share") instanceof Double, r.applicantId());
        assertTrue(q.get("prior_max_days_past_due") instanceof Double, r.applicantId());
      }
    }
    double share = (double) thin / ROWS;
    assertTrue(share > 0.25 && share < 0.55, "thin-file share " + share);
    assertTrue(gap(r -> true, FarmerRecord::thinFile, r -> !r.thinFile()) > 0.02,
        "thin files default more than applicants with a history");
  }

  @Test
  void droughtHurtsRainFedFarmsFarMoreThanIrrigatedOnes() {
    double underDrought = gap(r -> num(r, "drought_index") < -1.2,
        r -> !flag(r, "irrigated"), r -> flag(r, "irrigated"));
    double withoutDrought = gap(r -> num(r, "drought_index") > 0,
        r -> !flag(r, "irrigated"), r -> flag(r, "irrigated"));
    assertTrue(underDrought > 0.12, "gap under drought " + underDrought);
    assertTrue(underDrought > 3 * withoutDrought,
        "gap under drought " + underDrought + " vs without " + withoutDrought);
  }

  @Test
  void priceCollapseHurtsSingleCropFarms() {
    Predicate<FarmerRecord> single = r -> num(r, "crops_grown") == 1;
    double collapse = gap(r -> num(r, "price_change_12m_pct") < -30, single, single.negate());
    double rising = gap(r -> num(r, "price_change_12m_pct") > 0, single, single.negate());
    assertTrue(collapse > 0.06, "single-crop penalty in a collapse " + collapse);
    assertTrue(collapse > rising + 0.06, "collapse " + collapse + " vs rising prices " + rising);
  }

  @Test
  void elNinoHurtsTheNorthernCoast() {
    Predicate<FarmerRecord> northCoast =
        r -> NORTH_COAST.contains(r.department()) && r.naturalRegion().equals("costa");
    Predicate<FarmerRecord> strong = r -> num(r, "oni_c") >= 1.5;
    Predicate<FarmerRecord> neutral = r -> num(r, "oni_c") < 0.5;
    double coast = gap(northCoast, strong, neutral);
    double elsewhere = gap(northCoast.negate(), strong, neutral);
    assertTrue(coast > 0.04, "north coast El Nino effect " + coast);
    assertTrue(coast > elsewhere + 0.04, "north coast " + coast + " vs elsewhere " + elsewhere);

    double coastExposure = records.stream().filter(northCoast)
        .mapToDouble(r -> num(r, "el_nino_flood_exposure")).average().orElseThrow();
    double sierraExposure = records.stream().filter(r -> r.naturalRegion().equals("sierra"))
        .mapToDouble(r -> num(r, "el_nino_flood_exposure")).average().orElseThrow();
    assertTrue(coastExposure > 0.4 && sierraExposure < 0.05,
        "exposure north coast " + coastExposure + ", sierra " + sierraExposure);
  }

  @Test
  void monotoneEffectsShowInTheOutcome() {
    assertTrue(gap(r -> true, r -> !flag(r, "cooperative_member"),
        r -> flag(r, "cooperative_member")) > 0.01, "cooperatives");
    assertTrue(gap(r -> true, r -> num(r, "mobile_money_months") == 0,
        r -> num(r, "mobile_money_months") >= 12) > 0.02, "mobile money");
    assertTrue(gap(r -> !r.thinFile(), r -> num(r, "prior_on_time_share") < 0.8,
        r -> num(r, "prior_on_time_share") >= 0.97) > 0.1, "repayment history");
    assertTrue(gap(r -> true, r -> num(r, "off_farm_income_share") < 0.1,
        r -> num(r, "off_farm_income_share") >= 0.35) > 0.03, "off-farm income");
    assertTrue(gap(r -> true, r -> num(r, "yield_cv") >= 0.27,
        r -> num(r, "yield_cv") < 0.15) > 0.03, "yield volatility");
    assertTrue(gap(r -> true, r -> num(r, "farm_size_ha") < 0.7,
        r -> num(r, "farm_size_ha") >= 3) > 0.03, "farm size");
  }

  @Test
  void farmsLookLikePeru() {
    Map<String, Integer> regionCrop = new HashMap<>();
    for (FarmerRecord r : records) {
      regionCrop.merge(r.naturalRegion() + "/" + r.mainCrop(), 1, Integer::sum);
      double altitude = num(r, "altitude_m");
      switch (r.naturalRegion()) {
        case "costa" -> assertTrue(altitude <= 1800, r.applicantId() + " coast " + altitude);
        case "sierra" -> assertTrue(altitude >= 1500, r.applicantId() + " Andes " + altitude);
        default -> assertTrue(altitude <= 2400, r.applicantId() + " Amazon " + altitude);
      }
      if (r.naturalRegion().equals("costa")) {
        assertEquals(0.0, num(r, "frost_days_per_year"), 2.0, "no frost on the coast");
      }
    }
    assertNull(regionCrop.get("costa/coffee"), "coffee does not grow on the coast");
    assertNull(regionCrop.get("selva/quinoa"), "quinoa does not grow in the Amazon");
    assertTrue(regionCrop.getOrDefault("sierra/potato", 0) > ROWS / 10, "Andean potato");
    double puno = records.stream().filter(r -> r.department().equals("puno"))
        .mapToDouble(r -> num(r, "frost_days_per_year")).average().orElseThrow();
    double sanMartin = records.stream().filter(r -> r.department().equals("san_martin"))
        .mapToDouble(r -> num(r, "frost_days_per_year")).average().orElseThrow();
    assertTrue(puno > 100 && sanMartin < 5, "frost Puno " + puno + ", San Martin " + sanMartin);
    for (FarmerRecord r : records) {
      LocalDate d = r.asOfDate();
      assertFalse(d.isBefore(FarmerDataGenerator.DEFAULT_FROM) || d.isAfter(
          FarmerDataGenerator.DEFAULT_TO), r.applicantId() + " as of " + d);
    }
  }

  @Test
  void builderRefusesBadOptions() {
    assertThrows(IllegalArgumentException.class,
        () -> FarmerDataGenerator.builder().rows(-1));
    assertThrows(IllegalArgumentException.class, () -> FarmerDataGenerator.builder()
        .asOfRange(LocalDate.of(2016, 1, 1), LocalDate.of(2015, 1, 1)));
    IllegalArgumentException noOni = assertThrows(IllegalArgumentException.class,
        () -> FarmerDataGenerator.builder()
            .asOfRange(LocalDate.of(2030, 1, 1), LocalDate.of(2030, 6, 1)).build());
    assertTrue(noOni.getMessage().contains("ONI"), noOni.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> FarmerDataGenerator.builder().idPrefix("a,b"));
  }

  @Test
  void commandLineWritesCsvSchemaAndSummary(@TempDir Path dir) throws Exception {
    Path csv = dir.resolve("farmers.csv");
    Path schema = dir.resolve("schema.json");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status = FarmerDataGenerator.run(new String[] {"--rows", "2000", "--seed", "5", "--out",
        csv.toString(), "--schema-out", schema.toString(), "--from", "2015-01-01"},
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    assertEquals(0, status, err.toString(StandardCharsets.UTF_8));
    String summary = out.toString(StandardCharsets.UTF_8);
    assertTrue(summary.contains("rows 2,000") && summary.contains("oracle AUC"), summary);
    assertEquals(2000, FarmerCsv.read(csv).size());
    assertEquals(FarmerSchema.schema(), FeatureSchema.read(schema));
    assertTrue(FarmerCsv.read(csv).stream().allMatch(r -> r.asOfDate().getYear() >= 2015));

    ByteArrayOutputStream bad = new ByteArrayOutputStream();
    assertEquals(2, FarmerDataGenerator.run(new String[] {"--rows", "ten", "--out", "x.csv"},
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
        new PrintStream(bad, true, StandardCharsets.UTF_8)));
    assertTrue(bad.toString(StandardCharsets.UTF_8).contains("usage"));
  }
}
