package pe.agriscore.engine.tf;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pe.agriscore.CreditScorer;
import pe.agriscore.scoring.CreditScore;
import pe.agriscore.scoring.ScoringRequest;

/** One shared model, more threads than predictors: every thread gets the sequential results. */
class ConcurrencyTest {

  private static final int THREADS = 8;
  private static final int SCORES_PER_THREAD = 10_000;

  @Test
  void eightThreadsGetExactlyTheSequentialResults(@TempDir Path tmp) throws Exception {
    Mlp mlp = new Mlp(11, 42);
    Path bundle = mlp.writeBundle(tmp, "mlp");
    List<ScoringRequest> requests = Mlp.validRequests(77, SCORES_PER_THREAD);
    try (CreditScorer scorer = CreditScorer.open(bundle)) {
      List<CreditScore> sequential = new ArrayList<>();
      for (ScoringRequest r : requests) {
        CreditScore s = scorer.score(r);
        assertEquals(mlp.forward(r), s.probabilityOfDefault(), 1e-5, r.applicantId());
        sequential.add(s);
      }

      ExecutorService pool = Executors.newFixedThreadPool(THREADS);
      CountDownLatch start = new CountDownLatch(1);
      List<Future<Integer>> checked = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        long seed = t;
        checked.add(pool.submit(() -> {
          // Each thread scores every request, in its own order, so calls interleave differently.
          List<Integer> order = new ArrayList<>();
          for (int i = 0; i < requests.size(); i++) {
            order.add(i);
          }
          Collections.shuffle(order, new Random(seed));
          start.await();
          int n = 0;
          for (int i : order) {
            CreditScore expected = sequential.get(i);
            CreditScore actual = scorer.score(requests.get(i));
            assertEquals(expected.probabilityOfDefault(), actual.probabilityOfDefault(),
                requests.get(i).applicantId());
            assertEquals(expected.points(), actual.points());
            assertEquals(expected.grade(), actual.grade());
            assertEquals(expected.reasons(), actual.reasons());
            n++;
          }
          return n;
        }));
      }
      start.countDown();
      int total = 0;
      for (Future<Integer> f : checked) {
        total += f.get();
      }
      pool.shutdown();
      assertEquals(THREADS * SCORES_PER_THREAD, total);
    }
  }
}
