package pe.agriscore.scoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pe.agriscore.request.ScoringRequest;
import pe.agriscore.testing.TestBundles;

class CreditScorerTest {

  @TempDir Path tmp;

  @Test
  void scoresWithTheScorecardEngineAndMatchesIndependentArithmetic() throws Exception {
    Path bundle = TestBundles.writeScorecardBundle(tmp);
    try (CreditScorer scorer = CreditScorer.open(bundle)) {
      for (ScoringRequest r : TestBundles.randomRequests(42, 50)) {
        CreditScore s = scorer.score(r);
        assertEquals(TestBundles.expectedProbability(r), s.probabilityOfDefault(), 1e-12);
        assertEquals(TestBundles.scale().points(s.probabilityOfDefault()), s.points());
        assertTrue(s.reasons().size() <= 4);
      }
      List<ScoringResult> all = scorer.scoreAll(TestBundles.randomRequests(42, 50));
      assertEquals(50, all.size());
    }
  }
}
