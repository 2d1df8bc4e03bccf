package pe.agriscore.kafka;

import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * at_least_once: a batch's records are sent and flushed, then its input offsets committed. A
 * failure in between leaves the offsets where they were, so the batch is scored again.
 */
final class FlushingWriter extends BatchWriter {

  private static final Logger LOG = LoggerFactory.getLogger(FlushingWriter.class);

  FlushingWriter(Context ctx) {
    super(ctx);
  }

  @Override
  void init() {
    // A plain producer needs no preparation.
  }

  @Override
  boolean write(PolledBatch batch, ScoredBatch scored) {
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
    ctx.metrics().committed(scored, System.currentTimeMillis());
    commitOffsets(batch);
    return true;
  }

  /** A failed commit only means the batch may be scored again later. */
  private void commitOffsets(PolledBatch batch) {
    for (int attempt = 1; ; attempt++) {
      try {
        ctx.consumer().commitSync(batch.offsets);
        return;
      } catch (CommitFailedException | RebalanceInProgressException e) {
        LOG.info("{}: offsets of {} written records not committed ({}); they will be scored"
            + " again", ctx.threadName(), batch.size(), e.getMessage());
        return;
      } catch (WakeupException e) {
        ctx.stop().checkAbandoned();
      } catch (RetriableException e) {
        if (attempt >= 3) {
          LOG.warn("{}: committing offsets failed {} times ({}); the next commit covers them",
              ctx.threadName(), attempt, e.getMessage());
          return;
        }
      }
    }
  }
}
