package pe.agriscore.samples.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FarmerCsvTest {

  private static final String HEADER = "applicant_id,as_of_date,department,natural_region,"
      + "main_crop,altitude_m,farm_size_ha,irrigated,land_title,crops_grown,years_farming,"
      + "household_size,education,cooperative_member,mobile_money_months,prior_loans_count,"
      + "prior_on_time_share,prior_max_days_past_due,yield_t_ha,yield_ratio,yield_trend_pct,"
      + "yield_cv,rainfall_anomaly_pct,drought_index,frost_days_per_year,oni_c,"
      + "el_nino_flood_exposure,farmgate_price_pen_kg,price_change_12m_pct,"
      + "price_volatility_cv,off_farm_income_share,distance_to_market_km,default_12m";

  /** A thin-file bank export row without true_pd, in the documented column order. */
  private static final String BANK_ROW = "BANK-17,2016-04-30,puno,sierra,quinoa,3850.0,0.8,"
      + "false,true,3.0,22.0,5.0,primary,true,0.0,,,,1.05,0.946,-2.5,0.31,-35.0,-1.4,190.0,"
      + "1.6,0.0,4.1,-38.0,0.2,0.15,31.5,1";

  @Test
  void writesTheDocumentedHeaderAndReadsBackEqualRecords(@TempDir Path dir) throws IOException {
    List<FarmerRecord> records =
        FarmerDataGenerator.builder().seed(77).rows(3_000).build().generate();
    Path file = dir.resolve("farmers.csv");
    FarmerCsv.write(records, file);
    List<String> lines = Files.readAllLines(file);
    assertEquals(HEADER + ",true_pd", lines.get(0));
    assertEquals(3_001, lines.size());

    List<FarmerRecord> back = FarmerCsv.read(file);
    assertEquals(records.size(), back.size());
    for (int i = 0; i < records.size(); i++) {
      FarmerRecord a = records.get(i);
      FarmerRecord b = back.get(i);
      assertEquals(a.request(), b.request(), a.applicantId());
      assertEquals(a.defaulted(), b.defaulted(), a.applicantId());
      assertEquals(Double.doubleToLongBits(a.truePd()), Double.doubleToLongBits(b.truePd()));
      assertEquals(a, b);
      // The columns alone determine the true PD: nothing hidden was lost in the file.
      assertEquals(b.truePd(), FarmerRiskModel.probability(b.request()), 0, a.applicantId());
    }
  }

  @Test
  void thinFileHistoryIsWrittenAsEmptyCells(@TempDir Path dir) throws IOException {
    List<FarmerRecord> records =
        FarmerDataGenerator.builder().seed(78).rows(200).build().generate();
    Path file = dir.resolve("farmers.csv");
    FarmerCsv.write(records, file);
    List<String> header = List.of(HEADER.split(","));
    int count = header.indexOf("prior_loans_count");
    List<String> lines = Files.readAllLines(file);
    int thin = 0;
    for (int i = 0; i < records.size(); i++) {
      String[] cells = lines.get(i + 1).split(",", -1);
      if (records.get(i).thinFile()) {
        thin++;
        assertEquals("", cells[count]);
        assertEquals("", cells[count + 1]);
        assertEquals("", cells[count + 2]);
      } else {
        assertFalse(cells[count].isEmpty());
        assertFalse(cells[count].equals("0") || cells[count].equals("0.0"));
      }
      assertTrue(cells[header.indexOf("irrigated")].matches("true|false"));
      assertTrue(cells[header.indexOf("default_12m")].matches("[01]"));
    }
    assertTrue(thin > 0, "the sample has thin files");
  }

  @Test
  void readsABankExportWithoutTruePd(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("bank.csv");
    Files.writeString(file, HEADER + "\n" + BANK_ROW + "\n");
    List<FarmerRecord> back = FarmerCsv.read(file);
    assertEquals(1, back.size());
    FarmerRecord r = back.get(0);
    assertEquals("BANK-17", r.applicantId());
    assertEquals("puno", r.department());
    assertEquals("quinoa", r.mainCrop());
    assertTrue(r.defaulted());
    assertTrue(r.thinFile());
    assertFalse(r.hasTruePd());
    assertNull(r.request().get("prior_on_time_share"));
    assertEquals(-1.4, (Double) r.request().get("drought_index"));

    // Columns are found by name: the same row with two columns swapped reads the same.
    String swappedHeader = HEADER.replace("department,natural_region", "natural_region,department");
    String swappedRow = BANK_ROW.replace("puno,sierra", "sierra,puno");
    Files.writeString(file, swappedHeader + "\n" + swappedRow + "\n");
    assertEquals(r, FarmerCsv.read(file).get(0));
  }

  @Test
  void badRowsAreRefusedWithLineAndColumn(@TempDir Path dir) throws IOException {
    assertRefused(dir, HEADER + "\n" + BANK_ROW.replace("false,true,3.0", "no,true,3.0"),
        ":2: irrigated must be true or false, got 'no'");
    assertRefused(dir, HEADER + "\n" + BANK_ROW.replace(",3850.0,", ",high,"),
        ":2: altitude_m 'high' is not a number");
    assertRefused(dir, HEADER + "\n" + BANK_ROW.replace(",3850.0,", ",9000.0,"),
        "altitude_m");
    assertRefused(dir, HEADER + "\n" + BANK_ROW.replace("puno,sierra", "lima_metro,sierra"),
        "UNKNOWN_CATEGORY");
    assertRefused(dir, HEADER + "\n" + BANK_ROW.substring(0, BANK_ROW.length() - 1) + "2",
        ":2: default_12m must be 0 or 1, got '2'");
    assertRefused(dir, HEADER + "\n" + BANK_ROW.replace(",0.8,false", ",,false"),
        "farm_size_ha");
    assertRefused(dir, HEADER + ",branch\n" + BANK_ROW + ",Juliaca",
        ":1: unknown column 'branch'");
    assertRefused(dir, HEADER.replace(",oni_c", "") + "\n" + BANK_ROW,
        ":1: missing column 'oni_c'");
    assertRefused(dir, HEADER + "\n" + BANK_ROW + "\n" + BANK_ROW.replace("2016-04-30", "30/04"),
        ":3: as_of_date '30/04' is not an ISO date");
    assertRefused(dir, HEADER + ",true_pd\n" + BANK_ROW + ",1.5",
        ":2: true_pd 1.5 is outside [0, 1]");
  }

  private static void assertRefused(Path dir, String content, String expected)
      throws IOException {
    Path file = dir.resolve("bad.csv");
    Files.writeString(file, content + "\n");
    IOException e = assertThrows(IOException.class, () -> FarmerCsv.read(file));
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }

  @Test
  void generatedAndRealRecordsDoNotMix(@TempDir Path dir) throws IOException {
    Path bank = dir.resolve("bank.csv");
    Files.writeString(bank, HEADER + "\n" + BANK_ROW + "\n");
    List<FarmerRecord> mixed = new ArrayList<>(FarmerCsv.read(bank));
    mixed.addAll(FarmerDataGenerator.builder().rows(2).build().generate());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> FarmerCsv.write(mixed, dir.resolve("mixed.csv")));
    assertTrue(e.getMessage().contains("true_pd"), e.getMessage());

    Path real = dir.resolve("real.csv");
    FarmerCsv.write(FarmerCsv.read(bank), real);
    assertEquals(HEADER, Files.readAllLines(real).get(0), "no true_pd column for real data");
  }
}
