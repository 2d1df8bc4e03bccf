package pe.agriscore.engine.pt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pe.agriscore.engine.EngineException;
import pe.agriscore.engine.EngineOptions;
import pe.agriscore.engine.ScoringModel;
import pe.agriscore.internal.bundle.Encoder;
import pe.agriscore.internal.bundle.ModelBundle;
import pe.agriscore.testing.TestBundles;

/** One shared model, many threads: each gets exactly what it would get alone. */
class ConcurrencyTest {

  private static final int THREADS = 8;
  private static final int SCORES_PER_THREAD = 10_000;
  private static final int WIDTH = 11;
  /**
   * Rows per work scored on new threads. Before the per-thread fix every work's first mismatch
   * came within its first 200 rows, so this catches it while keeping the tests short.
   */
  private static final int FRESH_SCORES = 2_500;

  @TempDir static Path tmp;

  private static ModelBundle bundle;
  private static ScoringModel model;

  @BeforeAll
  static void load() throws Exception {
    bundle = ModelBundle.open(PtFixtures.farmerBundle(tmp, PtFixtures.SCRIPTED,
        PtFixtures.golden(2)));
    // Fewer predictors than threads, so callers also wait for one another.
    model = new PyTorchEngine().load(bundle,
        EngineOptions.builder().set(PyTorchEngine.POOL_SIZE, "3").build());
    scoreSequentially();
  }

  @AfterAll
  static void close() {
    model.close();
    bundle.close();
  }

  /** Encoded random requests of one thread, and the batch sizes it scores them in. */
  private record Work(float[] rows, int[] batches) {}

  private static Work work(int thread) {
    Encoder encoder = bundle.encoder();
    float[] rows = new float[SCORES_PER_THREAD * WIDTH];
    Random rnd = new Random(thread);
    // TestBundles draws drought from a Gaussian, so a few requests fall outside the schema.
    for (int i = 0; i < SCORES_PER_THREAD; ) {
      var request = TestBundles.randomRequest(rnd, "PE-" + thread + "-" + i);
      if (encoder.validate(request).isEmpty()) {
        encoder.encode(request, rows, i++ * WIDTH);
      }
    }
    List<Integer> batches = new ArrayList<>();
    int left = SCORES_PER_THREAD;
    while (left > 0) {
      // Mostly single scores, as an online API sends them, with some small batches.
      int n = Math.min(left, rnd.nextInt(4) == 0 ? 1 + rnd.nextInt(16) : 1);
      batches.add(n);
      left -= n;
    }
    return new Work(rows, batches.stream().mapToInt(Integer::intValue).toArray());
  }

  /** The scores of {@code w}'s batches up to (at least) {@code scores} rows, in order. */
  private static double[] score(Work w, int scores) {
    double[] out = new double[SCORES_PER_THREAD];
    int at = 0;
    for (int n : w.batches()) {
      if (at >= scores) {
        break;
      }
      float[] batch = Arrays.copyOfRange(w.rows(), at * WIDTH, (at + n) * WIDTH);
      System.arraycopy(model.predict(batch, n), 0, out, at, n);
      at += n;
    }
    return Arrays.copyOf(out, at);
  }

  private static List<Work> works;
  /** Each work scored on the test thread, one call after the other. */
  private static List<double[]> sequential;

  private static void scoreSequentially() {
    works = new ArrayList<>();
    sequential = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      works.add(work(t));
      sequential.add(score(works.get(t), SCORES_PER_THREAD));
    }
  }

  private static void assertSequential(int thread, double[] got) {
    assertArrayEquals(Arrays.copyOf(sequential.get(thread), got.length), got, "thread " + thread);
  }

  @Test
  void eightThreadsGiveExactlyTheSequentialResults() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<double[]>> futures = new ArrayList<>();
      for (Work w : works) {
        futures.add(pool.submit(() -> {
          start.await();
          return score(w, SCORES_PER_THREAD);
        }));
      }
      start.countDown();
      for (int t = 0; t < THREADS; t++) {
        assertSequential(t, futures.get(t).get(5, TimeUnit.MINUTES));
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * A thread that never called libtorch before gets the same scores, alone: libtorch's thread
   * count is per calling thread (docs/engine-pytorch.md, "Each call gives the result it would
   * give alone"), and a new thread used to run batches through MKL with one OpenMP thread per core.
   */
  @Test
  void aNewThreadAloneGivesExactlyTheSequentialResults() throws Exception {
    for (int t = 0; t < THREADS; t++) {
      assertSequential(t, onNewThreads(List.of(works.get(t))).get(0));
    }
  }

  /** The same from eight new threads at once while busy threads take every core. */
  @Test
  void newThreadsUnderCpuLoadGiveExactlyTheSequentialResults() throws Exception {
    AtomicBoolean burning = new AtomicBoolean(true);
    List<Thread> burners = new ArrayList<>();
    for (int i = 0; i < Runtime.getRuntime().availableProcessors(); i++) {
      Thread burner = new Thread(() -> {
        while (burning.get()) {
          // spin: a competitor for the cores, as other processes on a loaded host are
        }
      }, "cpu-burner-" + i);
      burner.setDaemon(true);
      burner.start();
      burners.add(burner);
    }
    try {
      List<double[]> got = onNewThreads(works);
      for (int t = 0; t < THREADS; t++) {
        assertSequential(t, got.get(t));
      }
    } finally {
      burning.set(false);
      for (Thread burner : burners) {
        burner.join();
      }
    }
  }

  /** Scores the first {@value #FRESH_SCORES} rows of each work on a thread of its own, at once. */
  private static List<double[]> onNewThreads(List<Work> todo) throws InterruptedException {
    List<double[]> results = new ArrayList<>(Collections.nCopies(todo.size(), null));
    List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < todo.size(); i++) {
      int index = i;
      Thread thread = new Thread(() -> results.set(index, score(todo.get(index), FRESH_SCORES)),
          "new-scorer-" + i);
      thread.setUncaughtExceptionHandler((th, e) -> failures.add(e));
      threads.add(thread);
    }
    threads.forEach(Thread::start);
    for (Thread thread : threads) {
      thread.join();
    }
    if (!failures.isEmpty()) {
      throw new AssertionError("scoring failed on a new thread", failures.get(0));
    }
    return results;
  }

  @Test
  void argumentsAreChecked() {
    assertEquals(0, model.predict(new float[0], 0).length);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> model.predict(new float[WIDTH], 2));
    assertEquals("expected at least 2 rows of 11 floats, got 11 floats", e.getMessage());
  }

  @Test
  void closeReleasesTheModelAndLaterCallsFail() throws Exception {
    ScoringModel other = new PyTorchEngine().load(bundle, EngineOptions.defaults());
    float[] row = new float[WIDTH];
    double before = other.predict(row, 1)[0];
    assertEquals(model.predict(row, 1)[0], before);
    other.close();
    other.close();
    EngineException e = assertThrows(EngineException.class, () -> other.predict(row, 1));
    assertEquals("the PyTorch model model/mlp.pt is closed", e.getMessage());
    // The shared runtime and the other model are unaffected.
    assertEquals(before, model.predict(row, 1)[0]);
  }
}
