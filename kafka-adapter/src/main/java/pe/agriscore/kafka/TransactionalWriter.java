package pe.agriscore.kafka;

import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.InvalidTxnStateException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * exactly_once: a batch's scores, dead letters and input offsets are committed in one
 * transaction of the worker's transactional producer, fenced by the consumer's group generation
 * (KIP-447). A failed transaction is aborted, so nothing of the batch becomes visible.
 *
 * <p>A transaction open longer than {@code transaction.timeout.ms} (a broker outage or restart
 * outlasting it while the worker waits in a send, {@code sendOffsetsToTransaction} or {@code
 * commitTransaction}) is aborted by the transaction coordinator itself, which bumps the producer's
 * epoch. The producer's next request with the old epoch is then refused as if another producer
 * had taken its transactional.id: the client turns INVALID_PRODUCER_EPOCH on the offset commit
 * into a {@link ProducerFencedException} (KAFKA-10631), as the coordinator will for a commit
 * racing its abort once KAFKA-20785 is in (4.4 brokers answer INVALID_TXN_STATE, fatal to the
 * producer, which the abort path replaces); only produce requests get KIP-588's
 * abortable InvalidProducerEpochException. A fence (or INVALID_TXN_STATE) of a transaction older
 * than the timeout is therefore taken for the coordinator's abort: the worker starts a new
 * producer and reads the batch again. Within the timeout it is another producer's, and the worker
 * stops.
 */
final class TransactionalWriter extends BatchWriter {

  private static final Logger LOG = LoggerFactory.getLogger(TransactionalWriter.class);

  /** The producer's transaction.timeout.ms, after which the coordinator aborts on its own. */
  private final long transactionTimeoutNanos;
  /** When the current transaction began (System.nanoTime()). */
  private long transactionBegan;

  TransactionalWriter(Context ctx) {
    super(ctx);
    this.transactionTimeoutNanos = TimeUnit.MILLISECONDS.toNanos(((Number) ctx.config()
        .producerValue(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG)).longValue());
  }

  /** Initializes the transactions, retrying while the coordinator does not answer. */
  @Override
  void init() {
    ctx.health().waiting("initializing the transactions of "
        + ctx.config().transactionalId(ctx.index()) + " (the transaction coordinator does not"
        + " answer: check that __transaction_state can be created,"
        + " transaction.state.log.replication.factor and min.isr against the brokers, and the"
        + " TransactionalId ACL)");
    try {
      while (true) {
        try {
          producer.initTransactions();
          return;
        } catch (TimeoutException e) {
          ctx.stop().checkAbandoned();
          if (ctx.stop().stopRequested()) {
            throw new StopSignal.Abandoned();
          }
          LOG.warn("{}: initializing transactions timed out; retrying: {}", ctx.threadName(),
              e.getMessage());
        } catch (ProducerFencedException e) {
          throw fenced(e);
        }
      }
    } finally {
      ctx.health().doneWaiting();
    }
  }

  @Override
  boolean write(PolledBatch batch, ScoredBatch scored) {
    SendErrors errors = new SendErrors();
    transactionBegan = System.nanoTime();
    try {
      producer.beginTransaction();
      if (!sendAll(scored, errors)) {
        throw new KafkaException("sending a record failed", errors.first);
      }
      producer.sendOffsetsToTransaction(batch.offsets, ctx.consumer().groupMetadata());
      commitTransaction();
      ctx.metrics().committed(scored, System.currentTimeMillis());
      return true;
    } catch (ProducerFencedException e) {
      return timedOutOrFenced(batch, e);
    } catch (AuthenticationException | AuthorizationException | UnsupportedVersionException e) {
      throw e;
    } catch (CommitFailedException e) {
      // The group moved to a new generation (KIP-447): the new owner scores this batch.
      LOG.info("{}: the group rebalanced before the transaction of {} records committed;"
          + " aborted, the partitions' new owner scores them", ctx.threadName(), batch.size());
      abortTransaction();
      return false;
    } catch (KafkaException e) {
      if (fencedCause(e) != null) {
        return timedOutOrFenced(batch, fencedCause(e));
      }
      if (causeOf(e, FencedInstanceIdException.class) != null) {
        throw e; // this instance was replaced (static membership): the worker stops
      }
      if (causeOf(e, InvalidTxnStateException.class) != null) {
        throwIfFencedWithinTimeout(e);
      }
      errors.throwIfFatal();
      writeFailed("the transaction of " + batch.size() + " records failed and is aborted; the"
          + " batch will be read again", e, errors);
      abortTransaction();
      return false;
    }
  }

