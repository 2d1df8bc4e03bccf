package pe.agriscore;

import pe.agriscore.scoring.CreditScore;
import pe.agriscore.scoring.ReasonCode;
import pe.agriscore.scoring.ScoringError;
import pe.agriscore.scoring.ScoringResult;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pe.agriscore.engine.EngineException;
import pe.agriscore.engine.EngineOptions;
import pe.agriscore.internal.bundle.Encoder;
import pe.agriscore.scoring.BundleException;
import pe.agriscore.scoring.InvalidRequestException;
import pe.agriscore.scoring.ScoringRequest;
import pe.agriscore.scoring.Violation.Rule;
import pe.agriscore.testing.FaultyEngine;
import pe.agriscore.testing.OpaqueScorecardEngine;
import pe.agriscore.testing.TestBundles;

class CreditScorerTest {

  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-11-28T12:00:00Z"), ZoneOffset.UTC);

  @TempDir Path tmp;
  private Path bundle;

  @BeforeEach
  void writeBundle() throws IOException {
    bundle = TestBundles.writeScorecardBundle(tmp);
  }

  private CreditScorer scorer() {
    return CreditScorer.builder(bundle).clock(CLOCK).build();
  }

  @Test
  void probabilityPointsAndGradeFollowTheModelAndTheScale() {
    try (CreditScorer scorer = scorer()) {
      for (ScoringRequest r : TestBundles.randomRequests(42, 200)) {
        CreditScore s = scorer.score(r);
        double p = TestBundles.expectedProbability(r);
        assertEquals(p, s.probabilityOfDefault(), 1e-12);
        // points-to-double-odds, computed here from scorecard.json's stated numbers
        double raw = 600 + 20 * Math.log(((1 - p) / p) / 30) / Math.log(2);
        assertEquals(Math.max(300, Math.min(850, Math.round(raw))), s.points());
        String grade = s.points() >= 680 ? "A" : s.points() >= 640 ? "B"
            : s.points() >= 600 ? "C" : s.points() >= 560 ? "D" : "E";
        assertEquals(grade, s.grade());
        assertEquals(r.applicantId(), s.applicantId());
        assertEquals(r.asOfDate(), s.asOfDate());
        assertEquals("test-scorecard", s.modelName());
        assertEquals("1.0.0", s.modelVersion());
        assertEquals(CLOCK.instant(), s.scoredAt());
      }
    }
  }

