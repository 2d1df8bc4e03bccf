package pe.agriscore.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import pe.agriscore.testing.TestBundles;

class ScoreScaleTest {

  private final ScoreScale scale = TestBundles.scale();

  @Test
  void basePointsAtBaseOddsAndPdoPerDoubling() {
    double pAtBaseOdds = 1 / 31.0; // good:bad 30:1
    assertEquals(600.0, scale.rawPoints(pAtBaseOdds), 1e-9);
    double pAtDoubleOdds = 1 / 61.0; // 60:1
    assertEquals(620.0, scale.rawPoints(pAtDoubleOdds), 1e-9);
    assertEquals(580, scale.points(1 / 16.0)); // 15:1
  }

  @Test
  void pointsAreClampedAndGraded() {
    assertEquals(850, scale.points(0.0));
    assertEquals(300, scale.points(1.0));
    assertEquals("A", scale.grade(700).grade());
    assertEquals("B", scale.grade(640).grade());
    assertEquals("C", scale.grade(639).grade());
    assertEquals("E", scale.grade(300).grade());
  }

  /**
   * CreditScorer skips the points of a perturbed probability not below the applicant's (it
   * cannot give a reason) on this property: in floating point too, points never rise with the
   * probability, for neighbouring doubles as for random pairs, near 0 and 1 included.
   */
  @Test
  void rawPointsNeverRiseWithTheProbability() {
    SplittableRandom random = new SplittableRandom(16);
    ScoreScale[] scales = {scale, new ScoreScale(512, 1.7, 13.3, 0, 1000,
        List.of(new ScoreScale.Grade("A", 0))), new ScoreScale(600, 50, 80, 300, 850,
        List.of(new ScoreScale.Grade("A", 300)))};
    for (ScoreScale s : scales) {
      for (int i = 0; i < 100_000; i++) {
        double p = switch (i % 4) {
          case 0 -> random.nextDouble();
          case 1 -> random.nextDouble() * 1e-6;
          case 2 -> 1 - random.nextDouble() * 1e-6;
          default -> Math.pow(10, -random.nextDouble() * 20);
        };
        double up = Math.nextUp(p);
        double q = random.nextDouble();
        assertTrue(s.rawPoints(up) <= s.rawPoints(p), p + " then " + up);
        double lo = Math.min(p, q);
        double hi = Math.max(p, q);
        assertTrue(s.rawPoints(hi) <= s.rawPoints(lo), lo + " then " + hi);
      }
    }
  }

  @Test
  void jsonRoundTrip() {
    assertEquals(scale, ScoreScale.fromJson(scale.toJson()));
  }

  @Test
  void gradesMustCoverEveryScore() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new ScoreScale(600, 30, 20, 300, 850, List.of(new ScoreScale.Grade("A", 500))));
    assertEquals("the last grade 'A' starts at 500: it must start at or below minPoints 300 so"
        + " that every score has a grade (scores 300 to 499 would have none)", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new ScoreScale(600, 30, 20, 300, 850,
        List.of(new ScoreScale.Grade("B", 300), new ScoreScale.Grade("A", 700))));
  }
}
