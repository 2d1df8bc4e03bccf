package pe.agriscore.samples.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class AucTest {

  @Test
  void perfectReversedAndHandCountedRankings() {
    boolean[] labels = {false, false, true, true};
    assertEquals(1.0, Auc.of(new double[] {0.1, 0.2, 0.3, 0.4}, labels), 0);
    assertEquals(0.0, Auc.of(new double[] {0.4, 0.3, 0.2, 0.1}, labels), 0);
    // Positives 0.35 and 0.8 against negatives 0.1 and 0.4: 0.35 beats one, 0.8 beats two.
    assertEquals(0.75, Auc.of(new double[] {0.1, 0.4, 0.35, 0.8}, labels), 0);
  }

  @Test
  void tiesCountOneHalf() {
    // The positive ties one negative (1/2) and beats the other (1): 1.5 of 2 pairs.
    assertEquals(0.75, Auc.of(new double[] {0.5, 0.5, 0.2}, new boolean[] {true, false, false}),
        0);
    assertEquals(0.5, Auc.of(new double[] {1, 1, 1, 1}, new boolean[] {true, false, true, false}),
        0);
  }

  @Test
  void agreesWithPairCountingOnRandomScoresWithTies() {
    Random rnd = new Random(3);
    int n = 700;
    double[] scores = new double[n];
    boolean[] labels = new boolean[n];
    for (int i = 0; i < n; i++) {
      labels[i] = rnd.nextInt(5) == 0;
      // Coarse scores so that many ties occur, shifted up for positives.
      scores[i] = Math.floor((rnd.nextGaussian() + (labels[i] ? 0.8 : 0)) * 4) / 4;
    }
    double wins = 0;
    long pairs = 0;
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        if (labels[i] && !labels[j]) {
          pairs++;
          wins += scores[i] > scores[j] ? 1 : scores[i] == scores[j] ? 0.5 : 0;
        }
      }
    }
    double auc = Auc.of(scores, labels);
    assertEquals(wins / pairs, auc, 1e-12);
    assertTrue(auc > 0.6, "the shifted positives rank higher: " + auc);
  }

  @Test
  void refusesWhatHasNoAuc() {
    IllegalArgumentException oneClass = assertThrows(IllegalArgumentException.class,
        () -> Auc.of(new double[] {0.1, 0.2}, new boolean[] {true, true}));
    assertTrue(oneClass.getMessage().contains("both classes"), oneClass.getMessage());
    IllegalArgumentException nan = assertThrows(IllegalArgumentException.class,
        () -> Auc.of(new double[] {0.1, Double.NaN}, new boolean[] {true, false}));
    assertTrue(nan.getMessage().contains("score 1 is NaN"), nan.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> Auc.of(new double[] {0.1}, new boolean[] {true, false}));
  }

  @Test
  void zeroOneOutcomesCountConcordantPairs() {
    // Bad 0.35 beats good 0.1 but not good 0.4; bad 0.8 beats both: 3 of 4 pairs.
    assertEquals(0.75, Auc.of(new double[] {0.1, 0.4, 0.35, 0.8}, new int[] {0, 0, 1, 1}), 1e-12);
    assertEquals(0.5, Auc.of(new double[] {0.5, 0.5}, new int[] {0, 1}), 1e-12);
    // Bad 0.5 beats good 0.2 and ties good 0.5 (a half); bad 0.9 beats both: 3.5 of 4 pairs.
    assertEquals(0.875, Auc.of(new double[] {0.2, 0.5, 0.5, 0.9}, new int[] {0, 0, 1, 1}),
        1e-12);
    assertThrows(IllegalArgumentException.class,
        () -> Auc.of(new double[] {0.1, 0.2}, new int[] {0, 0}));
    assertThrows(IllegalArgumentException.class,
        () -> Auc.of(new double[] {0.1, 0.2}, new int[] {0, 2}));
    assertThrows(IllegalArgumentException.class,
        () -> Auc.of(new double[] {0.1}, new int[] {0, 1}));
  }
}
