package pe.agriscore.samples.data;

/**
 * A SplitMix64 random stream with the few distributions the generator draws from.
 *
 * <p>Written out here rather than taken from {@code java.util} so that the farmer data is
 * byte-identical on every JDK: the algorithm and every transcendental function ({@link
 * StrictMath}) are fixed, and {@code nextGaussian} of the JDK has changed between releases. Not
 * thread-safe; each generated row has its own stream.
 */
final class Rng {

  private static final long GOLDEN = 0x9E3779B97F4A7C15L;
  private long state;

  private Rng(long state) {
    this.state = state;
  }

  /** An independent stream for {@code (seed, stream)}: rows use their index as the stream. */
  static Rng of(long seed, long stream) {
    return new Rng(mix(seed ^ mix(stream * GOLDEN + 0x632BE59BD9B4E019L)));
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  long nextLong() {
    state += GOLDEN;
    return mix(state);
  }

  /** Uniform on [0, 1). */
  double uniform() {
    return (nextLong() >>> 11) * 0x1.0p-53;
  }

  /** Uniform on [lo, hi). */
  double uniform(double lo, double hi) {
    return lo + (hi - lo) * uniform();
  }

  boolean bernoulli(double p) {
    return uniform() < p;
  }

  /** Standard normal, Box-Muller (one value per call, so draw counts stay fixed). */
  double gaussian() {
    double u1 = 1.0 - uniform(); // (0, 1]
    double u2 = uniform();
    return StrictMath.sqrt(-2 * StrictMath.log(u1)) * StrictMath.cos(2 * Math.PI * u2);
  }

  double normal(double mean, double sd) {
    return mean + sd * gaussian();
  }

  /** Exponential with the given mean. */
  double exponential(double mean) {
    return -mean * StrictMath.log(1.0 - uniform());
  }

  /** Gamma(shape, scale) by Marsaglia and Tsang; shape below 1 by the boost u^(1/shape). */
  double gamma(double shape, double scale) {
    if (shape < 1) {
      double u = 1.0 - uniform();
      return gamma(shape + 1, scale) * StrictMath.pow(u, 1 / shape);
    }
    double d = shape - 1.0 / 3;
    double c = 1 / StrictMath.sqrt(9 * d);
    while (true) {
      double x = gaussian();
      double v = 1 + c * x;
      if (v <= 0) {
        continue;
      }
      v = v * v * v;
      double u = 1.0 - uniform();
      if (StrictMath.log(u) < 0.5 * x * x + d - d * v + d * StrictMath.log(v)) {
        return d * v * scale;
      }
    }
  }

  /** Beta(a, b) from two gammas. */
  double beta(double a, double b) {
    double x = gamma(a, 1);
    double y = gamma(b, 1);
    return x / (x + y);
  }

  /** Poisson by Knuth's product of uniforms; fine for the small means used here (under 10). */
  int poisson(double mean) {
    double limit = StrictMath.exp(-mean);
    double p = uniform();
    int k = 0;
    while (p > limit) {
      p *= uniform();
      k++;
    }
    return k;
  }

  /** Index drawn with probability proportional to {@code cumulative} increments. */
  int choose(double[] cumulative) {
    double u = uniform() * cumulative[cumulative.length - 1];
    for (int i = 0; i < cumulative.length; i++) {
      if (u < cumulative[i]) {
        return i;
      }
    }
    return cumulative.length - 1;
  }
}
