package pe.agriscore.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.function.Supplier;
import pe.agriscore.CreditScorer;
import pe.agriscore.ScorerClosedException;
import pe.agriscore.engine.EngineException;
import pe.agriscore.engine.EngineOptions;
import pe.agriscore.engine.Engines;
import pe.agriscore.engine.ScoringModel;
import pe.agriscore.internal.bundle.Encoder;
import pe.agriscore.internal.bundle.ModelBundle;
import pe.agriscore.scoring.CreditScore;
import pe.agriscore.scoring.ScoringRequest;

/**
 * Closes a scorer (or an engine's model) while threads score with it, round after round: every
 * call must end with a result or the documented closed error, and the rounds must leave no
 * thread and no growing native memory behind. Meant to run in a child JVM (see {@link
 * ChildJvm} and {@link #main}), since a use-after-free in a native engine kills the process.
 */
public final class CloseWhileScoring {

  /** Threads scoring at once, each at batch size 1. */
  public static final int THREADS = 8;

  /** Calls each thread completes before the close starts, so that close meets running calls. */
  private static final int CALLS_BEFORE_CLOSE = 50;

  /**
   * The child's JVM options: the heap committed and touched at start, so that resident memory
   * after round 2 and at the end differ by native memory, not by the heap's first use.
   */
  public static final List<String> JVM_ARGS = List.of("-Xms256m", "-XX:+AlwaysPreTouch");

  /** How much resident memory may grow from round 2 to the end of 20 rounds. */
  private static final long MAX_RSS_GROWTH_KIB = 64 * 1024;

  /** Printed as the last line of a clean run. */
  public static final String OK = "CLOSE-WHILE-SCORING OK";

  private CloseWhileScoring() {}

  /**
   * Runs the check in a child JVM on {@code bundle} in {@code mode} ("scorer" or "model") and
   * fails unless the child printed {@link #OK}: a crash fails the test instead of the build. At
   * least 20 rounds; {@code -Dagriscore.test.close_rounds=100} runs longer.
   */
  public static void assertCleanRunInChildJvm(String engine, String mode, Path bundle)
      throws Exception {
    String rounds =
        String.valueOf(Math.max(20, Integer.getInteger("agriscore.test.close_rounds", 20)));
    String out = ChildJvm.start(CloseWhileScoring.class, JVM_ARGS, mode, bundle.toString(),
        rounds).await();
    System.out.println(engine + " " + mode + ": " + out.lines()
        .filter(l -> l.contains(" rounds: ")).findFirst().orElse(out));
    org.junit.jupiter.api.Assertions.assertTrue(out.contains(OK), out);
  }

  /**
   * Child JVM entry point: {@code <scorer|model> <bundle dir> <rounds>}. {@code scorer} scores
   * through {@link CreditScorer} (the closed error is {@link ScorerClosedException}); {@code
   * model} calls the bundle engine's {@link ScoringModel} directly, which must be safe on its
   * own (the closed error is an {@link EngineException} saying so). Exits with 0 only if the run
   * is clean; the bundle must use {@link TestBundles#schema()}.
   */
  public static void main(String[] args) throws InterruptedException {
    Path dir = Path.of(args[1]);
    int rounds = Integer.parseInt(args[2]);
    List<ScoringRequest> requests = new ArrayList<>();
    Encoder encoder = Encoder.compile(TestBundles.schema(), TestBundles.standardPreprocessing());
    for (ScoringRequest r : TestBundles.randomRequests(5, 600)) {
      if (encoder.validate(r).isEmpty()) {
        requests.add(r);
      }
    }
    if (args[0].equals("scorer")) {
      run(rounds, () -> {
        CreditScorer scorer = CreditScorer.open(dir);
        return new Subject() {
          @Override
          public void scoreOne(int call) {
            CreditScore s = scorer.score(requests.get(call % requests.size()));
            if (!(s.probabilityOfDefault() >= 0 && s.probabilityOfDefault() <= 1)) {
              throw new AssertionError("not a probability: " + s);
            }
          }

          @Override
          public void close() {
            scorer.close();
          }
        };
      }, e -> e instanceof ScorerClosedException);
    } else {
      run(rounds, () -> {
        ModelBundle bundle = ModelBundle.open(dir);
        ScoringModel model = Engines.find(bundle.manifest().engine())
            .load(bundle, EngineOptions.defaults());
        float[][] rows = new float[requests.size()][];
        for (int i = 0; i < rows.length; i++) {
          rows[i] = bundle.encoder().encode(requests.get(i));
        }
        return new Subject() {
          @Override
          public void scoreOne(int call) {
            double p = model.predict(rows[call % rows.length], 1)[0];
            if (!(p >= 0 && p <= 1)) {
              throw new AssertionError("not a probability: " + p);
            }
          }

          @Override
          public void close() {
            model.close();
            bundle.close();
          }
        };
      }, e -> e instanceof EngineException && e.getMessage().endsWith(" is closed"));
    }
  }

  /** What is scored and closed in one round. */
  public interface Subject extends AutoCloseable {
    /**
     * Scores call number {@code call} of a thread at batch size 1.
     *
     * @throws AssertionError if the call returns something that is not a valid result
     */
    void scoreOne(int call);

    @Override
    void close();
  }

