package pe.agriscore.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.function.Supplier;

/**
 * A bounded pool of predictors, for engines whose runtime shares one loaded model across
 * threads but hands out per-call objects that are not thread-safe (DJL's {@code Predictor}): each
 * call borrows a predictor of its own, at most {@code size} calls run at once and the rest wait.
 * Predictors are created on first need, so a model serving one thread holds one.
 *
 * <pre>{@code
 * PredictorPool<Slot> pool = PredictorPool.of(size, () -> new Slot(model.newPredictor(t)),
 *     "model 'farmer-mlp' 1.0.0");
 * double[] p = pool.apply(slot -> slot.predict(rows, rowCount));
 * }</pre>
 *
 * <p>Thread-safe. {@link #close()} closes every predictor created; the caller makes sure no call
 * runs then, which the core's guard around every engine model does (see {@link
 * ScoringModel#close()}).
 *
 * @param <P> the predictor type
 */
public final class PredictorPool<P extends AutoCloseable> implements AutoCloseable {

  private final int size;
  private final Supplier<P> factory;
  private final String description;
  private final Semaphore permits;
  private final ConcurrentLinkedQueue<P> idle = new ConcurrentLinkedQueue<>();
  private final List<P> created = new ArrayList<>();

  /** One call with a borrowed predictor. */
  @FunctionalInterface
  public interface Use<P, R, E extends Exception> {
    /** Runs the call with {@code predictor}, which no other thread uses meanwhile. */
    R apply(P predictor) throws E;
  }

  private PredictorPool(int size, Supplier<P> factory, String description) {
    this.size = size;
    this.factory = factory;
    this.description = description;
    this.permits = new Semaphore(size);
  }

  /**
   * A pool of at most {@code size} predictors made by {@code factory}.
   *
   * @param description the model, for messages, e.g. {@code model 'farmer-mlp' 1.0.0}
   * @throws IllegalArgumentException if {@code size < 1}
   */
  public static <P extends AutoCloseable> PredictorPool<P> of(int size, Supplier<P> factory,
      String description) {
    if (size < 1) {
      throw new IllegalArgumentException("a predictor pool needs size >= 1, got " + size);
    }
    return new PredictorPool<>(size, Objects.requireNonNull(factory), description);
  }

  /**
   * Runs {@code use} with a predictor of its own, waiting while {@code size} calls run.
   *
   * @throws EngineException if the thread is interrupted while it waits
   * @throws E what {@code use} throws
   */
  public <R, E extends Exception> R apply(Use<? super P, R, E> use) throws E {
    try {
      permits.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new EngineException("interrupted while waiting for a free predictor of "
          + description, e);
    }
    P predictor = null;
    try {
      predictor = borrow();
      return use.apply(predictor);
    } finally {
      if (predictor != null) {
        idle.offer(predictor);
      }
      permits.release();
    }
  }

  private P borrow() {
    P p = idle.poll();
    if (p != null) {
      return p;
    }
    p = Objects.requireNonNull(factory.get(), "predictor factory returned null");
    synchronized (created) {
      created.add(p);
    }
    return p;
  }

  /** The most predictors, and so the most calls at once. */
  public int size() {
    return size;
  }

  /** How many predictors exist so far (at most {@link #size()}). */
  public int created() {
    synchronized (created) {
      return created.size();
    }
  }

  /**
   * Closes every predictor created; call only when no call runs.
   *
   * @throws EngineException naming the model if a predictor fails to close (the others are still
   *     closed)
   */
  @Override
  public void close() {
    EngineException failure = null;
    synchronized (created) {
      for (P p : created) {
        try {
          p.close();
        } catch (Exception e) {
          if (failure == null) {
            failure = new EngineException("a predictor of " + description + " failed to close: "
                + e.getMessage(), e);
          } else {
            failure.addSuppressed(e);
          }
        }
      }
      created.clear();
    }
    idle.clear();
    if (failure != null) {
      throw failure;
    }
  }
}
