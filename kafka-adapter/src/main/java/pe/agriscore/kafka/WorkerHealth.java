package pe.agriscore.kafka;

import java.time.Duration;

/**
 * What one worker tells {@link KafkaScoringService#health()}: what it waits for from the brokers
 * and since when, the last failed write not followed by a commit, and its partition count.
 * Written by the worker thread, read by any.
 */
final class WorkerHealth {

  private final String threadName;
  private volatile String waitingFor;
  private volatile long waitingSince;
  private volatile String lastWriteFailure;
  private volatile long lastWriteFailureAt;
  private volatile int assignedPartitions;
  /** Failed writes since the last commit; worker thread only. */
  private int failedWrites;

  WorkerHealth(String threadName) {
    this.threadName = threadName;
  }

  void waiting(String what) {
    waitingSince = System.nanoTime();
    waitingFor = what;
  }

  void doneWaiting() {
    waitingFor = null;
  }

  /**
   * Records a failed write.
   *
   * @return the failed writes in a row, this one included
   */
  int writeFailed(Throwable cause) {
    lastWriteFailure = cause.toString();
    lastWriteFailureAt = System.nanoTime();
    return ++failedWrites;
  }

  /** A batch was written and committed: the failures before it are over. */
  void written() {
    failedWrites = 0;
    lastWriteFailure = null;
  }

  void assigned(int partitions) {
    assignedPartitions = partitions;
  }

  int assignedPartitions() {
    return assignedPartitions;
  }

  /** What the worker waits for, if it has waited longer than {@code stall}; else null. */
  String stalledOn(long nowNanos, Duration stall) {
    String what = waitingFor;
    long since = waitingSince;
    if (what == null || nowNanos - since < stall.toNanos()) {
      return null;
    }
    return threadName + ": " + what + " for " + (nowNanos - since) / 1_000_000_000L + " s";
  }

  /** The last write that failed, if no commit followed it; else null. */
  String lastWriteFailure(long nowNanos) {
    String failure = lastWriteFailure;
    if (failure == null) {
      return null;
    }
    return threadName + ": a write failed " + (nowNanos - lastWriteFailureAt) / 1_000_000_000L
        + " s ago and nothing was committed since; its batch is read again: " + failure;
  }
}