  /** Commits, retrying while the outcome is unknown (a broker is unavailable). */
  private void commitTransaction() {
    while (true) {
      try {
        producer.commitTransaction();
        return;
      } catch (TimeoutException e) {
        ctx.stop().checkAbandoned();
        LOG.warn("{}: committing the transaction timed out; retrying: {}", ctx.threadName(),
            e.getMessage());
      }
    }
  }

  private void abortTransaction() {
    while (true) {
      try {
        producer.abortTransaction();
        return;
      } catch (TimeoutException e) {
        ctx.stop().checkAbandoned();
        LOG.warn("{}: aborting the transaction timed out; retrying: {}", ctx.threadName(),
            e.getMessage());
      } catch (ProducerFencedException e) {
        throwIfFencedWithinTimeout(e);
        replaceProducer();
        return;
      } catch (KafkaException | IllegalStateException e) {
        if (fencedCause(e) != null) {
          throwIfFencedWithinTimeout(fencedCause(e));
        }
        // The producer is in a fatal state. A new one's initTransactions aborts what is open,
        // but it also fences any other producer holding the transactional.id: within the
        // timeout that may be this instance's replacement, whose start can make the coordinator
        // fail this one's commit (seen: UNKNOWN_SERVER_ERROR from an EndTxn racing the
        // replacement's epoch fence on a 4.4 broker). Only a transaction past the timeout,
        // which the coordinator aborts itself, is recovered here; so is an abort refused after
        // a commit that close() interrupted (IllegalStateException: not a fatal state).
        if (e instanceof KafkaException && !ctx.stop().stopRequested() && withinTimeout()) {
          throw new KafkaException("the transactional producer "
              + ctx.config().transactionalId(ctx.index()) + " failed fatally and cannot abort ("
              + e + "); a new producer would fence any other instance with the same "
              + KafkaScoringConfig.INSTANCE_ID_CONFIG + ", so this worker stops: restart it",
              e);
        }
        LOG.warn("{}: the producer cannot abort ({}); replacing it", ctx.threadName(),
            e.toString());
        replaceProducer();
        return;
      }
    }
  }

  /**
   * A fenced transaction: the coordinator's own abort of a transaction that outlived
   * transaction.timeout.ms is recovered from with a new producer (the batch is read again);
   * any other fence stops the worker.
   *
   * @return false: the batch was not committed
   */
  private boolean timedOutOrFenced(PolledBatch batch, ProducerFencedException e) {
    throwIfFencedWithinTimeout(e);
    long openMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - transactionBegan);
    writeFailed("the transaction of " + batch.size() + " records was open " + openMs + " ms,"
        + " longer than transaction.timeout.ms=" + TimeUnit.NANOSECONDS.toMillis(
        transactionTimeoutNanos) + " (the brokers were unavailable or restarting meanwhile), so"
        + " the transaction coordinator aborted it and fenced this producer's epoch; starting a"
        + " new producer, the batch will be read again", e, new SendErrors());
    replaceProducer();
    return false;
  }

  /**
   * Throws the stop for a fence, or an INVALID_TXN_STATE, that the current transaction's age
   * cannot explain: past transaction.timeout.ms either is the coordinator's own abort (recovered
   * with a new producer); within it, only another producer with the same transactional.id fences
   * this one or aborts its open transaction (INVALID_TXN_STATE seen under load when the
   * replacement instance started), and a new producer here would fence that replacement in turn.
   */
  private void throwIfFencedWithinTimeout(KafkaException e) {
    if (withinTimeout()) {
      throw fenced(e);
    }
  }

  /** Whether the current transaction is younger than transaction.timeout.ms. */
  private boolean withinTimeout() {
    return System.nanoTime() - transactionBegan < transactionTimeoutNanos;
  }

  private KafkaException fenced(KafkaException e) {
    return new KafkaException("the transactional producer "
        + ctx.config().transactionalId(ctx.index()) + " was fenced: another producer started"
        + " with the same transactional.id. Either this instance was replaced (a restarted"
        + " instance with the same " + KafkaScoringConfig.INSTANCE_ID_CONFIG + "), or two live"
        + " instances share one; this one stops so it cannot act as a zombie", e);
  }

  /** The fencing behind a failure, if any: a replacement producer must not fence back. */
  private static ProducerFencedException fencedCause(Throwable t) {
    return causeOf(t, ProducerFencedException.class);
  }

  private static <T extends Throwable> T causeOf(Throwable t, Class<T> type) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (type.isInstance(c)) {
        return type.cast(c);
      }
    }
    return null;
  }
}
