package pe.agriscore.kafka;

import java.util.Map;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The counters of one service, shared by its threads. Counters are the source of truth; a
 * Micrometer registry, when present, reads them and also receives the batch-size and latency
 * distributions.
 */
final class ServiceMetrics implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ServiceMetrics.class);
  private static final String MICROMETER = "io.micrometer.core.instrument.MeterRegistry";

  /** Receives the distributions; implemented over Micrometer. */
  interface Distributions extends AutoCloseable {
    void batchSize(int records);

    void latencyMillis(long millis);

    @Override
    void close();
  }

  final LongAdder recordsIn = new LongAdder();
  final LongAdder recordsScored = new LongAdder();
  final LongAdder recordsDeadLettered = new LongAdder();
  final LongAdder batches = new LongAdder();
  final LongAdder engineRetries = new LongAdder();
  final LongAdder rewinds = new LongAdder();
  final LongAdder deadLettersTruncated = new LongAdder();
  /** System.nanoTime() of the last poll that returned records, and of the last commit; 0: none. */
  final LongAccumulator lastRecordsNanos = new LongAccumulator(Math::max, 0);
  final LongAccumulator lastCommitNanos = new LongAccumulator(Math::max, 0);
  private final LongAccumulator maxBatch = new LongAccumulator(Math::max, 0);
  private final LongAdder latencyCount = new LongAdder();
  private final LongAdder latencySum = new LongAdder();
  private final LongAccumulator latencyMax = new LongAccumulator(Math::max, 0);
  private final Distributions distributions;

  private ServiceMetrics(Object registry, Map<String, String> tags) {
    this.distributions = registry == null ? null : MicrometerMetrics.bind(registry, this, tags);
  }

  /**
   * Counters published to {@code registry} (a Micrometer {@code MeterRegistry}), or to
   * Micrometer's global registry when {@code registry} is null and Micrometer is present, or
   * nowhere but {@link #snapshot()}.
   */
  static ServiceMetrics create(Object registry, Map<String, String> tags) {
    if (registry == null && micrometerPresent()) {
      registry = MicrometerMetrics.globalRegistry();
    }
    return new ServiceMetrics(registry, tags);
  }

  /** Checks that {@code registry} is a Micrometer registry, without loading Micrometer if null. */
  static void checkRegistry(Object registry) {
    if (registry != null && !(micrometerPresent() && MicrometerMetrics.isRegistry(registry))) {
      throw new IllegalArgumentException("not a Micrometer MeterRegistry: "
          + registry.getClass().getName());
    }
  }

  private static boolean micrometerPresent() {
    try {
      Class.forName(MICROMETER, false, ServiceMetrics.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      LOG.debug("Micrometer is not on the classpath; metrics are kept for metrics() only");
      return false;
    }
  }

  void polled(int records) {
    lastRecordsNanos.accumulate(System.nanoTime());
    recordsIn.add(records);
    batches.increment();
    maxBatch.accumulate(records);
    if (distributions != null) {
      distributions.batchSize(records);
    }
  }

  /** A batch's results are committed (exactly_once) or acknowledged (at_least_once). */
  void committed(ScoredBatch batch, long nowMillis) {
    lastCommitNanos.accumulate(System.nanoTime());
    recordsScored.add(batch.scored());
    recordsDeadLettered.add(batch.deadLettered());
    deadLettersTruncated.add(batch.truncated());
    for (long timestamp : batch.sourceTimestamps()) {
      long latency = Math.max(0, nowMillis - timestamp);
      latencyCount.increment();
      latencySum.add(latency);
      latencyMax.accumulate(latency);
      if (distributions != null) {
        distributions.latencyMillis(latency);
      }
    }
  }

  ScoringMetrics snapshot() {
    long in = recordsIn.sum();
    long b = batches.sum();
    long lc = latencyCount.sum();
    return new ScoringMetrics(in, recordsScored.sum(), recordsDeadLettered.sum(), b,
        b == 0 ? 0 : (double) in / b, maxBatch.get(), lc,
        lc == 0 ? 0 : (double) latencySum.sum() / lc, latencyMax.get(), engineRetries.sum(),
        rewinds.sum(), deadLettersTruncated.sum());
  }

  /** Removes the service's meters from the registry. */
  @Override
  public void close() {
    if (distributions != null) {
      distributions.close();
    }
  }
}
