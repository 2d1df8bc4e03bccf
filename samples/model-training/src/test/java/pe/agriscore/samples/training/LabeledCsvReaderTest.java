package pe.agriscore.samples.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;
import pe.agriscore.schema.FeatureSchema;
import pe.agriscore.testing.TestBundles;

/**
 * A bank's own export read with its hand-written schema (the scoring API's six-feature test
 * schema): valid files load exactly, and every kind of bad file is refused naming the line and
 * column of each problem.
 */
class LabeledCsvReaderTest {

  private static final FeatureSchema SCHEMA = TestBundles.schema();
  private static final String HEADER = "applicant_id,as_of_date,farm_size_ha,yield_ratio,"
      + "drought_index,main_crop,irrigated,prior_loans_repaid_share,default_12m";
  private static final String GOOD = "PE-1,2016-03-01,2.5,0.9,-1.2,potato,false,0.75,0";

  private static LabeledData read(String csv) throws IOException {
    return LabeledCsvReader.forSchema(SCHEMA)
        .read(new BufferedReader(new StringReader(csv)), "bank.csv");
  }

  private static DataFileException rejected(String csv) {
    return assertThrows(DataFileException.class, () -> read(csv));
  }

  private static void assertProblem(DataProblem p, long line, String column, String rule) {
    assertEquals(line, p.line(), p.toString());
    assertEquals(column, p.column(), p.toString());
    assertEquals(rule, p.rule(), p.toString());
  }

  @Test
  void readsValuesMissingCellsQuotesAndTruePd() throws IOException {
    LabeledData data = read(HEADER + ",true_pd\n"
        + GOOD + ",0.125\n"
        + "\"PE-2, annex\",2015-12-31,0.05,3,4,\"rice\",TRUE,,1,\n");
    assertEquals(2, data.size());
    LabeledRow first = data.rows().get(0);
    assertEquals(2, first.line());
    assertEquals("PE-1", first.request().applicantId());
    assertEquals(LocalDate.of(2016, 3, 1), first.request().asOfDate());
    assertEquals(2.5, first.request().get("farm_size_ha"));
    assertEquals(-1.2, first.request().get("drought_index"));
    assertEquals("potato", first.request().get("main_crop"));
    assertEquals(false, first.request().get("irrigated"));
    assertEquals(0.75, first.request().get("prior_loans_repaid_share"));
    assertEquals(0, first.defaulted());
    assertEquals(0.125, first.truePd());
    LabeledRow second = data.rows().get(1);
    assertEquals("PE-2, annex", second.request().applicantId());
    assertEquals(true, second.request().get("irrigated"));
    assertTrue(second.request().has("prior_loans_repaid_share"));
    assertNull(second.request().get("prior_loans_repaid_share"), "an empty cell is missing");
    assertEquals(1, second.defaulted());
    assertTrue(Double.isNaN(second.truePd()));
    assertEquals(0.5, data.defaultRate());
  }

  @Test
  void columnsMayComeInAnyOrder() throws IOException {
    LabeledData data = read("default_12m,main_crop,applicant_id,as_of_date,farm_size_ha,"
        + "yield_ratio,drought_index,irrigated,prior_loans_repaid_share\n"
        + "1,cocoa,PE-9,2016-01-01,1,1,0,true,0.5\n");
    assertEquals("cocoa", data.rows().get(0).request().get("main_crop"));
    assertEquals(1, data.rows().get(0).defaulted());
  }

  @Test
  void wrongMissingAndExtraColumnsAreNamedInTheHeader() {
    DataFileException e = rejected(
        HEADER.replace("drought_index", "drought_idx") + ",region\n" + GOOD + ",x\n");
    List<DataProblem> p = e.problems();
    assertEquals(3, p.size(), e.getMessage());
    assertProblem(p.get(0), 1, "drought_index", "MISSING_COLUMN");
    assertTrue(p.stream().anyMatch(q -> q.column().equals("drought_idx")
        && q.rule().equals("UNKNOWN_COLUMN") && q.line() == 1), e.getMessage());
    assertTrue(p.stream().anyMatch(q -> q.column().equals("region")
        && q.rule().equals("UNKNOWN_COLUMN")), e.getMessage());
    assertTrue(e.getMessage().startsWith("bank.csv: 3 problems"), e.getMessage());
  }

  @Test
  void duplicateColumnAndMissingLabelColumn() {
    DataFileException e = rejected(HEADER.replace(",default_12m", ",irrigated") + "\n");
    assertTrue(e.problems().stream().anyMatch(q -> q.column().equals("irrigated")
        && q.rule().equals("DUPLICATE_COLUMN")), e.getMessage());
    assertTrue(e.problems().stream().anyMatch(q -> q.column().equals("default_12m")
        && q.rule().equals("MISSING_COLUMN")), e.getMessage());
  }

