package pe.agriscore.samples.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CalibrationTest {

  private static JsonNode committed() throws IOException {
    try (InputStream in = CalibrationDeriver.class.getResourceAsStream(
        CalibrationDeriver.RESOURCE)) {
      assertTrue(in != null, "the calibration resource is committed");
      return new ObjectMapper().readTree(in);
    }
  }

  /** The reference data, where the checkout sits next to {@code shared/}. */
  private static Path sharedData() {
    Path module = Path.of("").toAbsolutePath();
    Path repoRoot = module.getParent().getParent();
    return repoRoot.resolveSibling("shared").resolve("data").resolve("peru");
  }

  @Test
  void committedFiguresEqualAFreshDerivationFromTheSharedData() throws IOException {
    Path data = sharedData();
    boolean present = Files.isRegularFile(data.resolve(CalibrationDeriver.PRODUCTION));
    // CI always has the shared data: there its absence is a broken checkout, not a reason to skip.
    assertTrue(present || System.getenv("CI") == null,
        "reference data not present at " + data + " (CI is set)");
    assumeTrue(present, "reference data not present at " + data + "; re-derivation skipped");
    ObjectNode fresh = CalibrationDeriver.derive(data, LocalDate.of(2000, 1, 1));
    ObjectNode expected = committed().deepCopy();
    fresh.remove("derivedOn");
    expected.remove("derivedOn");
    assertEquals(expected, fresh, "re-run CalibrationDeriver and commit the new JSON");
    // The text form is stable too, so a re-run produces no diff beyond the date.
    assertEquals(CalibrationDeriver.toJson(expected), CalibrationDeriver.toJson(fresh));
  }

  @Test
  void derivedTotalsMatchTheSanityTotalsOfTheDataReadme() throws IOException {
    // README of the reference data: potato 4.70 Mt in 2014 and 2015, quinoa 114.7 kt in 2014,
    // coffee 222 kt in 2014, rice 3.12 Mt in 2015.
    JsonNode totals = committed().path("nationalProductionTonnes");
    assertEquals(4.70e6, totals.path("potato").path("2014").asDouble(), 0.01 * 4.70e6);
    assertEquals(4.70e6, totals.path("potato").path("2015").asDouble(), 0.01 * 4.70e6);
    assertEquals(114.7e3, totals.path("quinoa").path("2014").asDouble(), 0.01 * 114.7e3);
    assertEquals(222e3, totals.path("coffee").path("2014").asDouble(), 0.01 * 222e3);
    assertEquals(3.12e6, totals.path("rice").path("2015").asDouble(), 0.01 * 3.12e6);
  }

  @Test
  void figuresAgreeWithWhatIsKnownAboutPeru() throws IOException {
    JsonNode c = committed();
    JsonNode d = c.path("departments");
    assertEquals(FarmerSchema.DEPARTMENTS.size(), d.size());
    // 1997-98 El Nino: torrential rain on the northern coast, none to speak of in the Andes.
    for (String north : List.of("tumbes", "piura", "lambayeque")) {
      assertTrue(d.path(north).path("elNino").path("jfm1998RainRatio").asDouble() > 4, north);
    }
    for (String andes : List.of("puno", "cusco", "apurimac", "huancavelica")) {
      assertTrue(d.path(andes).path("elNino").path("jfm1998RainRatio").asDouble() < 1.3, andes);
    }
    // Puno's altiplano is the coldest farmland, Loreto's Amazon the wettest of these.
    assertTrue(d.path("puno").path("cold").path("coldMonthShare").asDouble() > 0.5);
    assertEquals(0.0, d.path("loreto").path("cold").path("coldMonthShare").asDouble());
    assertTrue(d.path("loreto").path("rainfall").path("annualMeanMm").asDouble()
        > 5 * d.path("ica").path("rainfall").path("annualMeanMm").asDouble());
    // Lambayeque is coastal rice country; Puno grows potato and quinoa.
    assertTrue(d.path("lambayeque").path("regionShares").path("costa").asDouble() > 0.9);
    assertTrue(d.path("lambayeque").path("cropAreaShare").path("rice").asDouble() > 0.5);
    assertTrue(d.path("puno").path("cropAreaShare").path("quinoa").asDouble() > 0.2);
    // Yields in t/ha of the right order: potato around 10-20, rice around 7, quinoa around 1.
    JsonNode crops = c.path("crops");
    assertBetween(crops.path("potato").path("nationalYieldTHa").asDouble(), 8, 20);
    assertBetween(crops.path("rice").path("nationalYieldTHa").asDouble(), 5, 9);
    assertBetween(crops.path("quinoa").path("nationalYieldTHa").asDouble(), 0.7, 1.8);
    // Farm-gate prices in soles per kg: coffee and cocoa far above potato.
    assertTrue(crops.path("coffee").path("medianPricePenKg").asDouble()
        > 4 * crops.path("potato").path("medianPricePenKg").asDouble());
    boolean strong9798 = false;
    boolean strong1516 = false;
    for (JsonNode e : c.path("elNinoEpisodes")) {
      boolean veryStrong = e.path("strength").asText().equals("very strong");
      strong9798 |= e.path("peakMonth").asText().startsWith("1997") && veryStrong;
      strong1516 |= e.path("peakMonth").asText().startsWith("2015") && veryStrong;
    }
    assertTrue(strong9798 && strong1516, "the 1997-98 and 2015-16 El Ninos are very strong");
  }

  @Test
  void everyFigureGroupStatesItsProvenance() throws IOException {
    JsonNode p = committed().path("provenance");
    for (String group : List.of("regionShares", "cropProductionShare", "cropAreaShare", "yield",
        "assumedYield", "prices", "rainfall", "drought", "cold", "elNino")) {
      assertTrue(p.path(group).asText().length() > 40, "provenance of " + group);
    }
    assertTrue(committed().path("derivedOn").asText().matches("\\d{4}-\\d{2}-\\d{2}"));
  }

  @Test
  void bundledCalibrationLoadsAndBadJsonIsRefusedByName() throws IOException {
    Calibration cal = Calibration.bundled();
    assertEquals(FarmerSchema.CROPS.size(), cal.crops().size());
    assertEquals(2.4, cal.oni(java.time.YearMonth.of(1997, 12)), 0.3);
    assertThrows(IllegalArgumentException.class,
        () -> cal.oni(cal.oniLast().plusMonths(1)));

    ObjectNode broken = committed().deepCopy();
    ((ObjectNode) broken.path("crops").path("rice")).remove("yieldCv");
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> Calibration.fromJson(broken));
    assertTrue(e.getMessage().contains("yieldCv"), e.getMessage());
  }

  @Test
  void shareFiguresAreProperDistributions() throws IOException {
    Iterator<Map.Entry<String, JsonNode>> it = committed().path("departments").fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> dept = it.next();
      for (String group : List.of("regionShares", "cropAreaShare", "cropProductionShare")) {
        double sum = 0;
        for (JsonNode v : dept.getValue().path(group)) {
          assertTrue(v.asDouble() >= 0, dept.getKey() + " " + group);
          sum += v.asDouble();
        }
        assertEquals(1.0, sum, 1e-4, dept.getKey() + " " + group);
      }
    }
  }

  private static void assertBetween(double value, double lo, double hi) {
    assertTrue(value >= lo && value <= hi, value + " outside [" + lo + ", " + hi + "]");
  }
}