  /**
   * Runs {@code rounds} rounds and prints a summary; returns normally only if every call in every
   * round gave a result or an error {@code isClosedError} accepts, and calls after the close all
   * failed that way.
   *
   * @throws AssertionError listing the first unexpected outcomes
   */
  public static void run(int rounds, Supplier<Subject> open, Predicate<Throwable> isClosedError)
      throws InterruptedException {
    long scored = 0;
    long refused = 0;
    long tasksAfterWarmUp = -1;
    long rssAfterWarmUp = -1;
    for (int round = 1; round <= rounds; round++) {
      Subject subject = open.get();
      ConcurrentLinkedQueue<Throwable> unexpected = new ConcurrentLinkedQueue<>();
      CountDownLatch warm = new CountDownLatch(THREADS);
      AtomicLong ok = new AtomicLong();
      AtomicLong closedErrors = new AtomicLong();
      List<Thread> threads = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        Thread thread = new Thread(() -> {
          for (int call = 0; ; call++) {
            try {
              subject.scoreOne(call);
              ok.incrementAndGet();
            } catch (Throwable e) {
              if (isClosedError.test(e)) {
                closedErrors.incrementAndGet();
              } else {
                unexpected.add(e);
              }
              warm.countDown();
              return;
            }
            if (call + 1 == CALLS_BEFORE_CLOSE) {
              warm.countDown();
            }
          }
        }, "close-while-scoring-" + t);
        threads.add(thread);
        thread.start();
      }
      warm.await();
      subject.close();
      for (Thread thread : threads) {
        thread.join(TimeUnit.MINUTES.toMillis(2));
        if (thread.isAlive()) {
          throw new AssertionError(thread.getName() + " still runs 2 minutes after close()");
        }
      }
      try {
        subject.scoreOne(0);
        unexpected.add(new AssertionError("a call after close() returned a result"));
      } catch (Throwable e) {
        if (!isClosedError.test(e)) {
          unexpected.add(e);
        }
      }
      subject.close(); // a second close is a no-op
      if (!unexpected.isEmpty()) {
        AssertionError failure = new AssertionError("round " + round + ": "
            + unexpected.size() + " calls ended with something other than a result or the"
            + " closed error; first: " + unexpected.peek());
        unexpected.stream().limit(3).forEach(failure::addSuppressed);
        throw failure;
      }
      if (closedErrors.get() != THREADS) {
        throw new AssertionError("round " + round + ": " + closedErrors.get() + " of " + THREADS
            + " threads saw the closed error");
      }
      scored += ok.get();
      refused += closedErrors.get();
      if (round == 2) {
        // Round 1 starts the engine's process-wide pools; from round 2 on nothing may grow.
        tasksAfterWarmUp = nativeThreads();
        rssAfterWarmUp = residentKib();
      }
    }
    // The last round's 8 scoring threads may still be exiting (their native tasks outlive the
    // Java threads briefly); a leak does not go away, so wait a bounded while for them.
    long tasks = nativeThreads();
    for (int i = 0; i < 100 && tasks > tasksAfterWarmUp + 6; i++) {
      Thread.sleep(50);
      tasks = nativeThreads();
    }
    long rss = residentKib();
    System.out.printf("%d rounds: %d calls scored, %d refused as closed; native threads %d after"
        + " round 2, %d at the end; VmRSS %d KiB after round 2, %d KiB at the end (%+d KiB)%n",
        rounds, scored, refused, tasksAfterWarmUp, tasks, rssAfterWarmUp, rss,
        rss - rssAfterWarmUp);
    // A leak of one thread per round, or one engine session's memory per round, shows here; JIT
    // and GC threads come and go, hence the slack.
    if (rounds > 2 && tasks > tasksAfterWarmUp + 6) {
      throw new AssertionError("threads grew from " + tasksAfterWarmUp + " to " + tasks
          + " over " + (rounds - 2) + " open/close rounds");
    }
    // Measured: 2 to 25 MiB over 18 rounds, 12 to 35 MiB over 78 (code cache, malloc arenas of
    // the rounds' threads, TensorFlow about 0.2 MiB a load more than the scorecard); a model
    // leaked per round (MiBs of session and buffers) exceeds it.
    long allowed = MAX_RSS_GROWTH_KIB + 512L * Math.max(0, rounds - 20);
    if (rounds > 2 && rss - rssAfterWarmUp > allowed) {
      throw new AssertionError("resident memory grew by " + (rss - rssAfterWarmUp) + " KiB over "
          + (rounds - 2) + " open/close rounds");
    }
    System.out.println(OK);
  }

  /** This process's threads, Java and native, from /proc/self/task, less the JVM's on-demand workers. */
  public static long nativeThreads() {
    try (var tasks = Files.list(Path.of("/proc/self/task"))) {
      return tasks.filter(CloseWhileScoring::isCounted).count();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Every live thread but the JVM's compiler and G1 workers: the JVM starts those on demand (a
   * loaded machine gets more of them mid-run), while a leak of the engine's or AgriScore's
   * threads must show.
   */
  private static boolean isCounted(Path task) {
    String name;
    try {
      name = Files.readString(task.resolve("comm")).strip();
    } catch (IOException e) {
      return false; // the thread ended while the list was read
    }
    return !(name.startsWith("C1 CompilerThre") || name.startsWith("C2 CompilerThre")
        || name.startsWith("GC Thread#") || name.startsWith("G1 "));
  }

  /** This process's resident memory in KiB, from /proc/self/status. */
  public static long residentKib() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    throw new IllegalStateException("no VmRSS in /proc/self/status");
  }
}
