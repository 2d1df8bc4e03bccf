package pe.agriscore.kafka;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;

/**
 * The counters of one service, shared by its threads. Counters are the source of truth; the
 * Micrometer registries a {@link KafkaScoringMetrics} binds read them and also receive the
 * batch-size and latency distributions. Names no Micrometer type: Micrometer is optional.
 */
final class ServiceMetrics implements AutoCloseable {

  /** Receives the distributions; implemented over Micrometer by {@link KafkaScoringMetrics}. */
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
  private final Map<String, String> tags;
  private final List<Distributions> distributions = new CopyOnWriteArrayList<>();

  /** Counters whose meters will be tagged {@code tags}; published nowhere until attached. */
  ServiceMetrics(Map<String, String> tags) {
    this.tags = Map.copyOf(tags);
  }

  /** The tags every meter of this service carries. */
  Map<String, String> tags() {
    return tags;
  }

  void attach(Distributions d) {
    distributions.add(d);
  }

  void detach(Distributions d) {
    distributions.remove(d);
  }

  void polled(int records) {
    lastRecordsNanos.accumulate(System.nanoTime());
    recordsIn.add(records);
    batches.increment();
    maxBatch.accumulate(records);
    for (Distributions d : distributions) {
      d.batchSize(records);
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
      for (Distributions d : distributions) {
        d.latencyMillis(latency);
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

  /** Removes the service's meters from every registry they were bound to. */
  @Override
  public void close() {
    for (Distributions d : distributions) {
      detach(d);
      d.close();
    }
  }
}
