package pe.agriscore.internal;

import java.util.Objects;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

/**
 * The close-while-scoring contract, once for the core: calls run under a read lock, {@link
 * #close} takes the write lock, so it waits for running calls, releases exactly once, and every
 * call that starts afterwards fails with the owner's closed error. Used by the guard around every
 * engine model and by {@code CreditScorer}. Thread-safe.
 */
public final class CloseGuard {

  private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
  private final Supplier<? extends RuntimeException> closedError;
  /** Set before close() waits, so new calls are refused at once; read without the lock. */
  private volatile boolean closed;
  /** Guarded by the write lock. */
  private boolean released;

  /** A guard whose refused calls throw what {@code closedError} makes. */
  public CloseGuard(Supplier<? extends RuntimeException> closedError) {
    this.closedError = Objects.requireNonNull(closedError);
  }

  /**
   * Runs {@code call} unless closed; {@link #close} waits for it to end.
   *
   * @throws RuntimeException the owner's closed error if closed
   */
  public <T> T call(Supplier<T> call) {
    if (closed) {
      throw closedError.get();
    }
    lifecycle.readLock().lock();
    try {
      if (closed) {
        throw closedError.get();
      }
      return call.get();
    } finally {
      lifecycle.readLock().unlock();
    }
  }

  /**
   * Refuses new calls, waits for running ones, then runs {@code release} once; closing again
   * does nothing.
   *
   * @throws IllegalStateException if called from inside a call of this guard (it would wait for
   *     itself)
   */
  public void close(Runnable release) {
    if (lifecycle.getReadHoldCount() > 0) {
      throw new IllegalStateException("close() called from inside a scoring call it would wait"
          + " for");
    }
    closed = true;
    lifecycle.writeLock().lock();
    try {
      if (released) {
        return;
      }
      released = true;
      release.run();
    } finally {
      lifecycle.writeLock().unlock();
    }
  }
}
