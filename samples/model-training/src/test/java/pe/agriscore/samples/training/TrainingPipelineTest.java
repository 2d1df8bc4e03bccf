package pe.agriscore.samples.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pe.agriscore.CreditScorer;
import pe.agriscore.internal.bundle.ModelBundle;
import pe.agriscore.schema.FeatureSchema;
import pe.agriscore.schema.GoldenCase;
import pe.agriscore.scoring.CreditScore;
import pe.agriscore.scoring.ScoringRequest;

/**
 * The pipeline end to end on 3,000 generated farmers: real CSV, real engines, real bundles that a
 * bank's {@link CreditScorer} must accept. The thresholds are far below what the models reach on
 * this data and far above chance, so a broken step fails them.
 */
class TrainingPipelineTest {

  @TempDir static Path shared;
  private static Path csv;
  private static Path schemaFile;
  private static FeatureSchema schema;

  @BeforeAll
  static void generate() throws IOException {
    csv = shared.resolve("farmers.csv");
    schemaFile = shared.resolve("schema.json");
    FarmerData.generate(3000, 11, csv, schemaFile, line -> { });
    schema = FeatureSchema.read(schemaFile);
  }

  private static TrainingPipeline.Builder pipeline(Path out, TrainingPipeline.ModelKind... kinds) {
    return TrainingPipeline.builder().data(csv).schema(schema).out(out).seed(11)
        .models(EnumSet.copyOf(List.of(kinds))).progress(System.out::println);
  }

  @Test
  void scorecardAndTensorFlowBundlesLoadScoreAndAreReported(@TempDir Path out)
      throws IOException {
    TrainingPipeline.Outcome outcome = pipeline(out, TrainingPipeline.ModelKind.SCORECARD,
        TrainingPipeline.ModelKind.TENSORFLOW).build().run();

    assertEquals(List.of("farmer-mlp-tf", "farmer-scorecard"),
        List.copyOf(outcome.bundles().keySet()));
    EvaluationReport report = outcome.report();
    assertNotNull(report.oracle(), "generated data has true_pd");
    assertTrue(report.oracle().auc() > 0.75, "oracle AUC " + report.oracle().auc());
    assertEquals(2, report.models().size());
    for (EvaluationReport.ModelReport m : report.models()) {
      ModelEvaluation e = m.test();
      assertEquals(450, e.rows());
      assertTrue(e.auc() > 0.65, m.name() + " AUC " + e.auc());
      assertTrue(e.auc() < report.oracle().auc() + 0.05, m.name() + " cannot beat the oracle");
      assertTrue(e.ece() < 0.1, m.name() + " ECE " + e.ece());
      assertEquals(10, e.reliability().size());
      assertTrue(m.bundleBytes() > 10_000 && m.bundleBytes() < 500_000, m.bundleBytes() + " B");
      assertTrue(e.segments().containsKey("natural_region"), e.segments().keySet().toString());
      assertTrue(e.segments().containsKey("main_crop"), e.segments().keySet().toString());
    }

    for (Path dir : outcome.bundles().values()) {
      try (CreditScorer scorer = CreditScorer.open(dir);
          ModelBundle bundle = ModelBundle.open(dir)) {
        List<GoldenCase> golden = bundle.goldenCases();
        assertEquals(16, golden.size());
        assertEquals(16, scorer.model().goldenCaseCount());
        assertTrue(golden.stream().anyMatch(g -> g.request().values().containsValue(null)),
            "a golden case exercises a missing (imputed) value");
        ScoringRequest request = golden.get(3).request();
        CreditScore score = scorer.score(request);
        assertEquals(golden.get(3).probability(), score.probabilityOfDefault(), 1e-6);
        assertTrue(score.points() >= 300 && score.points() <= 850);
        assertNotNull(bundle.reference().score(), "the score profile is filled in");
      }
    }

    JsonNode json = new ObjectMapper().readTree(out.resolve("evaluation.json").toFile());
    assertEquals(2, json.path("models").size());
    assertTrue(json.path("oracle").path("auc").isNumber());
    String html = Files.readString(out.resolve("evaluation.html"), StandardCharsets.UTF_8);
    assertTrue(html.contains("<svg") && html.contains("ROC curve") && html.contains("Calibration"));
    assertFalse(html.contains("<script") || html.contains("http://") && !html.contains(
        "http://www.w3.org/2000/svg"), "self-contained: no scripts, no external resources");
  }

  @Test
  void pytorchModelIsTrainedInPythonAndReproducedByLibtorch(@TempDir Path out)
      throws IOException {
    Optional<String> why = PyTorchMlpTrainer.unavailable(PyTorchMlpTrainer.DEFAULT_PYTHON);
    // CI installs PyTorch: there its absence is a broken runner, not a reason to skip.
    assertTrue(why.isEmpty() || System.getenv("CI") == null,
        () -> "CI is set but PyTorch cannot train: " + why.orElse(""));
    assumeTrue(why.isEmpty(), () -> "PyTorch training test skipped: " + why.orElse(""));
    TrainingPipeline.Outcome outcome =
        pipeline(out, TrainingPipeline.ModelKind.PYTORCH).build().run();
    EvaluationReport.ModelReport m = outcome.report().models().get(0);
    assertEquals("farmer-mlp-pt", m.name());
    assertEquals("pytorch", m.engine());
    assertTrue(m.test().auc() > 0.65, "AUC " + m.test().auc());
    assertTrue(m.details().contains("PyTorch 1.") || m.details().contains("PyTorch 2."),
        m.details());
    Path dir = outcome.bundles().get("farmer-mlp-pt");
    try (CreditScorer scorer = CreditScorer.open(dir);
        ModelBundle bundle = ModelBundle.open(dir)) {
      assertEquals("pytorch", scorer.model().engine());
      assertEquals(1e-5, bundle.goldenTolerance());
      assertTrue(Files.isRegularFile(bundle.root().resolve("model/mlp.pt")));
    }
  }

