package pe.agriscore.samples.training;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import pe.agriscore.schema.BooleanFeature;
import pe.agriscore.schema.CategoricalFeature;
import pe.agriscore.schema.Feature;
import pe.agriscore.schema.FeatureSchema;
import pe.agriscore.schema.FeatureTransform;
import pe.agriscore.schema.NumericFeature;
import pe.agriscore.schema.Preprocessing;
import pe.agriscore.scoring.ScoringRequest;

/**
 * Fits the weight-of-evidence preprocessing of a logistic scorecard on training rows.
 *
 * <ul>
 *   <li>Numeric features: up to {@code maxBins} quantile bins of the non-missing values (equal
 *       values never split), bins smaller than {@code minBinShare} of the rows or without a
 *       default or a non-default merged into the neighbour with the closer default rate, then
 *       adjacent bins merged until the default rate is monotonic, unless that loses more than a
 *       fifth of the information value (a genuinely U-shaped risk, such as rainfall far from
 *       normal in either direction, keeps its shape). Transform {@code woe_bins}, with bin edges
 *       half-way between neighbouring training values.
 *   <li>Categorical features: one weight of evidence per level ({@code woe_levels}); a level
 *       seen rarely or never is shrunk towards 0, the population's log-odds.
 *   <li>Booleans: {@code binary}; with its own coefficient that is the same as a two-level
 *       weight of evidence.
 * </ul>
 *
 * <p>Weight of evidence here is {@code ln(odds of non-default in the bin / odds in the training
 * population)}, computed from a default rate shrunk towards the population's by {@value
 * #PRIOR_ROWS} pseudo-rows: positive is safer. A missing value is imputed as the schema says and
 * flagged by the encoder's missing-indicator column, which gets its own coefficient, so bins are
 * fitted on observed values only.
 *
 * <pre>{@code
 * WoeBinning.Result woe = WoeBinning.fit(schema, trainingRows, 20, 0.05);
 * Encoder encoder = Encoder.compile(schema, woe.preprocessing());
 * }</pre>
 */
public final class WoeBinning {

  /** Pseudo-rows at the population default rate added to every bin and level. */
  static final double PRIOR_ROWS = 10;

  private WoeBinning() {}

  /**
   * The fitted preprocessing and, for the report, each feature's information value.
   *
   * @param preprocessing one transform per schema feature
   * @param informationValue information value by feature name (numeric and categorical)
   * @param monotonic by numeric feature name: whether its bins were made monotonic
   */
  public record Result(
      Preprocessing preprocessing, Map<String, Double> informationValue,
      Map<String, Boolean> monotonic) {}

  /**
   * Fits the transforms.
   *
   * @param maxBins most initial quantile bins per numeric feature, e.g. 20
   * @param minBinShare smallest share of a feature's observed rows in one bin, e.g. 0.05
   */
  public static Result fit(FeatureSchema schema, List<LabeledRow> train, int maxBins,
      double minBinShare) {
    if (maxBins < 1 || !(minBinShare >= 0 && minBinShare < 1)) {
      throw new IllegalArgumentException("need maxBins >= 1 and 0 <= minBinShare < 1");
    }
    double rate = LabeledData.defaultRate(train);
    List<FeatureTransform> transforms = new ArrayList<>();
    Map<String, Double> iv = new LinkedHashMap<>();
    Map<String, Boolean> monotonic = new LinkedHashMap<>();
    for (Feature f : schema.features()) {
      if (f instanceof NumericFeature) {
        NumericFit fit = fitNumeric(f.name(), train, rate, maxBins, minBinShare);
        transforms.add(fit.transform);
        iv.put(f.name(), fit.iv);
        monotonic.put(f.name(), fit.monotonic);
      } else if (f instanceof CategoricalFeature cf) {
        Map<String, Double> woe = new LinkedHashMap<>();
        double[] levelIv = {0};
        Map<String, long[]> counts = new LinkedHashMap<>();
        for (String level : cf.levels()) {
          counts.put(level, new long[2]);
        }
        for (LabeledRow r : train) {
          if (r.request().get(f.name()) instanceof String s && counts.containsKey(s)) {
            counts.get(s)[0]++;
            counts.get(s)[1] += r.defaulted();
          }
        }
        long total = counts.values().stream().mapToLong(c -> c[0]).sum();
        long totalBad = counts.values().stream().mapToLong(c -> c[1]).sum();
        counts.forEach((level, c) -> {
          woe.put(level, woe(c[0], c[1], rate));
          levelIv[0] += informationValue(c[0], c[1], total, totalBad);
        });
        transforms.add(new FeatureTransform.WoeLevels(f.name(), woe));
        iv.put(f.name(), levelIv[0]);
      } else if (f instanceof BooleanFeature) {
        transforms.add(new FeatureTransform.Binary(f.name()));
      }
    }
    return new Result(new Preprocessing(transforms), iv, monotonic);
  }

  /** A bin of sorted values: [first, last] indices into the sorted arrays. */
  private static final class Bin {
    double min;
    double max;
    long n;
    long bad;

    double rate() {
      return n == 0 ? 0 : (double) bad / n;
    }

    Bin merge(Bin o) {
      Bin b = new Bin();
      b.min = Math.min(min, o.min);
      b.max = Math.max(max, o.max);
      b.n = n + o.n;
      b.bad = bad + o.bad;
      return b;
    }
  }

