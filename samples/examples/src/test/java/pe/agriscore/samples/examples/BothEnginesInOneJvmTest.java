package pe.agriscore.samples.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import pe.agriscore.CreditScorer;
import pe.agriscore.samples.data.FarmerDataGenerator;
import pe.agriscore.samples.data.FarmerRecord;
import pe.agriscore.scoring.CreditScore;
import pe.agriscore.scoring.ScoringRequest;
import pe.agriscore.scoring.ScoringResult;

/**
 * TensorFlow and libtorch loaded into one JVM: both reference MLPs load (golden cases verified),
 * score the same farmers, and give the same results whether they run one after the other or at
 * the same time on two threads.
 */
class BothEnginesInOneJvmTest {

  private static final Path MODELS = Path.of("../models");

  @Test
  void tensorFlowAndPyTorchLoadAndScoreSideBySide() throws Exception {
    List<ScoringRequest> requests = new ArrayList<>();
    for (FarmerRecord r : FarmerDataGenerator.builder().seed(99).rows(2_000).build().generate()) {
      requests.add(r.request());
    }
    try (CreditScorer tf = CreditScorer.open(MODELS.resolve("farmer-mlp-tf"));
        CreditScorer pt = CreditScorer.open(MODELS.resolve("farmer-mlp-pt"))) {
      assertEquals("tensorflow", tf.model().engine());
      assertEquals("pytorch", pt.model().engine());
      String maps = Files.readString(Path.of("/proc/self/maps"));
      assertTrue(maps.contains("libtensorflow_framework.so"), "TensorFlow natives are mapped");
      assertTrue(maps.contains("libtorch_cpu.so"), "libtorch natives are mapped");

      List<Double> tfAlone = oneByOne(tf, requests);
      List<Double> ptAlone = oneByOne(pt, requests);
      ExecutorService pool = Executors.newFixedThreadPool(2);
      try {
        Future<List<Double>> tfTogether = pool.submit(() -> oneByOne(tf, requests));
        Future<List<Double>> ptTogether = pool.submit(() -> oneByOne(pt, requests));
        assertEquals(tfAlone, tfTogether.get());
        assertEquals(ptAlone, ptTogether.get());
      } finally {
        pool.shutdownNow();
      }
      // One batch call: libtorch and TensorFlow may pick other float32 kernels for a batch of
      // 2,000 than for one row, so equal to float precision, not bit for bit.
      assertClose(tfAlone, probabilities(tf.scoreAll(requests)));
      assertClose(ptAlone, probabilities(pt.scoreAll(requests)));
      // Two different models of the same data: they rank applicants alike.
      assertTrue(rankCorrelation(tfAlone, ptAlone) > 0.9);
    }
  }

  private static void assertClose(List<Double> expected, List<Double> actual) {
    assertEquals(expected.size(), actual.size());
    for (int i = 0; i < expected.size(); i++) {
      assertEquals(expected.get(i), actual.get(i), 1e-6, "row " + i);
    }
  }

  private static List<Double> oneByOne(CreditScorer scorer, List<ScoringRequest> requests) {
    List<Double> out = new ArrayList<>();
    for (ScoringRequest r : requests) {
      out.add(scorer.score(r).probabilityOfDefault());
    }
    return out;
  }

  private static List<Double> probabilities(List<ScoringResult> results) {
    List<Double> out = new ArrayList<>();
    for (ScoringResult r : results) {
      out.add(assertInstanceOf(CreditScore.class, r).probabilityOfDefault());
    }
    return out;
  }

  /** Spearman's rank correlation (no ties expected among float probabilities of 2,000 rows). */
  private static double rankCorrelation(List<Double> a, List<Double> b) {
    double[] ra = ranks(a);
    double[] rb = ranks(b);
    int n = a.size();
    double d2 = 0;
    for (int i = 0; i < n; i++) {
      d2 += (ra[i] - rb[i]) * (ra[i] - rb[i]);
    }
    return 1 - 6 * d2 / ((double) n * ((double) n * n - 1));
  }

  private static double[] ranks(List<Double> values) {
    Integer[] order = new Integer[values.size()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    java.util.Arrays.sort(order, (x, y) -> Double.compare(values.get(x), values.get(y)));
    double[] ranks = new double[order.length];
    for (int i = 0; i < order.length; i++) {
      ranks[order[i]] = i;
    }
    return ranks;
  }
}
