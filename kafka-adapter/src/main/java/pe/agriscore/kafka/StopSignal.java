package pe.agriscore.kafka;

/**
 * The stop and abandon requests of one worker, set by the service's threads and read by the
 * worker's loop and its writer.
 */
final class StopSignal {

  private volatile boolean stopRequested;
  private volatile boolean abandoned;

  /** Finish the batches in hand, commit them and close. */
  void requestStop() {
    stopRequested = true;
  }

  /** Give up on the batches in hand: they stay uncommitted and are read again later. */
  void abandon() {
    abandoned = true;
    stopRequested = true;
  }

  boolean stopRequested() {
    return stopRequested;
  }

  boolean abandoned() {
    return abandoned;
  }

  /**
   * Ends the call in progress once the worker is abandoned: a blocking client call retried in a
   * loop (commit, abort, initialization) or a wait for the scoring thread.
   *
   * @throws Abandoned if the worker was abandoned
   */
  void checkAbandoned() {
    if (abandoned) {
      throw new Abandoned();
    }
  }

  /** Ends the worker without committing the batch in hand. */
  static final class Abandoned extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Abandoned() {
      super("abandoned", null, false, false);
    }
  }
}
