package pe.agriscore.kafka;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

/**
 * Publishes a {@link KafkaScoringService}'s metrics to Micrometer, in Micrometer's own binder
 * style (as {@code KafkaClientMetrics} does for a Kafka client). Nothing is published unless the
 * host binds a registry: there is no default to {@code Metrics.globalRegistry}. Micrometer is an
 * optional dependency of the adapter; only this class names its types, so a host without
 * Micrometer never loads it and still reads {@link KafkaScoringService#metrics()}.
 *
 * <pre>{@code
 * KafkaScoringService service = KafkaScoringService.builder(scorer)...build();
 * KafkaScoringMetrics metrics = new KafkaScoringMetrics(service);
 * metrics.bindTo(meterRegistry);      // before or after start()
 * service.start();
 * ...
 * service.close();                    // also removes the meters
 * }</pre>
 *
 * <p>The meters (see {@code docs/kafka-adapter.md}) are tagged {@code group}, {@code topic} (the
 * input topic) and {@code instance}, plus the tags given here. They are removed from every
 * registry they were bound to by {@link #close()} or by closing the service. Thread-safe.
 */
public final class KafkaScoringMetrics implements MeterBinder, AutoCloseable {

  private final ServiceMetrics source;
  private final Tags tags;
  private final List<Binding> bindings = new ArrayList<>();

  /** Metrics of {@code service}, tagged {@code group}, {@code topic} and {@code instance}. */
  public KafkaScoringMetrics(KafkaScoringService service) {
    this(service, Tags.empty());
  }

  /** As {@link #KafkaScoringMetrics(KafkaScoringService)}, with {@code extraTags} added. */
  public KafkaScoringMetrics(KafkaScoringService service, Iterable<Tag> extraTags) {
    this.source = Objects.requireNonNull(service, "service").serviceMetrics();
    Tags t = Tags.of(Objects.requireNonNull(extraTags, "extraTags"));
    for (var e : source.tags().entrySet()) {
      t = t.and(e.getKey(), e.getValue());
    }
    this.tags = t;
  }

  /**
   * Registers the service's meters with {@code registry}; may be called for several
   * registries. Meters bound after the service was closed stay until {@link #close()}.
   */
  @Override
  public synchronized void bindTo(MeterRegistry registry) {
    Objects.requireNonNull(registry, "registry");
    Binding b = new Binding(registry, source, tags);
    bindings.add(b);
    source.attach(b);
  }

  /** Removes the meters from every registry this binder bound them to. Idempotent. */
  @Override
  public synchronized void close() {
    for (Binding b : bindings) {
      source.detach(b);
      b.close();
    }
    bindings.clear();
  }

  /** The meters of one registry; receives the distributions from the service's counters. */
  private static final class Binding implements ServiceMetrics.Distributions {
    private final MeterRegistry registry;
    private final List<Meter> meters = new ArrayList<>();
    private final DistributionSummary batchSize;
    private final Timer latency;

    Binding(MeterRegistry registry, ServiceMetrics m, Tags tags) {
      this.registry = registry;
      counter("agriscore.kafka.records.in", "Records returned by polls", m, s -> s.recordsIn,
          tags);
      counter("agriscore.kafka.records.scored", "Scores committed to the output topic", m,
          s -> s.recordsScored, tags);
      counter("agriscore.kafka.records.dead.lettered",
          "Records committed to the dead-letter topic", m, s -> s.recordsDeadLettered, tags);
      counter("agriscore.kafka.engine.retries", "Engine calls repeated after a failure", m,
          s -> s.engineRetries, tags);
      counter("agriscore.kafka.rewinds", "Batches read again after a failed write or commit", m,
          s -> s.rewinds, tags);
      counter("agriscore.kafka.dead.letters.truncated", "Dead letters cut to fit their topic",
          m, s -> s.deadLettersTruncated, tags);
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
        Function<ServiceMetrics, LongAdder> adder, Tags tags) {
      meters.add(FunctionCounter.builder(name, m, s -> adder.apply(s).sum())
          .description(description).tags(tags).register(registry));
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
}