  @Test
  void badValueUnknownCategoryAndOutOfRangeNameLineAndColumn() {
    DataFileException e = rejected(HEADER + "\n"
        + GOOD + "\n"
        + "PE-3,2016-03-01,2.5,abc,-1.2,potato,false,0.75,0\n"
        + "PE-4,2016-03-01,2.5,0.9,-1.2,avocado,false,0.75,0\n"
        + "PE-5,2016-03-01,-3,0.9,-1.2,potato,yes,0.75,0\n");
    List<DataProblem> p = e.problems();
    assertEquals(4, e.totalProblems(), e.getMessage());
    assertProblem(p.get(0), 3, "yield_ratio", "WRONG_TYPE");
    assertTrue(p.get(0).message().contains("abc"), p.get(0).message());
    assertProblem(p.get(1), 4, "main_crop", "UNKNOWN_CATEGORY");
    assertTrue(p.get(1).message().contains("avocado"), p.get(1).message());
    assertProblem(p.get(2), 5, "farm_size_ha", "OUT_OF_RANGE");
    assertProblem(p.get(3), 5, "irrigated", "WRONG_TYPE");
    assertTrue(e.getMessage().contains("line 4, column 'main_crop': UNKNOWN_CATEGORY"),
        e.getMessage());
  }

  @Test
  void missingRequiredValueLabelDateAndShapeProblems() {
    DataFileException e = rejected(HEADER + "\n"
        + "PE-6,2016-03-01,,0.9,-1.2,potato,false,,0\n"
        + "PE-7,01/03/2016,2.5,0.9,-1.2,potato,false,0.5,2\n"
        + ",2016-03-01,2.5,0.9,NaN,potato,false,0.5,1\n"
        + "PE-9,2016-03-01,2.5\n"
        + "PE-10,2016-03-01,\"2.5,0.9,-1.2,potato,false,0.5,1\n");
    List<DataProblem> p = e.problems();
    assertProblem(p.get(0), 2, "farm_size_ha", "MISSING");
    assertProblem(p.get(1), 3, "as_of_date", "BAD_DATE");
    assertProblem(p.get(2), 3, "default_12m", "BAD_LABEL");
    assertProblem(p.get(3), 4, "applicant_id", "MISSING");
    assertProblem(p.get(4), 4, "drought_index", "NOT_FINITE");
    assertProblem(p.get(5), 5, "*", "FIELD_COUNT");
    assertProblem(p.get(6), 6, "*", "BAD_QUOTING");
    assertEquals(7, e.totalProblems(), e.getMessage());
  }

  @Test
  void reportsTheFirstProblemsButCountsThemAll() {
    StringBuilder csv = new StringBuilder(HEADER).append('\n');
    for (int i = 0; i < 30; i++) {
      csv.append("PE-").append(i).append(",2016-03-01,2.5,0.9,-1.2,mango,false,0.75,0\n");
    }
    DataFileException e = assertThrows(DataFileException.class,
        () -> LabeledCsvReader.forSchema(SCHEMA).maxReportedProblems(5)
            .read(new BufferedReader(new StringReader(csv.toString())), "bank.csv"));
    assertEquals(5, e.problems().size());
    assertEquals(30, e.totalProblems());
    assertProblem(e.problems().get(4), 6, "main_crop", "UNKNOWN_CATEGORY");
    assertTrue(e.getMessage().contains("30 problems (the first 5 shown)"), e.getMessage());
  }

  @Test
  void emptyFilesAreRefused() {
    assertProblem(rejected("").problems().get(0), 1, "*", "MISSING_COLUMN");
    assertProblem(rejected(HEADER + "\n").problems().get(0), 1, "*", "FIELD_COUNT");
  }

  private static LabeledData read(LabeledCsvReader reader, String csv) throws IOException {
    return reader.read(new BufferedReader(new StringReader(csv)), "bank.csv");
  }

  @Test
  void aSemicolonFileWithAByteOrderMarkIsDetected() throws IOException {
    LabeledData data = read("\uFEFF" + HEADER.replace(',', ';') + "\n"
        + GOOD.replace(',', ';') + "\n");
    assertEquals(1, data.size());
    assertEquals("PE-1", data.rows().get(0).request().applicantId());
    assertEquals(0.9, data.rows().get(0).request().get("yield_ratio"));
  }

