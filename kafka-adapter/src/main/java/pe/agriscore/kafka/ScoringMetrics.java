package pe.agriscore.kafka;

/**
 * A snapshot of one {@link KafkaScoringService}'s counters since it was built, summed over its
 * consumer threads. The same values are published through Micrometer when it is on the classpath
 * (see {@code docs/kafka-adapter.md}).
 *
 * <pre>{@code
 * ScoringMetrics m = service.metrics();
 * log.info("{} in, {} scored, {} dead-lettered, mean latency {} ms",
 *     m.recordsIn(), m.recordsScored(), m.recordsDeadLettered(), m.latencyMeanMillis());
 * }</pre>
 *
 * @param recordsIn records returned by polls, counting again a record read a second time after
 *     a batch was rewound
 * @param recordsScored scores committed to the output topic
 * @param recordsDeadLettered records committed to the dead-letter topic
 * @param batches batches polled and handed to the scorer
 * @param meanBatchSize mean records per batch (0 before the first batch)
 * @param maxBatchSize largest batch
 * @param latencyCount records whose end-to-end latency was measured (every committed one)
 * @param latencyMeanMillis mean time from a request's record timestamp until its score or dead
 *     letter was committed
 * @param latencyMaxMillis the longest such time
 * @param engineRetries batches (or parts of batches) scored again after an engine failure
 * @param rewinds batches whose write or commit failed and that were read again
 * @param deadLettersTruncated dead letters (counted in {@code recordsDeadLettered}) that were
 *     too large for the dead-letter topic and written cut to fit, with {@code
 *     agriscore.truncated} and {@code agriscore.original.*} headers
 */
public record ScoringMetrics(
    long recordsIn,
    long recordsScored,
    long recordsDeadLettered,
    long batches,
    double meanBatchSize,
    long maxBatchSize,
    long latencyCount,
    double latencyMeanMillis,
    long latencyMaxMillis,
    long engineRetries,
    long rewinds,
    long deadLettersTruncated) {}
