package pe.agriscore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pe.agriscore.scoring.CreditScore;
import pe.agriscore.scoring.ScoringError;
import pe.agriscore.scoring.ScoringRequest;
import pe.agriscore.scoring.ScoringResult;
import pe.agriscore.testing.OpaqueScorecardEngine;
import pe.agriscore.testing.TestBundles;

/** {@link EngineCallListener}: one report per engine call made while scoring, with its rows. */
class EngineCallListenerTest {

  @TempDir
  Path temp;

  private final List<long[]> calls = new CopyOnWriteArrayList<>();
  private final EngineCallListener record = (rows, nanos) -> calls.add(new long[] {rows, nanos});

  @Test
  void eachEngineCallOfABatchIsReportedWithItsRowsAndNotTheGoldenCasesNorRefusedRequests()
      throws Exception {
    try (CreditScorer scorer = CreditScorer.builder(TestBundles.writeScorecardBundle(temp))
        .maxRowsPerEngineCall(2).engineCallListener(record).build()) {
      assertEquals(List.of(), calls, "golden cases verified at load are not reported");
      List<ScoringRequest> requests = new ArrayList<>(TestBundles.randomRequests(5, 5));
      requests.add(2, ScoringRequest.builder("PE-no-features", LocalDate.of(2026, 1, 1))
          .build());
      List<ScoringResult> results = scorer.scoreAll(requests);
      assertInstanceOf(ScoringError.class, results.get(2));
      // Five valid applicants, one row each (a linear model's reasons need no extra rows), at
      // most two rows per call: 2 + 2 + 1; the refused request never reaches the engine.
      assertEquals(List.of(2L, 2L, 1L), calls.stream().map(c -> c[0]).toList());
      calls.forEach(c -> assertTrue(c[1] >= 0, "a duration: " + c[1]));
    }
  }

  @Test
  void reasonCodeRowsOfAModelWithoutCoefficientsAreCounted() throws Exception {
    try (CreditScorer scorer = CreditScorer.builder(
            TestBundles.writeScorecardBundle(temp, "test-opaque"))
        .maxReasonCodes(4).engineCallListener(record).build()) {
      OpaqueScorecardEngine.LARGEST_CALL.set(0);
      CreditScore s = scorer.score(TestBundles.randomRequests(6, 1).get(0));
      assertTrue(s.reasons().size() > 0);
      // The engine's own count: the applicant's row and a baseline row per differing feature.
      int engineRows = OpaqueScorecardEngine.LARGEST_CALL.get();
      assertTrue(engineRows > 1, "reason-code rows: " + engineRows);
      assertEquals(List.of((long) engineRows), calls.stream().map(c -> c[0]).toList());
    }
  }
}