  /**
   * Large farms with adverse yield and drought: z from -7.4 to -14.9, 720 to 936 raw points, so
   * many of their reasons meet the cap at 850.
   */
  private static List<ScoringRequest> nearTheTop() {
    List<ScoringRequest> requests = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      requests.add(ScoringRequest.builder("PE-big-" + i, LocalDate.EPOCH)
          .set("farm_size_ha", 60 + i * 0.5).set("yield_ratio", 0.2)
          .set("drought_index", 3.5).set("main_crop", "rice").set("irrigated", false)
          .setMissing("prior_loans_repaid_share").build());
    }
    return requests;
  }

  /** Raw points of log-odds of default z, from scorecard.json's stated numbers. */
  private static double rawPoints(double z) {
    return 600 + 20 * Math.log(Math.exp(-z) / 30) / Math.log(2);
  }

  private static double clamp(double points) {
    return Math.max(300, Math.min(850, points));
  }

  /**
   * For a logistic scorecard, a feature's contribution is exactly its terms' change against the
   * baseline, taken on the reported, clamped scale: clamp(points(z)) - clamp(points(z - dz)),
   * with dz = sum(coef * (x - baseline)). Extreme farm sizes put some applicants at either end.
   */
  @Test
  void reasonCodesAreExactForALinearScorecard() {
    Encoder encoder = Encoder.compile(TestBundles.schema(), TestBundles.standardPreprocessing());
    List<String> cols = encoder.columnNames();
    Map<String, Double> coef = TestBundles.coefficients();
    ScoringRequest baselineRequest = ScoringRequest.builder("b", LocalDate.EPOCH)
        .set("farm_size_ha", 3.0).set("yield_ratio", 1.0).set("drought_index", 0.0)
        .set("main_crop", "potato").set("irrigated", false)
        .set("prior_loans_repaid_share", 1.0).build();
    float[] base = encoder.encode(baselineRequest);
    try (CreditScorer scorer = scorer()) {
      int withReasons = 0;
      int cappedReasons = 0;
      List<ScoringRequest> requests = new ArrayList<>(TestBundles.randomRequests(11, 300));
      requests.addAll(nearTheTop());
      for (ScoringRequest r : requests) {
        float[] x = encoder.encode(r);
        double z = TestBundles.INTERCEPT;
        for (int c = 0; c < x.length; c++) {
          z += coef.get(cols.get(c)) * x[c];
        }
        List<double[]> expected = new ArrayList<>(); // {featureIndex, points}
        for (int f = 0; f < 6; f++) {
          double dz = 0;
          for (int c = encoder.columnStart(f); c < encoder.columnStart(f) + encoder.columnCount(f);
              c++) {
            dz += coef.get(cols.get(c)) * (x[c] - base[c]);
          }
          double points = clamp(rawPoints(z)) - clamp(rawPoints(z - dz));
          if (points < -0.005 && points > -20 / Math.log(2) * dz + 0.005) {
            cappedReasons++;
          }
          if (points < -0.005) {
            expected.add(new double[] {f, points});
          }
        }
        expected.sort(Comparator.comparingDouble(e -> e[1]));
        CreditScore s = scorer.score(r);
        assertEquals(Math.min(4, expected.size()), s.reasons().size());
        for (int i = 0; i < s.reasons().size(); i++) {
          ReasonCode rc = s.reasons().get(i);
          assertEquals(i + 1, rc.rank());
          assertEquals(TestBundles.schema().features().get((int) expected.get(i)[0]).name(),
              rc.feature());
          assertEquals(expected.get(i)[1], rc.points(), 0.0051);
        }
        withReasons += s.reasons().isEmpty() ? 0 : 1;
      }
      assertTrue(withReasons > 250, "most random applicants have some adverse reason");
      assertTrue(cappedReasons > 20, "some reasons are cut at the top of the scale: "
          + cappedReasons);
    }
  }

  /**
   * At 850, the top of the scale, nothing costs the applicant reported points: no adverse
   * reason (before: drought -46.17 points on an applicant already at the cap). Just below the
   * cap, a reason is at most the distance to it.
   */
  @Test
  void reasonsNeverClaimMorePointsThanTheScaleLeaves() {
    java.util.function.DoubleFunction<ScoringRequest> big = farm -> ScoringRequest
        .builder("PE-big", LocalDate.EPOCH).set("farm_size_ha", farm)
        .set("yield_ratio", 1.0).set("drought_index", 4.0).set("main_crop", "potato")
        .set("irrigated", false).set("prior_loans_repaid_share", 1.0).build();
    try (CreditScorer scorer = scorer()) {
      CreditScore capped = scorer.score(big.apply(500));
      assertEquals(850, capped.points());
      assertEquals(List.of(), capped.reasons());
      // farm 74 ha: z = -11.5, 833.7 points; drought alone is worth 46.17 raw points, but
      // without it the applicant would reach only the cap: it costs 833.7 - 850 = -16.3.
      double z = -2.2 - 0.3 * (74 - 3) / 2 + 0.4 * 4 + 0.10 - 0.35 * (1 - 0.8) / 0.2;
      CreditScore nearTop = scorer.score(big.apply(74));
      double expected = clamp(rawPoints(z)) - clamp(rawPoints(z - 1.6));
      assertTrue(expected > -20 && expected < -10, "the case is near the cap: " + expected);
      assertEquals(Math.round(rawPoints(z)), nearTop.points());
      assertEquals("drought_index", nearTop.reasons().get(0).feature());
      assertEquals(expected, nearTop.reasons().get(0).points(), 0.0051);
      for (ReasonCode rc : nearTop.reasons()) {
        assertTrue(rc.points() >= nearTop.points() - 850 - 0.5, rc.toString());
      }
    }
  }

  @Test
  void aClosedScorerRefusesEveryCallWithOneWarning() throws Exception {
    CreditScorer scorer = scorer();
    ScoringRequest r = TestBundles.randomRequests(3, 1).get(0);
    scorer.score(r);
    scorer.close();
    java.io.PrintStream err = System.err;
    java.io.ByteArrayOutputStream log = new java.io.ByteArrayOutputStream();
    System.setErr(new java.io.PrintStream(log, true, java.nio.charset.StandardCharsets.UTF_8));
    try {
      for (int i = 0; i < 1000; i++) {
        ScorerClosedException e = assertThrows(ScorerClosedException.class, () -> scorer.score(r));
        assertEquals("model test-scorecard 1.0.0 on engine 'scorecard' is closed: calls after"
            + " close() cannot succeed, open a new CreditScorer", e.getMessage());
        assertThrows(ScorerClosedException.class, () -> scorer.scoreAll(List.of(r)));
      }
      scorer.close();
    } finally {
      System.setErr(err);
    }
    String lines = log.toString(java.nio.charset.StandardCharsets.UTF_8);
    assertEquals(1, lines.lines().count(), lines);
    assertTrue(lines.contains("WARN") && lines.contains("logged once"), lines);
  }

  @Test
  void aNullRequestGetsItsOwnError() {
    List<ScoringRequest> requests = new ArrayList<>(TestBundles.randomRequests(9, 3));
    requests.add(1, null);
    try (CreditScorer scorer = scorer()) {
      List<ScoringResult> results = scorer.scoreAll(requests);
      assertEquals(4, results.size());
      ScoringError e = assertInstanceOf(ScoringError.class, results.get(1));
      assertEquals(ScoringError.Kind.INVALID_REQUEST, e.kind());
      assertNull(e.applicantId());
      assertEquals("request 1 of the batch is null", e.message());
      assertEquals(List.of(new pe.agriscore.scoring.Violation("$", Rule.MALFORMED,
          "request 1 of the batch is null (no request)")), e.violations());
      for (int i : new int[] {0, 2, 3}) {
        assertInstanceOf(CreditScore.class, results.get(i));
      }
      InvalidRequestException single = assertThrows(InvalidRequestException.class,
          () -> scorer.score(null));
      assertEquals(Rule.MALFORMED, single.violations().get(0).rule());
      assertThrows(NullPointerException.class, () -> scorer.scoreAll(null));
    }
  }

  /**
   * 2,200 applicants of 1,000 features: their reason-code rows are 2,200 * 1,001 * 1,000 =
   * 2.2e9 floats, past an int (before: NegativeArraySizeException). Now scored in calls of at
   * most 8,192 rows, with reasons on the engine path.
   */
  @Test
  void aBatchWhoseReasonRowsOutgrowAnIntIsScoredInBoundedCalls() throws IOException {
    int features = 1000;
    Path wide = TestBundles.writeWideScorecardBundle(tmp, "test-opaque", features);
    List<ScoringRequest> requests = new ArrayList<>();
    for (int i = 0; i < 2200; i++) {
      requests.add(i % 100 == 0 ? TestBundles.wideRequest("PE-" + i, features, 5, 9.0)
          : TestBundles.wideRequest("PE-" + i, features, 1, 0.0));
    }
    try (CreditScorer scorer = CreditScorer.builder(wide).clock(CLOCK).build()) {
      OpaqueScorecardEngine.LARGEST_CALL.set(0);
      List<ScoringResult> results = scorer.scoreAll(requests);
      assertEquals(2200, results.size());
      for (int i = 0; i < 2200; i++) {
        CreditScore s = assertInstanceOf(CreditScore.class, results.get(i));
        boolean moved = i % 100 == 0;
        assertEquals(moved ? TestBundles.wideProbability(features, 5, 9.0)
            : TestBundles.wideProbability(features, 1, 0.0), s.probabilityOfDefault(), 1e-9);
        // Of x0, x5, x10..., those of positive coefficient (x5: +0.02) raise the log-odds.
        assertEquals(moved ? 4 : 0, s.reasons().size(), s.applicantId());
      }
    }
    assertTrue(OpaqueScorecardEngine.LARGEST_CALL.get() <= 8192,
        "largest engine call " + OpaqueScorecardEngine.LARGEST_CALL.get());
  }

  /** Splitting a batch into engine calls of any size gives the same results, in order. */
  @Test
  void batchesSplitIntoEngineCallsOfAnySizeGiveTheSameResults() throws IOException {
    Path opaque = TestBundles.writeScorecardBundle(tmp, "test-opaque");
    List<ScoringRequest> requests = new ArrayList<>(TestBundles.randomRequests(31, 200));
    requests.add(17, null);
    requests.add(50, ScoringRequest.builder("BAD", LocalDate.EPOCH).build());
    List<ScoringResult> reference;
    try (CreditScorer linear = scorer()) {
      reference = linear.scoreAll(requests);
    }
    for (int limit : new int[] {1, 6, 7, 20, 8192}) {
      try (CreditScorer general = CreditScorer.builder(opaque).clock(CLOCK)
          .maxRowsPerEngineCall(limit).build()) {
        OpaqueScorecardEngine.LARGEST_CALL.set(0); // after the golden cases
        List<ScoringResult> results = general.scoreAll(requests);
        assertEquals(reference.size(), results.size());
        for (int i = 0; i < results.size(); i++) {
          if (reference.get(i) instanceof CreditScore a) {
            CreditScore b = assertInstanceOf(CreditScore.class, results.get(i));
            assertEquals(a.probabilityOfDefault(), b.probabilityOfDefault(), 1e-12);
            assertEquals(a.reasons().stream().map(ReasonCode::feature).toList(),
                b.reasons().stream().map(ReasonCode::feature).toList());
          } else {
            assertEquals(((ScoringError) reference.get(i)).message(),
                ((ScoringError) results.get(i)).message());
          }
        }
      }
      // One applicant with its six baseline rows is never split.
      assertTrue(OpaqueScorecardEngine.LARGEST_CALL.get() <= Math.max(limit, 7),
          limit + ": largest engine call " + OpaqueScorecardEngine.LARGEST_CALL.get());
    }
  }

  /** The general path (extra engine rows) and the exact linear path agree, near the cap too. */
  @Test
  void reasonCodesFromExtraEngineRowsEqualTheLinearShortcut() throws IOException {
    Path opaque = TestBundles.writeScorecardBundle(tmp, "test-opaque");
    List<ScoringRequest> requests = new ArrayList<>(TestBundles.randomRequests(77, 300));
    requests.addAll(nearTheTop());
    try (CreditScorer linear = scorer();
        CreditScorer general = CreditScorer.builder(opaque).clock(CLOCK).build()) {
      List<ScoringResult> a = linear.scoreAll(requests);
      List<ScoringResult> b = general.scoreAll(requests);
      for (int i = 0; i < requests.size(); i++) {
        List<ReasonCode> ra = ((CreditScore) a.get(i)).reasons();
        List<ReasonCode> rb = ((CreditScore) b.get(i)).reasons();
        assertEquals(ra.size(), rb.size());
        for (int j = 0; j < ra.size(); j++) {
          assertEquals(ra.get(j).feature(), rb.get(j).feature());
          assertEquals(ra.get(j).points(), rb.get(j).points(), 0.011);
        }
      }
    }
  }

  @Test
  void reasonTextsComeFromTheSchema() {
    ScoringRequest small = ScoringRequest.builder("PE-s", LocalDate.EPOCH)
        .set("farm_size_ha", 0.1).set("yield_ratio", 1.0).set("drought_index", 0.0)
        .set("main_crop", "potato").set("irrigated", false)
        .set("prior_loans_repaid_share", 1.0).build();
    try (CreditScorer scorer = scorer()) {
      ReasonCode rc = scorer.score(small).reasons().get(0);
      assertEquals(new ReasonCode(1, "AG01", "farm_size_ha", rc.points(),
          "Chacra de tamaño reducido", "Small farm size"), rc);
    }
  }

  @Test
  void reasonCodesCanBeTurnedOff() {
    try (CreditScorer scorer = CreditScorer.builder(bundle).maxReasonCodes(0).build()) {
      for (ScoringRequest r : TestBundles.randomRequests(5, 20)) {
        assertTrue(scorer.score(r).reasons().isEmpty());
      }
    }
  }

  @Test
  void invalidRequestThrowsWithEveryViolation() {
    try (CreditScorer scorer = scorer()) {
      InvalidRequestException e = assertThrows(InvalidRequestException.class,
          () -> scorer.score(ScoringRequest.builder("PE-x", LocalDate.EPOCH)
              .set("farm_size_ha", -1).set("main_crop", "kiwi").build()));
      assertEquals(List.of("farm_size_ha", "yield_ratio", "drought_index", "main_crop",
          "irrigated"), e.violations().stream().map(v -> v.field()).toList());
    }
  }

  @Test
  void scoreAllIsolatesBadRecordsAndKeepsOrder() {
    List<ScoringRequest> requests = new ArrayList<>(TestBundles.randomRequests(9, 10));
    requests.add(3, ScoringRequest.builder("BAD-1", LocalDate.EPOCH).build());
    requests.add(7, ScoringRequest.builder("BAD-2", LocalDate.EPOCH).set("x", 1.0).build());
    try (CreditScorer scorer = scorer()) {
      List<ScoringResult> results = scorer.scoreAll(requests);
      assertEquals(12, results.size());
      for (int i = 0; i < 12; i++) {
        assertEquals(requests.get(i).applicantId(), results.get(i).applicantId());
        if (i == 3 || i == 7) {
          ScoringError e = assertInstanceOf(ScoringError.class, results.get(i));
          assertEquals(ScoringError.Kind.INVALID_REQUEST, e.kind());
          assertTrue(e.violations().stream().allMatch(v -> v.rule() == Rule.MISSING
              || v.rule() == Rule.UNKNOWN_FIELD));
        } else {
          CreditScore s = assertInstanceOf(CreditScore.class, results.get(i));
          assertEquals(TestBundles.expectedProbability(requests.get(i)),
              s.probabilityOfDefault(), 1e-12);
        }
      }
    }
  }

  @Test
  void eightThreadsGetExactlyTheSequentialResults() throws Exception {
    List<ScoringRequest> requests = TestBundles.randomRequests(2026, 2_000);
    try (CreditScorer scorer = scorer()) {
      List<CreditScore> sequential = new ArrayList<>();
      for (ScoringRequest r : requests) {
        sequential.add(scorer.score(r));
      }
      ExecutorService pool = Executors.newFixedThreadPool(8);
      try {
        List<Future<List<CreditScore>>> futures = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
          futures.add(pool.submit(() -> {
            List<CreditScore> mine = new ArrayList<>();
            for (ScoringRequest r : requests) {
              mine.add(scorer.score(r));
            }
            return mine;
          }));
        }
        for (Future<List<CreditScore>> f : futures) {
          assertEquals(sequential, f.get());
        }
      } finally {
        pool.shutdownNow();
      }
    }
  }

  private Path faultyBundle(int goldenCount) throws IOException {
    return TestBundles.writeMarkerBundle(tmp, "test-faulty", "faulty", goldenCount);
  }

  @Test
  void aNanFromTheEngineBecomesAnErrorForThatRecordOnly() throws IOException {
    try (CreditScorer scorer = CreditScorer.open(faultyBundle(3))) {
      List<ScoringResult> results = scorer.scoreAll(List.of(TestBundles.farm("ok", 2),
          TestBundles.farm("nan", FaultyEngine.NAN_MARKER), TestBundles.farm("ok2", 3)));
      assertInstanceOf(CreditScore.class, results.get(0));
      ScoringError e = assertInstanceOf(ScoringError.class, results.get(1));
      assertEquals(ScoringError.Kind.ENGINE_FAILURE, e.kind());
      assertEquals("engine 'test-faulty' returned NaN, not a probability", e.message());
      assertNull(e.exceptionClass(), "no exception was thrown");
      assertInstanceOf(CreditScore.class, results.get(2));
      assertThrows(EngineException.class, () -> scorer.score(TestBundles.farm("nan",
          FaultyEngine.NAN_MARKER)));
    }
  }

  @Test
  void anEngineFailureGivesEveryRecordOfTheBatchAnError() throws IOException {
    try (CreditScorer scorer = CreditScorer.open(faultyBundle(3))) {
      List<ScoringResult> results = scorer.scoreAll(List.of(TestBundles.farm("a", 2),
          TestBundles.farm("boom", FaultyEngine.THROW_MARKER),
          ScoringRequest.builder("bad", null).build()));
      for (int i = 0; i < 2; i++) {
        ScoringError e = assertInstanceOf(ScoringError.class, results.get(i));
        assertEquals(ScoringError.Kind.ENGINE_FAILURE, e.kind());
        assertEquals("engine 'test-faulty' failed: native failure in row 1", e.message());
        assertEquals(IllegalStateException.class.getName(), e.exceptionClass());
      }
      assertEquals(ScoringError.Kind.INVALID_REQUEST,
          ((ScoringError) results.get(2)).kind());
      EngineException thrown = assertThrows(EngineException.class,
          () -> scorer.score(TestBundles.farm("boom", FaultyEngine.THROW_MARKER)));
      assertEquals("engine 'test-faulty' failed: native failure in row 0", thrown.getMessage());
      assertInstanceOf(IllegalStateException.class, thrown.getCause());
    }
  }

  @Test
  void aModelOfTheWrongWidthIsRefused() throws IOException {
    Path faulty = faultyBundle(2);
    BundleException e = assertThrows(BundleException.class, () -> CreditScorer.builder(faulty)
        .engineOptions(EngineOptions.builder().set("faulty.width", "12").build()).build());
    assertEquals("model/faulty.bin: the model takes 12 inputs but schema.json and"
        + " preprocessing.json encode 11", e.getMessage());
  }

  @Test
  void anEngineThatThrowsWhileLoadingRefusesTheBundleInAgriScoresWords() throws IOException {
    Path faulty = faultyBundle(2);
    BundleException e = assertThrows(BundleException.class, () -> CreditScorer.builder(faulty)
        .engineOptions(EngineOptions.builder().set("faulty.load_fails", "true").build()).build());
    assertEquals("model/faulty.bin: engine 'test-faulty' failed to load the model:"
        + " java.lang.IllegalStateException: native library state corrupted", e.getMessage());
    assertInstanceOf(IllegalStateException.class, e.getCause());
  }

  @Test
  void aBundleWithoutGoldenCasesIsRefused() throws IOException {
    BundleException e = assertThrows(BundleException.class,
        () -> CreditScorer.open(faultyBundle(0)));
    assertEquals("golden.json", e.file());
  }
}
