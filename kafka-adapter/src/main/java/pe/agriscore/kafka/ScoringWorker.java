package pe.agriscore.kafka;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import pe.agriscore.CreditScorer;
import pe.agriscore.scoring.ScoringJson;

/**
 * One consumer thread of a service: a consumer, its own producer (transactional under
 * exactly_once, so fencing follows the consumer's group generation as in KIP-447) and a scoring
 * thread.
 *
 * <p>The loop is a two-stage pipeline, its state the batches {@link InHand}: while the scoring thread scores one polled batch, the
 * consumer thread writes and commits the batch scored before it, so the engine's work and the
 * broker round trips overlap instead of adding up. A batch is written in one transaction under
 * exactly_once (scores, dead letters and offsets together), or flushed and then committed under
 * at_least_once, always in poll order. A batch whose write fails is never committed: the consumer
 * is rewound to its first offsets and reads it again, together with the batch polled after it,
 * so nothing is lost and, under exactly_once, nothing becomes visible twice.
 *
 * <p>While the engine works, the loop keeps polling with every partition paused: the consumer
 * stays in its group and takes part in rebalances however long scoring takes (slow engines,
 * engine retries), without fetching more. Rebalance callbacks only run inside those polls, when
 * at most one batch is in hand. On revocation the batch in hand is finished and committed before
 * the partitions go; on loss it is dropped uncommitted for the new owner to score. A stop request
 * finishes the batches in hand, commits them and closes the clients. Writing and committing is
 * the {@link BatchWriter} of the delivery mode.
 */
final class ScoringWorker implements Runnable {

  private static final Logger LOG = LoggerFactory.getLogger(ScoringWorker.class);

  /** How long the loop waits on the scoring thread between two keep-alive polls. */
  private static final long LIVENESS_SLICE_MS = 50;

  /** Receives a worker's end. */
  interface Listener {
    void workerFailed(ScoringWorker worker, Throwable failure);
  }

  private final int index;
  private final KafkaScoringConfig config;
  private final BatchScorer batchScorer;
  private final ServiceMetrics metrics;
  private final Listener listener;
  private final Consumer<byte[], byte[]> consumer;
  private final BatchWriter writer;
  private final ExecutorService scoringThread;
  private final StopSignal stop = new StopSignal();
  private final WorkerHealth health;
  private final InHand inHand = new InHand();
  /** Counted down once transactions are initialized and the consumer subscribed. */
  private final CountDownLatch ready = new CountDownLatch(1);
  private volatile Thread runner;
  /** A failure raised inside a rebalance callback, rethrown after the poll that ran it. */
  private RuntimeException callbackFailure;

