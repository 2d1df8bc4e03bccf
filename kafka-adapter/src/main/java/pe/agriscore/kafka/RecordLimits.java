package pe.agriscore.kafka;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The largest record the service can write to each of its topics: the smaller of the producer's
 * {@code max.request.size} and the topic's {@code max.message.bytes} as found at start. Records
 * are measured with the same upper bound the producer applies before sending, so a record within
 * its limit is never refused by the producer for its size. Shared by a service's threads.
 */
final class RecordLimits {

  private static final Logger LOG = LoggerFactory.getLogger(RecordLimits.class);

  /** Kafka's v2 record batch header (DefaultRecordBatch.RECORD_BATCH_OVERHEAD). */
  private static final int BATCH_OVERHEAD = 61;
  /** Length, attributes, timestamp and offset deltas, key and value lengths, header count. */
  private static final int RECORD_OVERHEAD = 5 + 1 + 10 + 5 + 5 + 5 + 5;
  /** A header's key and value lengths. */
  private static final int HEADER_OVERHEAD = 5 + 5;

  private final Map<String, Integer> limits = new ConcurrentHashMap<>();
  private final int producerMaxRequestSize;

  RecordLimits(int producerMaxRequestSize, Map<String, Integer> topicMaxMessageBytes) {
    this.producerMaxRequestSize = producerMaxRequestSize;
    topicMaxMessageBytes.forEach((topic, max) -> limits.put(topic, Math.min(max,
        producerMaxRequestSize)));
  }

  /** The largest record {@code topic} takes from this service, in bytes. */
  int limit(String topic) {
    return limits.getOrDefault(topic, producerMaxRequestSize);
  }

  /** An upper bound of the bytes a record occupies in its own uncompressed batch. */
  static int sizeOf(ProducerRecord<byte[], byte[]> r) {
    long size = BATCH_OVERHEAD + RECORD_OVERHEAD + length(r.key()) + length(r.value());
    for (Header h : r.headers()) {
      size += HEADER_OVERHEAD + h.key().getBytes(StandardCharsets.UTF_8).length
          + length(h.value());
    }
    return (int) Math.min(Integer.MAX_VALUE, size);
  }

  /**
   * The broker refused a record of {@code size} bytes for {@code topic} although it was within
   * the limit found at start (the topic's limit was lowered since, or compression made it
   * larger): later records for it must be smaller. Lowered by a quarter each time so that a
   * batch read again fits after a few attempts, whatever the real limit, down to {@link
   * StartCheck#DEAD_LETTER_HEADROOM}; restored at restart.
   */
  void refused(String topic, int size) {
    // Never below what a cut dead letter needs: a topic refusing that is misconfigured, and
    // the service stays DEGRADED on it rather than cutting dead letters to nothing.
    int lowered = limits.merge(topic, Math.max(StartCheck.DEAD_LETTER_HEADROOM, size / 4 * 3),
        Math::min);
    LOG.warn("{} refused a record of {} bytes for its size; records for it are now cut to {}"
        + " bytes until the service restarts. Check the topic's max.message.bytes and the"
        + " producer's max.request.size", topic, size, lowered);
  }

  private static int length(byte[] b) {
    return b == null ? 0 : b.length;
  }
}
