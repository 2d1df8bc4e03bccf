package pe.agriscore.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import pe.agriscore.scoring.CreditScorer;

/**
 * One consumer thread of a service: a consumer, its own producer (transactional under
 * exactly_once, so fencing follows the consumer's group generation as in KIP-447) and a scoring
 * thread.
 *
 * <p>The loop is a two-stage pipeline: while the scoring thread scores one polled batch, the
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
 * finishes the batches in hand, commits them and closes the clients.
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
  private final boolean transactional;
  private final Consumer<byte[], byte[]> consumer;
  private final ExecutorService scoringThread;
  private final RecordLimits limits;
  private final Map<String, Object> producerDefaults;
  /** Counted down once transactions are initialized and the consumer subscribed. */
  private final CountDownLatch ready = new CountDownLatch(1);
  private Producer<byte[], byte[]> producer;
  private volatile Thread runner;
  private volatile boolean stopRequested;
  private volatile boolean abandoned;
  /** What the thread waits for from the brokers right now, and since when (nanoTime). */
  private volatile String waitingFor;
  private volatile long waitingSince;
  /** The last failed write, cleared by the next commit; and when it failed (nanoTime). */
  private volatile String lastWriteFailure;
  private volatile long lastWriteFailureAt;
  private volatile int assignedPartitions;
  /** Failed writes since the last commit; only the first of a run is logged with its trace. */
  private int failedWrites;
  /** The polled batch on the scoring thread; only touched by the worker thread. */
  private Batch inScoring;
  /** The scored batch waiting to be written while the next one is scored; worker thread only. */
  private Batch awaitingWrite;
  /** A failure raised inside a rebalance callback, rethrown after the poll that ran it. */
  private RuntimeException callbackFailure;

  /**
   * @param limits the largest record each topic takes, found at start
   * @param producerDefaults producer settings found at start, for those the host did not set
   */
  ScoringWorker(int index, KafkaScoringConfig config, CreditScorer scorer, ServiceMetrics metrics,
      RecordLimits limits, Map<String, Object> producerDefaults, Listener listener) {
    this.index = index;
    this.config = config;
    this.metrics = metrics;
    this.listener = listener;
    this.limits = limits;
    this.producerDefaults = producerDefaults;
    this.batchScorer = new BatchScorer(scorer, config, metrics, limits);
    this.transactional = config.deliveryMode == DeliveryMode.EXACTLY_ONCE;
    this.consumer = new KafkaConsumer<>(config.consumerConfig(index));
    try {
      this.producer = new KafkaProducer<>(config.producerConfig(index, producerDefaults));
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
    stopRequested = true;
  }

  /**
   * Gives up on the batch in hand (it stays uncommitted) and makes blocking calls return: the
   * consumer is woken up and the thread interrupted, which also ends a send or a transaction
   * call waiting for metadata or a coordinator.
   */
  void abandon() {
    abandoned = true;
    stopRequested = true;
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
    String what = waitingFor;
    long since = waitingSince;
    if (what == null || nowNanos - since < stall.toNanos()) {
      return null;
    }
    return threadName() + ": " + what + " for " + (nowNanos - since) / 1_000_000_000L + " s";
  }

  /** The last write that failed, if no commit followed it; else null. */
  String lastWriteFailure(long nowNanos) {
    String failure = lastWriteFailure;
    if (failure == null) {
      return null;
    }
    return threadName() + ": a write failed " + (nowNanos - lastWriteFailureAt) / 1_000_000_000L
        + " s ago and nothing was committed since; its batch is read again: " + failure;
  }

  int assignedPartitions() {
    return assignedPartitions;
  }

  private void waiting(String what) {
    waitingSince = System.nanoTime();
    waitingFor = what;
  }

  private void doneWaiting() {
    waitingFor = null;
  }

  /** Releases the clients of a worker whose service failed to start. */
  void closeUnstarted() {
    abandoned = true;
    closeClients();
  }

  @Override
  public void run() {
    runner = Thread.currentThread();
    Throwable failure = null;
    try {
      if (transactional) {
        initTransactions();
      }
      consumer.subscribe(List.of(config.inputTopic), new Rebalance());
      ready.countDown();
      while (!stopRequested) {
        // A scored batch waits for no more than what is already fetched.
        ConsumerRecords<byte[], byte[]> polled = consumer.poll(
            awaitingWrite == null ? config.pollTimeout : Duration.ZERO);
        throwCallbackFailure();
        process(polled);
      }
      writeAwaiting(null);
    } catch (WakeupException | InterruptException e) {
      if (!abandoned) {
        failure = e;
      }
    } catch (Abandoned e) {
      LOG.warn("{}: stopped without committing its current work; uncommitted records are read"
          + " again by the next owner of their partitions", threadName());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      if (!abandoned) {
        failure = e;
      }
    } catch (UnsupportedVersionException e) {
      failure = StartCheck.controllerPort(String.valueOf(config.consumerConfig(index)
          .get(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG)), e);
    } catch (Throwable t) {
      failure = t;
    } finally {
      // A failed or abandoned batch must not be committed by the revocation that close() runs.
      inScoring = null;
      awaitingWrite = null;
      if (abandoned) {
        // The interrupt that ended a blocking call would also cut the clients' close short.
        Thread.interrupted();
      }
      closeClients();
      doneWaiting();
    }
    if (failure != null) {
      failure = ClientFailures.explain(failure, config.consumerConfig(index));
      LOG.error("{} failed", threadName(), failure);
      listener.workerFailed(this, failure);
    }
  }

  /** Starts scoring what was polled, writes the previous batch meanwhile, then awaits the new. */
  private void process(ConsumerRecords<byte[], byte[]> polled) throws InterruptedException {
    Batch batch = null;
    if (!polled.isEmpty()) {
      metrics.polled(polled.count());
      batch = new Batch(polled);
      inScoring = batch;
      Batch scoring = batch;
      batch.scoring = scoringThread.submit(() -> batchScorer.score(scoring.records));
    }
    writeAwaiting(batch);
    if (batch != null && inScoring == batch) {
      awaitScoring(batch);
      throwCallbackFailure();
      if (inScoring == batch) {
        inScoring = null;
        awaitingWrite = batch;
      }
    }
  }

  /**
   * Writes and commits the batch awaiting its write, if any. If that fails, {@code later} (the
   * batch polled after it, or null) is dropped too and both are read again.
   */
  private void writeAwaiting(Batch later) throws InterruptedException {
    Batch batch = awaitingWrite;
    if (batch == null) {
      return;
    }
    awaitingWrite = null;
    if (!write(batch) && later != null) {
      inScoring = null;
      waitForScoring(later);
      rewind(later);
      // Seeks for partitions in both batches end at the earlier batch's first offsets.
      rewind(batch);
    }
  }

  /** Waits for the scoring thread, polling with paused partitions to stay in the group. */
  private void awaitScoring(Batch batch) throws InterruptedException {
    boolean paused = false;
    try {
      while (inScoring == batch && !scoredWithinSlice(batch)) {
        checkAbandoned();
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
  private boolean write(Batch batch) throws InterruptedException {
    // An abandoned batch was interrupted mid-scoring: it is not a failure, and not committed.
    checkAbandoned();
    ScoredBatch scored;
    try {
      scored = batch.scoring.get();
    } catch (ExecutionException e) {
      throw asUnchecked(e.getCause());
    }
    waiting("writing and committing a batch of " + batch.size() + " records");
    boolean written;
    try {
      written = transactional ? writeTransaction(batch, scored) : writeThenCommit(batch, scored);
    } finally {
      doneWaiting();
    }
    if (written) {
      failedWrites = 0;
      lastWriteFailure = null;
    } else {
      metrics.rewinds.increment();
      rewind(batch);
    }
    return written;
  }

  /** Waits for the scoring thread without polling: only while partitions are moving. */
  private void waitForScoring(Batch batch) throws InterruptedException {
    while (!scoredWithinSlice(batch)) {
      checkAbandoned();
    }
  }

  /** Whether the batch's scoring ended, either way, within one liveness slice. */
  private static boolean scoredWithinSlice(Batch batch) throws InterruptedException {
    try {
      batch.scoring.get(LIVENESS_SLICE_MS, TimeUnit.MILLISECONDS);
      return true;
    } catch (ExecutionException e) {
      return true;
    } catch (TimeoutException e) {
      return false;
    }
  }

  private boolean writeTransaction(Batch batch, ScoredBatch scored) {
    SendErrors errors = new SendErrors();
    try {
      producer.beginTransaction();
      if (!sendAll(scored, errors)) {
        throw new KafkaException("sending a record failed", errors.first);
      }
      producer.sendOffsetsToTransaction(batch.offsets, consumer.groupMetadata());
      commitTransaction();
      metrics.committed(scored, System.currentTimeMillis());
      return true;
    } catch (ProducerFencedException e) {
      throw fenced(e);
    } catch (AuthenticationException | AuthorizationException | UnsupportedVersionException e) {
      throw e;
    } catch (CommitFailedException e) {
      // The group moved to a new generation (KIP-447): the new owner scores this batch.
      LOG.info("{}: the group rebalanced before the transaction of {} records committed;"
          + " aborted, the partitions' new owner scores them", threadName(), batch.size());
      abortTransaction();
      return false;
    } catch (KafkaException e) {
      if (fencedCause(e) != null) {
        throw fenced(fencedCause(e));
      }
      errors.throwIfFatal();
      writeFailed("the transaction of " + batch.size() + " records failed and is aborted; the"
          + " batch will be read again", e, errors);
      abortTransaction();
      return false;
    }
  }

  /**
   * Sends a batch's records, stopping at the first one that fails at once (a missing topic's
   * metadata wait, a record too large): the batch fails anyway, and each further send would wait
   * {@code max.block.ms} again.
   *
   * @return false if a send failed
   */
  private boolean sendAll(ScoredBatch scored, SendErrors errors) {
    for (ProducerRecord<byte[], byte[]> r : scored.records()) {
      producer.send(r, (metadata, e) -> errors.failed(r, e));
      if (errors.first != null) {
        return false;
      }
    }
    return true;
  }

  /** Records a failed write for health() and the log, and what the broker refused as too large. */
  private void writeFailed(String what, Exception e, SendErrors errors) {
    ProducerRecord<byte[], byte[]> refused = errors.tooLarge;
    if (refused != null && refused.topic().equals(config.deadLetterTopic)) {
      limits.refused(refused.topic(), RecordLimits.sizeOf(refused));
    }
    Throwable cause = errors.first != null ? errors.first : e;
    lastWriteFailure = cause.toString();
    lastWriteFailureAt = System.nanoTime();
    if (++failedWrites == 1) {
      LOG.warn("{}: {}", threadName(), what, e);
    } else {
      // A write failing again and again is one condition, visible in health(); not a log flood.
      LOG.warn("{}: {} ({} failed writes in a row: {})", threadName(), what, failedWrites,
          cause.toString());
    }
  }

  /** Commits, retrying while the outcome is unknown (a broker is unavailable). */
  private void commitTransaction() {
    while (true) {
      try {
        producer.commitTransaction();
        return;
      } catch (org.apache.kafka.common.errors.TimeoutException e) {
        checkAbandoned();
        LOG.warn("{}: committing the transaction timed out; retrying: {}", threadName(),
            e.getMessage());
      }
    }
  }

  private void abortTransaction() {
    while (true) {
      try {
        producer.abortTransaction();
        return;
      } catch (org.apache.kafka.common.errors.TimeoutException e) {
        checkAbandoned();
        LOG.warn("{}: aborting the transaction timed out; retrying: {}", threadName(),
            e.getMessage());
      } catch (ProducerFencedException e) {
        throw fenced(e);
      } catch (KafkaException | IllegalStateException e) {
        if (fencedCause(e) != null) {
          throw fenced(fencedCause(e));
        }
        // The producer is in a fatal state: a new one's initTransactions aborts what is open.
        LOG.warn("{}: the producer cannot abort ({}); replacing it", threadName(), e.toString());
        replaceProducer();
        return;
      }
    }
  }

  private boolean writeThenCommit(Batch batch, ScoredBatch scored) {
    SendErrors errors = new SendErrors();
    try {
      if (sendAll(scored, errors)) {
        producer.flush();
      }
    } catch (KafkaException e) {
      errors.failed(null, e);
    }
    Exception error = errors.first;
    if (error != null) {
      errors.throwIfFatal();
      writeFailed("writing a batch of " + batch.size() + " records failed; it will be read and"
          + " written again", error, errors);
      replaceProducer();
      return false;
    }
    metrics.committed(scored, System.currentTimeMillis());
    commitOffsets(batch);
    return true;
  }

  /** At-least-once: a failed commit only means the batch may be scored again later. */
  private void commitOffsets(Batch batch) {
    for (int attempt = 1; ; attempt++) {
      try {
        consumer.commitSync(batch.offsets);
        return;
      } catch (CommitFailedException | RebalanceInProgressException e) {
        LOG.info("{}: offsets of {} written records not committed ({}); they will be scored"
            + " again", threadName(), batch.size(), e.getMessage());
        return;
      } catch (WakeupException e) {
        checkAbandoned();
      } catch (RetriableException e) {
        if (attempt >= 3) {
          LOG.warn("{}: committing offsets failed {} times ({}); the next commit covers them",
              threadName(), attempt, e.getMessage());
          return;
        }
      }
    }
  }

  private void initTransactions() {
    waiting("initializing the transactions of " + config.transactionalId(index)
        + " (the transaction coordinator does not answer: check that __transaction_state can"
        + " be created, transaction.state.log.replication.factor and min.isr against the"
        + " brokers, and the TransactionalId ACL)");
    try {
      while (true) {
        try {
          producer.initTransactions();
          return;
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
          checkAbandoned();
          if (stopRequested) {
            throw new Abandoned();
          }
          LOG.warn("{}: initializing transactions timed out; retrying: {}", threadName(),
              e.getMessage());
        } catch (ProducerFencedException e) {
          throw fenced(e);
        }
      }
    } finally {
      doneWaiting();
    }
  }

  private void replaceProducer() {
    try {
      producer.close(Duration.ZERO);
    } catch (RuntimeException e) {
      LOG.debug("{}: closing the failed producer: {}", threadName(), e.toString());
    }
    producer = new KafkaProducer<>(config.producerConfig(index, producerDefaults));
    if (transactional) {
      initTransactions();
    }
  }

  private KafkaException fenced(ProducerFencedException e) {
    return new KafkaException("the transactional producer " + config.transactionalId(index)
        + " was fenced: another producer started with the same transactional.id. Either this"
        + " instance was replaced (a restarted instance with the same "
        + KafkaScoringConfig.INSTANCE_ID_CONFIG + "), or two live instances share one; this one stops"
        + " so it cannot act as a zombie", e);
  }

  /** The fencing behind a failure, if any: a replacement producer must not fence back. */
  private static ProducerFencedException fencedCause(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof ProducerFencedException f) {
        return f;
      }
    }
    return null;
  }

  /** Moves each partition of a discarded batch back to the batch's first offset. */
  private void rewind(Batch batch) {
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

  private void checkAbandoned() {
    if (abandoned) {
      throw new Abandoned();
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
    Duration timeout = abandoned ? Duration.ZERO : config.shutdownTimeout;
    try {
      // A static member (group.instance.id) would otherwise keep its partitions idle until its
      // session times out; a stopped instance may never come back, so the others take over.
      consumer.close(CloseOptions.timeout(timeout)
          .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
    } catch (RuntimeException e) {
      LOG.warn("{}: closing the consumer: {}", threadName(), e.toString());
    }
    try {
      producer.close(timeout);
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

  /** Ends the worker without committing the batch in hand. */
  private static final class Abandoned extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Abandoned() {
      super("abandoned", null, false, false);
    }
  }

  /** The first failed send of a batch, and the first record refused as too large. */
  private static final class SendErrors {
    volatile Exception first;
    volatile ProducerRecord<byte[], byte[]> tooLarge;

    void failed(ProducerRecord<byte[], byte[]> record, Exception exception) {
      if (exception == null) {
        return;
      }
      if (first == null) {
        first = exception;
      }
      if (exception instanceof RecordTooLargeException && record != null && tooLarge == null) {
        tooLarge = record;
      }
    }

    /** Authentication and authorization failures do not heal by retrying: the service stops. */
    void throwIfFatal() {
      Exception e = first;
      if (e instanceof AuthenticationException || e instanceof AuthorizationException) {
        throw (KafkaException) e;
      }
    }
  }

  /** A polled batch, with the offsets to commit and to rewind to. */
  private static final class Batch {
    final List<ConsumerRecord<byte[], byte[]>> records;
    final Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    final Map<TopicPartition, Long> firstOffsets = new HashMap<>();
    Future<ScoredBatch> scoring;

    Batch(ConsumerRecords<byte[], byte[]> polled) {
      records = new ArrayList<>(polled.count());
      for (TopicPartition tp : polled.partitions()) {
        List<ConsumerRecord<byte[], byte[]>> part = polled.records(tp);
        records.addAll(part);
        firstOffsets.put(tp, part.get(0).offset());
        offsets.put(tp, new OffsetAndMetadata(part.get(part.size() - 1).offset() + 1));
      }
    }

    int size() {
      return records.size();
    }
  }

  /** Finishes or drops the batch in hand when partitions move. */
  private final class Rebalance implements ConsumerRebalanceListener {

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      assignedPartitions = Math.max(0, consumer.assignment().size() - partitions.size());
      Batch batch = inScoring != null ? inScoring : awaitingWrite;
      if (batch == null) {
        return;
      }
      LOG.info("{}: partitions {} revoked with {} records in hand; committing them first",
          threadName(), partitions, batch.size());
      try {
        // Polls, and so these callbacks, happen with one batch in hand at most.
        inScoring = null;
        awaitingWrite = null;
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
      assignedPartitions = Math.max(0, consumer.assignment().size() - partitions.size());
      Batch batch = inScoring != null ? inScoring : awaitingWrite;
      if (batch == null) {
        return;
      }
      // Lost partitions may already belong to another member: committing is no longer ours.
      LOG.warn("{}: partitions {} lost with {} records in hand; not committed, their new owner"
          + " scores them", threadName(), partitions, batch.size());
      inScoring = null;
      awaitingWrite = null;
      rewind(batch);
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      LOG.info("{}: assigned {}", threadName(), partitions);
      assignedPartitions = consumer.assignment().size();
      if (inScoring != null) {
        consumer.pause(partitions);
      }
    }
  }
}
