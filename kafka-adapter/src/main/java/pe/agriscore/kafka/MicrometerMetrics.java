package pe.agriscore.kafka;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Timer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

/**
 * Publishes a service's metrics to Micrometer. Only loaded when Micrometer is on the classpath
 * (it is an optional dependency), which is why nothing else in the adapter names its types.
 */
final class MicrometerMetrics implements ServiceMetrics.Distributions {

  private final MeterRegistry registry;
  private final List<Meter> meters = new ArrayList<>();
  private final DistributionSummary batchSize;
  private final Timer latency;

  private MicrometerMetrics(MeterRegistry registry, ServiceMetrics m, List<Tag> tags) {
    this.registry = registry;
    counter("agriscore.kafka.records.in", "Records returned by polls", m, s -> s.recordsIn, tags);
    counter("agriscore.kafka.records.scored", "Scores committed to the output topic", m,
        s -> s.recordsScored, tags);
    counter("agriscore.kafka.records.dead.lettered", "Records committed to the dead-letter topic",
        m, s -> s.recordsDeadLettered, tags);
    counter("agriscore.kafka.engine.retries", "Engine calls repeated after a failure", m,
        s -> s.engineRetries, tags);
    counter("agriscore.kafka.rewinds", "Batches read again after a failed write or commit", m,
        s -> s.rewinds, tags);
    counter("agriscore.kafka.dead.letters.truncated", "Dead letters cut to fit their topic", m,
        s -> s.deadLettersTruncated, tags);
    batchSize = DistributionSummary.builder("agriscore.kafka.batch.size")
        .description("Records per polled batch").baseUnit("records").tags(tags)
        .register(registry);
    meters.add(batchSize);
    latency = Timer.builder("agriscore.kafka.latency")
        .description("From a request's record timestamp until its result was committed")
        .tags(tags).register(registry);
    meters.add(latency);
  }

  private void counter(String name, String description, ServiceMetrics m,
      Function<ServiceMetrics, LongAdder> adder, List<Tag> tags) {
    meters.add(FunctionCounter.builder(name, m, s -> adder.apply(s).sum())
        .description(description).tags(tags).register(registry));
  }

  static boolean isRegistry(Object registry) {
    return registry instanceof MeterRegistry;
  }

  static Object globalRegistry() {
    return Metrics.globalRegistry;
  }

  static ServiceMetrics.Distributions bind(Object registry, ServiceMetrics metrics,
      Map<String, String> tags) {
    List<Tag> list = new ArrayList<>();
    tags.forEach((k, v) -> list.add(Tag.of(k, v)));
    return new MicrometerMetrics((MeterRegistry) registry, metrics, list);
  }

  @Override
  public void batchSize(int records) {
    batchSize.record(records);
  }

  @Override
  public void latencyMillis(long millis) {
    latency.record(millis, TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() {
    for (Meter meter : meters) {
      registry.remove(meter);
    }
  }
}