  @Test
  void aRequestedPyTorchModelWithoutPyTorchFailsBeforeAnythingIsTrained(@TempDir Path dir) {
    Path out = dir.resolve("out");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> pipeline(out, TrainingPipeline.ModelKind.SCORECARD,
            TrainingPipeline.ModelKind.PYTORCH).python("/nonexistent/python3").build().run());
    assertTrue(e.getMessage().contains("pt") && e.getMessage().contains("/nonexistent/python3"),
        e.getMessage());
    assertFalse(Files.exists(out), "nothing is written");
  }

  @Test
  void outOfTimeSplitTestsOnTheLatestRows(@TempDir Path out) throws IOException {
    TrainingPipeline.Outcome outcome = pipeline(out, TrainingPipeline.ModelKind.SCORECARD)
        .outOfTime(java.time.LocalDate.of(2016, 7, 1)).build().run();
    EvaluationReport.DataSummary d = outcome.report().data();
    assertTrue(d.split().startsWith("out-of-time"), d.split());
    assertEquals(3000, d.trainRows() + d.validationRows() + d.testRows());
    assertTrue(d.testRows() > 300 && d.testRows() < 1000, "about a sixth: " + d.testRows());
  }

  @Test
  void aBadFileStopsTheRunBeforeAnythingIsWritten(@TempDir Path dir) throws IOException {
    List<String> lines = Files.readAllLines(csv);
    String[] header = lines.get(0).split(",");
    int crop = List.of(header).indexOf("main_crop");
    String[] row = lines.get(5).split(",", -1);
    row[crop] = "tulip";
    lines.set(5, String.join(",", row));
    Path bad = dir.resolve("bad.csv");
    Files.write(bad, lines);
    Path out = dir.resolve("out");
    DataFileException e = assertThrows(DataFileException.class, () -> TrainingPipeline.builder()
        .data(bad).schema(schema).out(out).build().run());
    assertEquals(1, e.totalProblems());
    assertEquals(6, e.problems().get(0).line());
    assertEquals("main_crop", e.problems().get(0).column());
    assertEquals("UNKNOWN_CATEGORY", e.problems().get(0).rule());
    assertFalse(Files.exists(out), "nothing is written for rejected data");
  }

  @Test
  void theCommandLineReportsUsageAndDataErrors(@TempDir Path dir) throws IOException {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8);
    PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    assertEquals(2, TrainCli.run(new String[] {"--data", "x.csv"}, quiet, errStream));
    String usage = err.toString(StandardCharsets.UTF_8);
    assertTrue(usage.contains("Missing required option") && usage.contains("--schema"), usage);
    assertEquals(2, TrainCli.run(new String[] {"--data", "x.csv", "--schema", "s.json", "--out",
        "o", "--split", "sideways"}, quiet, errStream));

    Path bad = dir.resolve("bad.csv");
    List<String> lines = Files.readAllLines(csv);
    lines.set(0, lines.get(0).replace("farm_size_ha", "farm_size"));
    Files.write(bad, lines);
    err.reset();
    assertEquals(1, TrainCli.run(new String[] {"--data", bad.toString(), "--schema",
        schemaFile.toString(), "--out", dir.resolve("out").toString()}, quiet, errStream));
    String message = err.toString(StandardCharsets.UTF_8);
    assertTrue(message.contains("line 1, column 'farm_size_ha': MISSING_COLUMN"), message);
    assertTrue(message.contains("line 1, column 'farm_size': UNKNOWN_COLUMN"), message);
  }

  @Test
  void aNetworkStoppedAtTheEpochCapIsWarnedAboutAndNoEmptySegmentTableIsShown(@TempDir Path out)
      throws IOException {
    List<String> log = new java.util.ArrayList<>();
    TrainingPipeline.Outcome outcome = TrainingPipeline.builder().data(csv).schema(schema)
        .out(out).seed(11).models(EnumSet.of(TrainingPipeline.ModelKind.TENSORFLOW))
        .mlp(MlpSettings.defaults().withSeed(11).withMaxEpochs(1)).segmentBy(List.of())
        .progress(log::add).build().run();
    String warning = "farmer-mlp-tf: the best validation epoch is the last one (1)";
    assertTrue(log.stream().anyMatch(l -> l.contains("WARNING " + warning)), log.toString());
    assertTrue(outcome.report().notes().stream().anyMatch(n -> n.startsWith(warning)),
        outcome.report().notes().toString());
    String html = Files.readString(out.resolve("evaluation.html"), StandardCharsets.UTF_8);
    assertFalse(html.contains("AUC by segment"), "no heading without segments");
    assertTrue(html.contains("AgriScore reference models"), "generated farmers are ours");
  }

  @Test
  void subSecondTrainingTimesAreMilliseconds() {
    assertEquals("12 ms", EvaluationReport.duration(0.0123));
    assertEquals("0 ms", EvaluationReport.duration(0.0001));
    assertEquals("2.3 s", EvaluationReport.duration(2.34));
  }
}
