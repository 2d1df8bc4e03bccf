package pe.agriscore.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
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