  @Test
  void aHeaderThatIsOneUnsplitColumnIsOneProblemNamingTheDelimiter() {
    DataFileException e = assertThrows(DataFileException.class,
        () -> read(LabeledCsvReader.forSchema(SCHEMA).delimiter(','),
            HEADER.replace(',', ';') + "\n" + GOOD.replace(',', ';') + "\n"));
    assertEquals(1, e.totalProblems(), e.getMessage());
    assertProblem(e.problems().get(0), 1, "*", "UNSPLIT_HEADER");
    assertTrue(e.getMessage().contains("semicolon-separated: pass --delimiter ';'"),
        e.getMessage());
  }

  @Test
  void decimalCommasAreRefusedWithAHintOrReadWhenAskedFor() throws IOException {
    String csv = HEADER.replace(',', ';') + "\n"
        + "PE-1;2016-03-01;2,5;0,9;-1,2;potato;false;0,75;0\n";
    DataFileException e = assertThrows(DataFileException.class, () -> read(csv));
    assertProblem(e.problems().get(0), 2, "farm_size_ha", "DECIMAL_COMMA");
    assertTrue(e.problems().get(0).message().contains("--decimal-comma"), e.getMessage());
    assertEquals(4, e.totalProblems(), "one per numeric cell, nothing repeated: " + e.getMessage());
    LabeledData data = read(LabeledCsvReader.forSchema(SCHEMA).decimalComma(true), csv);
    assertEquals(2.5, data.rows().get(0).request().get("farm_size_ha"));
    assertEquals(-1.2, data.rows().get(0).request().get("drought_index"));
  }

  @Test
  void labelsMayBeZeroPointZeroAndOnePointZero() throws IOException {
    LabeledData data = read(HEADER + "\n" + GOOD + ".0\n"
        + GOOD.replace("PE-1", "PE-2").substring(0, GOOD.length() - 1) + "1.0\n");
    assertEquals(0, data.rows().get(0).defaulted());
    assertEquals(1, data.rows().get(1).defaulted());
  }

  @Test
  void aBanksOwnNamesLabelsIdsExtraColumnsAndMissingTokens() throws IOException {
    String header = "nro,farm_size_ha,yield_ratio,drought_index,main_crop,irrigated,"
        + "prior_loans_repaid_share,agencia,estado";
    LabeledCsvReader reader = LabeledCsvReader.forSchema(SCHEMA)
        .label("estado", "malo").idColumn("nro").ignoreColumns(List.of("agencia"))
        .missingValues(List.of("NA", "?")).requireAsOfDate(false, LocalDate.of(2026, 1, 31));
    LabeledData data = read(reader, header + "\n"
        + "B-1,2.5,0.9,-1.2,potato,false,NA,Juliaca,bueno\n"
        + "B-2,2.5,0.9,-1.2,rice,true,?,Puno,malo\n"
        + "B-3,2.5,0.9,-1.2,rice,true,0.5,Puno,bueno\n");
    assertEquals(3, data.size());
    LabeledRow first = data.rows().get(0);
    assertEquals("B-1", first.request().applicantId());
    assertEquals(LocalDate.of(2026, 1, 31), first.request().asOfDate());
    assertNull(first.request().get("prior_loans_repaid_share"), "NA is missing");
    assertNull(data.rows().get(1).request().get("prior_loans_repaid_share"), "? is missing");
    assertEquals(List.of(0, 1, 0), data.rows().stream().map(LabeledRow::defaulted).toList());

    DataFileException e = assertThrows(DataFileException.class, () -> read(reader,
        header + "\nB-1,2.5,0.9,-1.2,potato,false,0.5,Juliaca,bueno\n"
            + "B-2,2.5,0.9,-1.2,rice,true,0.5,Puno,regular\n"));
    assertProblem(e.problems().get(0), 3, "estado", "BAD_LABEL");
    assertTrue(e.problems().get(0).message().contains("expected 'malo' (a default) or 'bueno'"),
        e.getMessage());
  }

  @Test
  void withoutAPositiveValueATextLabelSaysHowToNameIt() {
    DataFileException e = rejected(HEADER + "\n" + GOOD.substring(0, GOOD.length() - 1)
        + "bad\n");
    assertProblem(e.problems().get(0), 2, "default_12m", "BAD_LABEL");
    assertTrue(e.problems().get(0).message().contains("--positive"), e.getMessage());
  }

  @Test
  void anIgnoredColumnCannotBeAFeature() {
    DataFileException e = assertThrows(DataFileException.class, () -> read(
        LabeledCsvReader.forSchema(SCHEMA).ignoreColumns(List.of("main_crop")),
        HEADER + "\n" + GOOD + "\n"));
    assertProblem(e.problems().get(0), 1, "main_crop", "IGNORED_REQUIRED_COLUMN");
  }
}
