package pe.agriscore.samples.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class LogisticRegressionTest {

  /** Outcomes drawn from a stated model: the fit must find its coefficients. */
  @Test
  void recoversTheCoefficientsOfTheModelTheDataCameFrom() {
    double b0 = -1.5;
    double[] beta = {0.8, -1.2, 0.0};
    int n = 40_000;
    Random rnd = new Random(3);
    float[] x = new float[n * 3];
    int[] y = new int[n];
    for (int i = 0; i < n; i++) {
      double z = b0;
      for (int j = 0; j < 3; j++) {
        x[i * 3 + j] = (float) rnd.nextGaussian();
        z += beta[j] * x[i * 3 + j];
      }
      y[i] = rnd.nextDouble() < 1 / (1 + Math.exp(-z)) ? 1 : 0;
    }
    LogisticRegression.Fit fit = LogisticRegression.fit(x, y, 3, 1.0);
    // Standard errors are about 0.02 at this size.
    assertEquals(b0, fit.intercept(), 0.08);
    for (int j = 0; j < 3; j++) {
      assertEquals(beta[j], fit.coefficients()[j], 0.08, "coefficient " + j);
    }
    assertTrue(fit.iterations() < 15, "Newton converges quickly: " + fit.iterations());
    double z = b0 + 0.8 * 1 - 1.2 * 0.5;
    assertEquals(1 / (1 + Math.exp(-z)), fit.probability(new float[] {1f, 0.5f, 0f}, 0), 0.02);
  }

  @Test
  void theL2PenaltyShrinksCoefficientsButNotTheIntercept() {
    int n = 2_000;
    Random rnd = new Random(5);
    float[] x = new float[n];
    int[] y = new int[n];
    int bad = 0;
    for (int i = 0; i < n; i++) {
      x[i] = (float) rnd.nextGaussian();
      y[i] = rnd.nextDouble() < 1 / (1 + Math.exp(-(-1 + 2 * x[i]))) ? 1 : 0;
      bad += y[i];
    }
    LogisticRegression.Fit loose = LogisticRegression.fit(x, y, 1, 1e-6);
    LogisticRegression.Fit tight = LogisticRegression.fit(x, y, 1, 1e7);
    assertEquals(2.0, loose.coefficients()[0], 0.3);
    assertEquals(0.0, tight.coefficients()[0], 1e-3);
    // With the slope gone the intercept is the log-odds of the default rate.
    double rate = (double) bad / n;
    assertEquals(Math.log(rate / (1 - rate)), tight.intercept(), 1e-3);
  }

  /**
   * Pinned to coefficients computed independently, in plain Python by gradient ascent polished
   * with Gauss-Jordan Newton steps ({@code src/test/python/logistic_fixture.py}, gradient norm
   * 2e-16 at the optimum), not by this class.
   */
  @Test
  void matchesTheIndependentlyComputedOptimumOfASmallCase() {
    float[] x = {0.5f, -1.25f, 1.5f, 0.25f, -0.75f, 2.0f, 2.25f, -0.5f, 0.0f, 0.0f, -1.5f, -1.0f,
        1.0f, 1.75f, -0.25f, 0.5f, 3.0f, -2.0f, -2.0f, 1.25f, 0.75f, -0.75f, 1.25f, 1.0f};
    int[] y = {0, 1, 0, 1, 0, 0, 1, 1, 1, 0, 0, 1};
    LogisticRegression.Fit fit = LogisticRegression.fit(x, y, 2, 1.0);
    assertEquals(-0.739520352232805, fit.intercept(), 1e-9);
    assertEquals(1.259938036286956, fit.coefficients()[0], 1e-9);
    assertEquals(0.552667297457036, fit.coefficients()[1], 1e-9);
  }
}
