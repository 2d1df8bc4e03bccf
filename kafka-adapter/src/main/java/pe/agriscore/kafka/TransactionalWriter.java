package pe.agriscore.kafka;

import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * exactly_once: a batch's scores, dead letters and input offsets are committed in one
 * transaction of the worker's transactional producer, fenced by the consumer's group generation
 * (KIP-447). A failed transaction is aborted, so nothing of the batch becomes visible.
 */
final class TransactionalWriter extends BatchWriter {

  private static final Logger LOG = LoggerFactory.getLogger(TransactionalWriter.class);

  TransactionalWriter(Context ctx) {
    super(ctx);
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
      throw fenced(e);
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
        throw fenced(fencedCause(e));
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
        throw fenced(e);
      } catch (KafkaException | IllegalStateException e) {
        if (fencedCause(e) != null) {
          throw fenced(fencedCause(e));
        }
        // The producer is in a fatal state: a new one's initTransactions aborts what is open.
        LOG.warn("{}: the producer cannot abort ({}); replacing it", ctx.threadName(),
            e.toString());
        replaceProducer();
        return;
      }
    }
  }

  private KafkaException fenced(ProducerFencedException e) {
    return new KafkaException("the transactional producer "
        + ctx.config().transactionalId(ctx.index()) + " was fenced: another producer started"
        + " with the same transactional.id. Either this instance was replaced (a restarted"
        + " instance with the same " + KafkaScoringConfig.INSTANCE_ID_CONFIG + "), or two live"
        + " instances share one; this one stops so it cannot act as a zombie", e);
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
}
