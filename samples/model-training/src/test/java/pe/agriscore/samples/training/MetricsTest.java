package pe.agriscore.samples.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Expected values are worked out by hand in the comments. */
class MetricsTest {

  private static final double[] SCORE = {0.1, 0.4, 0.35, 0.8};
  private static final int[] Y = {0, 0, 1, 1};

  @Test
  void ksIsTheLargestGapBetweenTheRates() {
    // From the top: 0.8 bad (tpr .5, fpr 0), 0.4 good (.5, .5), 0.35 bad (1, .5), 0.1 good.
    assertEquals(0.5, Metrics.ks(SCORE, Y), 1e-12);
    List<double[]> roc = Metrics.roc(SCORE, Y);
    assertEquals(5, roc.size());
    assertArrayEquals(new double[] {0, 0}, roc.get(0));
    assertArrayEquals(new double[] {0, 0.5}, roc.get(1));
    assertArrayEquals(new double[] {0.5, 1}, roc.get(3));
    assertArrayEquals(new double[] {1, 1}, roc.get(4));
  }

  @Test
  void brierAndLogLoss() {
    // (0.01 + 0.16 + 0.4225 + 0.04) / 4
    assertEquals(0.158125, Metrics.brier(SCORE, Y), 1e-12);
    double expected = -(Math.log(0.9) + Math.log(0.6) + Math.log(0.35) + Math.log(0.8)) / 4;
    assertEquals(expected, Metrics.logLoss(SCORE, Y), 1e-12);
  }

  @Test
  void calibrationUsesEqualFrequencyBins() {
    // Bins {0.1, 0.2} (mean .15, rate 0) and {0.3, 0.4} (mean .35, rate 1): .5*.15 + .5*.65.
    Metrics.Calibration c = Metrics.calibration(new double[] {0.4, 0.1, 0.3, 0.2},
        new int[] {1, 0, 1, 0}, 2);
    assertEquals(0.4, c.ece(), 1e-12);
    assertEquals(2, c.bins().size());
    assertEquals(0.15, c.bins().get(0).meanPd(), 1e-12);
    assertEquals(0.1, c.bins().get(0).minPd(), 1e-12);
    assertEquals(0.2, c.bins().get(0).maxPd(), 1e-12);
    assertEquals(1.0, c.bins().get(1).observedRate(), 1e-12);
    // Five rows in two bins: the first bin takes the extra row.
    Metrics.Calibration uneven = Metrics.calibration(new double[] {0.1, 0.2, 0.3, 0.4, 0.5},
        new int[] {0, 0, 0, 1, 1}, 2);
    assertEquals(3, uneven.bins().get(0).rows());
    assertEquals(2, uneven.bins().get(1).rows());
    // (3/5) * |0.2 - 0| + (2/5) * |0.45 - 1|
    assertEquals(0.6 * 0.2 + 0.4 * 0.55, uneven.ece(), 1e-12);
  }

  @Test
  void perfectlyCalibratedProbabilitiesHaveNoError() {
    double[] pd = {0.25, 0.25, 0.25, 0.25, 0.75, 0.75, 0.75, 0.75};
    int[] y = {1, 0, 0, 0, 1, 1, 1, 0};
    assertEquals(0, Metrics.calibration(pd, y, 2).ece(), 1e-12);
  }

  @Test
  void badInputIsRefused() {
    assertThrows(IllegalArgumentException.class,
        () -> Metrics.ks(new double[] {0.1}, new int[] {0, 1}));
    assertThrows(IllegalArgumentException.class,
        () -> Metrics.brier(new double[] {Double.NaN}, new int[] {0}));
    assertThrows(IllegalArgumentException.class,
        () -> Metrics.brier(new double[] {0.5}, new int[] {2}));
    assertThrows(IllegalArgumentException.class,
        () -> Metrics.calibration(new double[] {0.5}, new int[] {1}, 2));
  }
}
