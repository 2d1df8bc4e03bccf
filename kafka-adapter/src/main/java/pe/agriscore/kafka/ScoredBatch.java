package pe.agriscore.kafka;

import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * What one polled batch turned into: one record to write per input record, in input order.
 *
 * @param records scores for the output topic and dead letters, in the order of their requests
 * @param scored how many of {@code records} are scores
 * @param deadLettered how many are dead letters
 * @param truncated how many of the dead letters were cut to fit their topic
 * @param sourceTimestamps the input records' timestamps, for the latency metric
 */
record ScoredBatch(
    List<ProducerRecord<byte[], byte[]>> records,
    int scored,
    int deadLettered,
    int truncated,
    long[] sourceTimestamps) {}