  private record NumericFit(FeatureTransform.WoeBins transform, double iv, boolean monotonic) {}

  private static NumericFit fitNumeric(String name, List<LabeledRow> train, double rate,
      int maxBins, double minBinShare) {
    int n = 0;
    double[] xs = new double[train.size()];
    int[] ys = new int[train.size()];
    for (LabeledRow r : train) {
      ScoringRequest q = r.request();
      if (q.get(name) instanceof Double d) {
        xs[n] = d;
        ys[n++] = r.defaulted();
      }
    }
    if (n == 0) {
      return new NumericFit(new FeatureTransform.WoeBins(name, new double[0], new double[] {0}), 0,
          true);
    }
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    final double[] x = xs;
    Arrays.sort(order, (a, b) -> Double.compare(x[a], x[b]));
    List<Bin> bins = new ArrayList<>();
    Bin current = null;
    int target = Math.max(1, (int) Math.ceil((double) n / maxBins));
    for (int k = 0; k < n; k++) {
      double v = x[order[k]];
      if (current == null || (current.n >= target && v > current.max)) {
        current = new Bin();
        current.min = v;
        bins.add(current);
      }
      current.max = v;
      current.n++;
      current.bad += ys[order[k]];
    }
    long minRows = Math.max(1, (long) Math.ceil(minBinShare * n));
    mergeSmall(bins, minRows);
    List<Bin> free = new ArrayList<>(bins);
    List<Bin> mono = monotone(new ArrayList<>(bins));
    long totalBad = bins.stream().mapToLong(b -> b.bad).sum();
    double ivFree = iv(free, n, totalBad);
    double ivMono = iv(mono, n, totalBad);
    boolean useMono = ivMono >= 0.8 * ivFree;
    List<Bin> chosen = useMono ? mono : free;
    double[] edges = new double[chosen.size() - 1];
    double[] woe = new double[chosen.size()];
    for (int i = 0; i < chosen.size(); i++) {
      Bin b = chosen.get(i);
      woe[i] = woe(b.n, b.bad, rate);
      if (i < edges.length) {
        edges[i] = (b.max + chosen.get(i + 1).min) / 2;
      }
    }
    return new NumericFit(new FeatureTransform.WoeBins(name, edges, woe), useMono ? ivMono : ivFree,
        useMono);
  }

  /** Merges bins below minRows, or without both outcomes, into the neighbour of closer rate. */
  private static void mergeSmall(List<Bin> bins, long minRows) {
    while (bins.size() > 1) {
      int worst = -1;
      for (int i = 0; i < bins.size(); i++) {
        Bin b = bins.get(i);
        boolean tooSmall = b.n < minRows || b.bad == 0 || b.bad == b.n;
        if (tooSmall && (worst < 0 || b.n < bins.get(worst).n)) {
          worst = i;
        }
      }
      if (worst < 0) {
        return;
      }
      int other;
      if (worst == 0) {
        other = 1;
      } else if (worst == bins.size() - 1) {
        other = worst - 1;
      } else {
        double r = bins.get(worst).rate();
        other = Math.abs(bins.get(worst - 1).rate() - r) <= Math.abs(bins.get(worst + 1).rate() - r)
            ? worst - 1 : worst + 1;
      }
      mergeAt(bins, Math.min(worst, other));
    }
  }

  /** Merges adjacent violators until the default rate moves strictly in one direction. */
  private static List<Bin> monotone(List<Bin> bins) {
    if (bins.size() < 2) {
      return bins;
    }
    boolean increasing = bins.get(bins.size() - 1).rate() >= bins.get(0).rate();
    boolean changed = true;
    while (changed && bins.size() > 1) {
      changed = false;
      for (int i = 0; i + 1 < bins.size(); i++) {
        double a = bins.get(i).rate();
        double b = bins.get(i + 1).rate();
        // Equal rates are merged too: a split that separates nothing only adds noise.
        if (increasing ? b <= a : b >= a) {
          mergeAt(bins, i);
          changed = true;
          break;
        }
      }
    }
    return bins;
  }

  private static void mergeAt(List<Bin> bins, int i) {
    Bin merged = bins.get(i).merge(bins.get(i + 1));
    bins.remove(i + 1);
    bins.set(i, merged);
  }

  /** ln(odds of non-default in the group / odds in the population), shrunk towards 0. */
  static double woe(long n, long bad, double populationRate) {
    double r = (bad + PRIOR_ROWS * populationRate) / (n + PRIOR_ROWS);
    return Math.log((1 - r) / r) - Math.log((1 - populationRate) / populationRate);
  }

  private static double iv(List<Bin> bins, long total, long totalBad) {
    double sum = 0;
    for (Bin b : bins) {
      sum += informationValue(b.n, b.bad, total, totalBad);
    }
    return sum;
  }

  /** This group's term of the information value (0.5 pseudo-counts avoid empty cells). */
  private static double informationValue(long n, long bad, long total, long totalBad) {
    if (n == 0) {
      return 0;
    }
    double good = n - bad;
    double totalGood = total - totalBad;
    double pg = (good + 0.5) / (totalGood + 0.5);
    double pb = (bad + 0.5) / (totalBad + 0.5);
    return (pg - pb) * Math.log(pg / pb);
  }
}