  /**
   * @param requestLimits the limits requests are parsed within ({@link
   *     KafkaScoringConfig#requestLimits(int)})
   * @param limits the largest record each topic takes, found at start
   * @param producerDefaults producer settings found at start, for those the host did not set
   */
  ScoringWorker(int index, KafkaScoringConfig config, CreditScorer scorer,
      ScoringJson.Limits requestLimits, ServiceMetrics metrics, RecordLimits limits,
      Map<String, Object> producerDefaults, Listener listener) {
    this.index = index;
    this.config = config;
    this.metrics = metrics;
    this.listener = listener;
    this.health = new WorkerHealth(threadName());
    this.batchScorer = new BatchScorer(scorer, config, requestLimits, metrics, limits);
    this.consumer = new KafkaConsumer<>(config.consumerConfig(index));
    try {
      this.writer = BatchWriter.create(new BatchWriter.Context(index, threadName(), config,
          producerDefaults, limits, metrics, health, stop, consumer));
    } catch (RuntimeException e) {
      consumer.close(CloseOptions.timeout(Duration.ZERO));
      throw e;
    }
    this.scoringThread = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, threadName() + "-scoring");
      t.setDaemon(true);
      return t;
    });
  }

  String threadName() {
    return "agriscore-kafka-" + config.groupId + "-" + index;
  }

  /** Asks the loop to finish the batch in hand, commit it and close. Returns at once. */
  void requestStop() {
    stop.requestStop();
  }

  /**
   * Gives up on the batch in hand (it stays uncommitted) and makes blocking calls return: the
   * consumer is woken up and the thread interrupted, which also ends a send or a transaction
   * call waiting for metadata or a coordinator.
   */
  void abandon() {
    stop.abandon();
    consumer.wakeup();
    scoringThread.shutdownNow();
    Thread t = runner;
    if (t != null) {
      t.interrupt();
    }
  }

  /**
   * Waits until transactions are initialized and the consumer subscribed.
   *
   * @return false if that did not happen within {@code timeout}
   */
  boolean awaitReady(Duration timeout) throws InterruptedException {
    return ready.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  /** What this thread waits for, if it has waited longer than {@code stall}; else null. */
  String stalledOn(long nowNanos, Duration stall) {
    return health.stalledOn(nowNanos, stall);
  }

  /** The last write that failed, if no commit followed it; else null. */
  String lastWriteFailure(long nowNanos) {
    return health.lastWriteFailure(nowNanos);
  }

  int assignedPartitions() {
    return health.assignedPartitions();
  }

  /** Releases the clients of a worker whose service failed to start. */
  void closeUnstarted() {
    stop.abandon();
    closeClients();
  }

  @Override
  public void run() {
    runner = Thread.currentThread();
    Throwable failure = null;
    try {
      writer.init();
      consumer.subscribe(List.of(config.inputTopic), new Rebalance());
      ready.countDown();
      while (!stop.stopRequested()) {
        // A scored batch waits for no more than what is already fetched.
        ConsumerRecords<byte[], byte[]> polled = consumer.poll(
            inHand.hasScored() ? Duration.ZERO : config.pollTimeout);
        throwCallbackFailure();
        process(polled);
      }
      writeScored(null);
    } catch (WakeupException | InterruptException e) {
      if (!stop.abandoned()) {
        failure = e;
      }
    } catch (StopSignal.Abandoned e) {
      LOG.warn("{}: stopped without committing its current work; uncommitted records are read"
          + " again by the next owner of their partitions", threadName());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      if (!stop.abandoned()) {
        failure = e;
      }
    } catch (UnsupportedVersionException e) {
      failure = StartCheck.controllerPort(String.valueOf(config.consumerConfig(index)
          .get(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG)), e);
    } catch (Throwable t) {
      failure = t;
    } finally {
      // A failed or abandoned batch must not be committed by the revocation that close() runs.
      inHand.takeAny();
      if (stop.abandoned()) {
        // The interrupt that ended a blocking call would also cut the clients' close short.
        Thread.interrupted();
      }
      closeClients();
      health.doneWaiting();
    }
    if (failure != null) {
      failure = ClientFailures.explain(failure, config.consumerConfig(index));
      LOG.error("{} failed", threadName(), failure);
      listener.workerFailed(this, failure);
    }
  }

  /** Starts scoring what was polled, writes the previous batch meanwhile, then awaits the new. */
  private void process(ConsumerRecords<byte[], byte[]> polled) throws InterruptedException {
    PolledBatch batch = null;
    if (!polled.isEmpty()) {
      metrics.polled(polled.count());
      batch = new PolledBatch(polled);
      PolledBatch scoring = batch;
      batch.scoring = scoringThread.submit(() -> batchScorer.score(scoring.records));
      inHand.startScoring(batch);
    }
    writeScored(batch);
    if (batch != null && inHand.isScoring(batch)) {
      awaitScoring(batch);
      throwCallbackFailure();
      inHand.scored(batch);
    }
  }

  /**
   * Writes and commits the scored batch in hand, if any. If that fails, {@code later} (the
   * batch polled after it, or null) is dropped too and both are read again.
   */
  private void writeScored(PolledBatch later) throws InterruptedException {
    PolledBatch batch = inHand.takeScored();
    if (batch == null) {
      return;
    }
    if (!write(batch) && later != null) {
      inHand.takeAny();
      waitForScoring(later);
      rewind(later);
      // Seeks for partitions in both batches end at the earlier batch's first offsets.
      rewind(batch);
    }
  }

  /** Waits for the scoring thread, polling with paused partitions to stay in the group. */
  private void awaitScoring(PolledBatch batch) throws InterruptedException {
    boolean paused = false;
    try {
      while (inHand.isScoring(batch) && !scoredWithinSlice(batch)) {
        stop.checkAbandoned();
        if (!paused) {
          consumer.pause(consumer.assignment());
          paused = true;
        }
        // May run rebalance callbacks, which finish the batch or drop it.
        ConsumerRecords<byte[], byte[]> stray = consumer.poll(Duration.ZERO);
        if (!stray.isEmpty()) {
          // Only a partition assigned without being paused can return records: read them later.
          rewindTo(stray);
        }
      }
    } finally {
      if (paused) {
        consumer.resume(consumer.paused());
      }
    }
  }

  /**
   * Writes and commits a scored batch, or rewinds the consumer so it is read again.
   *
   * @return whether the batch was written and committed
   */
  private boolean write(PolledBatch batch) throws InterruptedException {
    // An abandoned batch was interrupted mid-scoring: it is not a failure, and not committed.
    stop.checkAbandoned();
    ScoredBatch scored;
    try {
      scored = batch.scoring.get();
    } catch (ExecutionException e) {
      throw asUnchecked(e.getCause());
    }
    health.waiting("writing and committing a batch of " + batch.size() + " records");
    boolean written;
    try {
      written = writer.write(batch, scored);
    } finally {
      health.doneWaiting();
    }
    if (written) {
      health.written();
    } else {
      metrics.rewinds.increment();
      rewind(batch);
    }
    return written;
  }

  /** Waits for the scoring thread without polling: only while partitions are moving. */
  private void waitForScoring(PolledBatch batch) throws InterruptedException {
    while (!scoredWithinSlice(batch)) {
      stop.checkAbandoned();
    }
  }

  /** Whether the batch's scoring ended, either way, within one liveness slice. */
  private static boolean scoredWithinSlice(PolledBatch batch) throws InterruptedException {
    try {
      batch.scoring.get(LIVENESS_SLICE_MS, TimeUnit.MILLISECONDS);
      return true;
    } catch (ExecutionException e) {
      return true;
    } catch (TimeoutException e) {
      return false;
    }
  }

  /** Moves each partition of a discarded batch back to the batch's first offset. */
  private void rewind(PolledBatch batch) {
    for (Map.Entry<TopicPartition, Long> e : batch.firstOffsets.entrySet()) {
      if (consumer.assignment().contains(e.getKey())) {
        consumer.seek(e.getKey(), e.getValue());
      }
    }
  }

  private void rewindTo(ConsumerRecords<byte[], byte[]> records) {
    for (TopicPartition tp : records.partitions()) {
      consumer.seek(tp, records.records(tp).get(0).offset());
    }
  }

  private void throwCallbackFailure() {
    RuntimeException e = callbackFailure;
    if (e != null) {
      callbackFailure = null;
      throw e;
    }
  }

  private void closeClients() {
    Duration timeout = stop.abandoned() ? Duration.ZERO : config.shutdownTimeout;
    try {
      // A static member (group.instance.id) would otherwise keep its partitions idle until its
      // session times out; a stopped instance may never come back, so the others take over.
      consumer.close(CloseOptions.timeout(timeout)
          .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
    } catch (RuntimeException e) {
      LOG.warn("{}: closing the consumer: {}", threadName(), e.toString());
    }
    try {
      writer.close(timeout);
    } catch (RuntimeException e) {
      LOG.warn("{}: closing the producer: {}", threadName(), e.toString());
    }
    scoringThread.shutdownNow();
  }

  private static RuntimeException asUnchecked(Throwable t) {
    if (t instanceof RuntimeException r) {
      return r;
    }
    if (t instanceof Error e) {
      throw e;
    }
    return new KafkaException(t);
  }

  /**
   * The batches a worker holds, the pipeline's whole state: at most one being scored and one
   * scored and waiting for its write; when a poll runs (and so a rebalance callback), at most
   * one of the two. Worker thread only.
   */
  private static final class InHand {
    private PolledBatch scoring;
    private PolledBatch scored;

    void startScoring(PolledBatch batch) {
      scoring = batch;
    }

    /** Whether {@code batch} is still being scored here (a callback may have taken it). */
    boolean isScoring(PolledBatch batch) {
      return scoring == batch;
    }

    /** {@code batch}'s scoring ended: it waits for its write, unless a callback took it. */
    void scored(PolledBatch batch) {
      if (scoring == batch) {
        scoring = null;
        scored = batch;
      }
    }

    boolean hasScored() {
      return scored != null;
    }

    boolean hasScoring() {
      return scoring != null;
    }

    /** Takes the scored batch waiting for its write, or null. */
    PolledBatch takeScored() {
      PolledBatch b = scored;
      scored = null;
      return b;
    }

    /** Takes whichever batch is held (a callback's or a failure's), or null. */
    PolledBatch takeAny() {
      PolledBatch b = scoring != null ? scoring : scored;
      scoring = null;
      scored = null;
      return b;
    }
  }

  /** Finishes or drops the batch in hand when partitions move. */
  private final class Rebalance implements ConsumerRebalanceListener {

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      health.assigned(Math.max(0, consumer.assignment().size() - partitions.size()));
      // Polls, and so these callbacks, happen with one batch in hand at most.
      PolledBatch batch = inHand.takeAny();
      if (batch == null) {
        return;
      }
      LOG.info("{}: partitions {} revoked with {} records in hand; committing them first",
          threadName(), partitions, batch.size());
      try {
        waitForScoring(batch);
        write(batch);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        callbackFailure = new InterruptException(e);
      } catch (RuntimeException e) {
        callbackFailure = e;
      }
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      health.assigned(Math.max(0, consumer.assignment().size() - partitions.size()));
      PolledBatch batch = inHand.takeAny();
      if (batch == null) {
        return;
      }
      // Lost partitions may already belong to another member: committing is no longer ours.
      LOG.warn("{}: partitions {} lost with {} records in hand; not committed, their new owner"
          + " scores them", threadName(), partitions, batch.size());
      rewind(batch);
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      LOG.info("{}: assigned {}", threadName(), partitions);
      health.assigned(consumer.assignment().size());
      if (inHand.hasScoring()) {
        consumer.pause(partitions);
      }
    }
  }
}
