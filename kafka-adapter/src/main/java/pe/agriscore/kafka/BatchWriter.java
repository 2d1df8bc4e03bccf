package pe.agriscore.kafka;

import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes one worker's scored batches and commits their input offsets, the way its delivery mode
 * promises: {@link TransactionalWriter} (exactly_once) or {@link FlushingWriter}
 * (at_least_once). Owns the worker's producer, which it replaces when it breaks. Worker thread
 * only.
 */
abstract sealed class BatchWriter permits TransactionalWriter, FlushingWriter {

  private static final Logger LOG = LoggerFactory.getLogger(BatchWriter.class);

  /** The worker's parts a writer works with. */
  record Context(int index, String threadName, KafkaScoringConfig config,
      Map<String, Object> producerDefaults, RecordLimits limits, ServiceMetrics metrics,
      WorkerHealth health, StopSignal stop, Consumer<byte[], byte[]> consumer) {}

  final Context ctx;
  /** Replaced, by the worker thread only, when it is in a state it cannot leave. */
  Producer<byte[], byte[]> producer;

  BatchWriter(Context ctx) {
    this.ctx = ctx;
    this.producer = newProducer();
  }

  /** The writer for {@code ctx}'s delivery mode, with its producer created (not initialized). */
  static BatchWriter create(Context ctx) {
    return ctx.config().deliveryMode == DeliveryMode.EXACTLY_ONCE
        ? new TransactionalWriter(ctx) : new FlushingWriter(ctx);
  }

  /** Prepares the producer before the first write (transactions, under exactly_once). */
  abstract void init();

  /**
   * Writes a scored batch and commits its input offsets.
   *
   * @return false if the write failed and the batch must be read again (nothing of it is
   *     committed under exactly_once; under at_least_once some records may have been written)
   * @throws KafkaException if the worker cannot go on (fenced, not authorized...)
   */
  abstract boolean write(PolledBatch batch, ScoredBatch scored);

  void close(Duration timeout) {
    producer.close(timeout);
  }

  private Producer<byte[], byte[]> newProducer() {
    return new KafkaProducer<>(ctx.config().producerConfig(ctx.index(), ctx.producerDefaults()));
  }

  /** Closes a producer in a state it cannot leave and starts a new one in its place. */
  void replaceProducer() {
    try {
      producer.close(Duration.ZERO);
    } catch (RuntimeException e) {
      LOG.debug("{}: closing the failed producer: {}", ctx.threadName(), e.toString());
    }
    producer = newProducer();
    init();
  }

  /**
   * Sends a batch's records, stopping at the first one that fails at once (a missing topic's
   * metadata wait, a record too large): the batch fails anyway, and each further send would wait
   * {@code max.block.ms} again.
   *
   * @return false if a send failed
   */
  boolean sendAll(ScoredBatch scored, SendErrors errors) {
    for (ProducerRecord<byte[], byte[]> r : scored.records()) {
      producer.send(r, (metadata, e) -> errors.failed(r, e));
      if (errors.first != null) {
        return false;
      }
    }
    return true;
  }

  /** Records a failed write for health() and the log, and what the broker refused as too large. */
  void writeFailed(String what, Exception e, SendErrors errors) {
    ProducerRecord<byte[], byte[]> refused = errors.tooLarge;
    if (refused != null && refused.topic().equals(ctx.config().deadLetterTopic)) {
      ctx.limits().refused(refused.topic(), RecordLimits.sizeOf(refused));
    }
    Throwable cause = errors.first != null ? errors.first : e;
    int inARow = ctx.health().writeFailed(cause);
    if (inARow == 1) {
      LOG.warn("{}: {}", ctx.threadName(), what, e);
    } else {
      // A write failing again and again is one condition, visible in health(); not a log flood.
      LOG.warn("{}: {} ({} failed writes in a row: {})", ctx.threadName(), what, inARow,
          cause.toString());
    }
  }

  /** The first failed send of a batch, and the first record refused as too large. */
  static final class SendErrors {
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
}
