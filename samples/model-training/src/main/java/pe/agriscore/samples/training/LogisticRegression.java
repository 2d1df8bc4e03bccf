package pe.agriscore.samples.training;

/**
 * L2-regularised logistic regression fitted by Newton's method (iteratively reweighted least
 * squares), in double precision. The intercept is not penalised.
 *
 * <pre>{@code
 * LogisticRegression.Fit fit = LogisticRegression.fit(x, y, width, 1.0);
 * double pd = fit.probability(row, 0);
 * }</pre>
 *
 * <p>Fine for the few dozen columns of a scorecard: each iteration costs {@code rows * width^2}.
 */
public final class LogisticRegression {

  private LogisticRegression() {}

  /**
   * A fitted model.
   *
   * @param intercept the log-odds when every column is 0
   * @param coefficients one log-odds coefficient per column
   * @param iterations Newton iterations used
   */
  public record Fit(double intercept, double[] coefficients, int iterations) {
    /** The probability of outcome 1 for the row at {@code offset} of {@code rows}. */
    public double probability(float[] rows, int offset) {
      double z = intercept;
      for (int j = 0; j < coefficients.length; j++) {
        z += coefficients[j] * rows[offset + j];
      }
      return 1 / (1 + Math.exp(-z));
    }
  }

  /**
   * Fits the model.
   *
   * @param x row-major rows of {@code width} columns
   * @param y outcomes, 0 or 1
   * @param lambda L2 penalty on the summed log-likelihood, e.g. 1.0
   * @throws IllegalStateException if Newton's method does not converge in 100 iterations
   */
  public static Fit fit(float[] x, int[] y, int width, double lambda) {
    int n = y.length;
    if (x.length != (long) n * width) {
      throw new IllegalArgumentException("x has " + x.length + " values, expected " + n + " x "
          + width);
    }
    int d = width + 1;
    double[] beta = new double[d];
    double rate = 0;
    for (int v : y) {
      rate += v;
    }
    rate /= n;
    beta[0] = Math.log(rate / (1 - rate));
    double[] row = new double[d];
    for (int iter = 1; iter <= 100; iter++) {
      double[] grad = new double[d];
      double[][] hess = new double[d][d];
      for (int i = 0; i < n; i++) {
        row[0] = 1;
        for (int j = 0; j < width; j++) {
          row[j + 1] = x[i * width + j];
        }
        double z = 0;
        for (int j = 0; j < d; j++) {
          z += beta[j] * row[j];
        }
        double p = 1 / (1 + Math.exp(-z));
        double w = Math.max(p * (1 - p), 1e-12);
        double r = y[i] - p;
        for (int j = 0; j < d; j++) {
          grad[j] += r * row[j];
          double wj = w * row[j];
          for (int k = 0; k <= j; k++) {
            hess[j][k] += wj * row[k];
          }
        }
      }
      for (int j = 1; j < d; j++) {
        grad[j] -= lambda * beta[j];
        hess[j][j] += lambda;
      }
      double[] step = solveSymmetric(hess, grad);
      double largest = 0;
      for (int j = 0; j < d; j++) {
        beta[j] += step[j];
        largest = Math.max(largest, Math.abs(step[j]));
      }
      if (largest < 1e-9) {
        double[] coef = new double[width];
        System.arraycopy(beta, 1, coef, 0, width);
        return new Fit(beta[0], coef, iter);
      }
    }
    throw new IllegalStateException("logistic regression did not converge in 100 Newton steps;"
        + " a column may separate the outcomes perfectly");
  }

  /** Solves H s = g by Cholesky; H holds its lower triangle and is positive definite. */
  private static double[] solveSymmetric(double[][] h, double[] g) {
    int d = g.length;
    double[][] l = new double[d][d];
    for (int j = 0; j < d; j++) {
      double s = h[j][j];
      for (int k = 0; k < j; k++) {
        s -= l[j][k] * l[j][k];
      }
      if (!(s > 0)) {
        throw new IllegalStateException("the Hessian is not positive definite (column " + j
            + "); increase the L2 penalty");
      }
      l[j][j] = Math.sqrt(s);
      for (int i = j + 1; i < d; i++) {
        double t = h[i][j];
        for (int k = 0; k < j; k++) {
          t -= l[i][k] * l[j][k];
        }
        l[i][j] = t / l[j][j];
      }
    }
    double[] z = new double[d];
    for (int i = 0; i < d; i++) {
      double t = g[i];
      for (int k = 0; k < i; k++) {
        t -= l[i][k] * z[k];
      }
      z[i] = t / l[i][i];
    }
    double[] s = new double[d];
    for (int i = d - 1; i >= 0; i--) {
      double t = z[i];
      for (int k = i + 1; k < d; k++) {
        t -= l[k][i] * s[k];
      }
      s[i] = t / l[i][i];
    }
    return s;
  }
}
