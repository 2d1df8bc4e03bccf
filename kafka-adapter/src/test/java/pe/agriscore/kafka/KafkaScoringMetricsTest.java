package pe.agriscore.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pe.agriscore.CreditScorer;
import pe.agriscore.testing.TestBundles;

/** The Micrometer binder publishes only where it is bound, and closing removes its meters. */
class KafkaScoringMetricsTest {

  private static KafkaScoringService service(CreditScorer scorer) {
    return KafkaScoringService.builder(scorer).properties(Map.of(
            "bootstrap.servers", "broker-1:9093", "group.id", "scoring",
            KafkaScoringConfig.INSTANCE_ID_CONFIG, "pod-0"))
        .inputTopic("requests").outputTopic("scores").deadLetterTopic("requests-dlq").build();
  }

  @Test
  void metersAreTaggedFedByTheCountersAndRemovedOnClose(@TempDir Path tmp) throws Exception {
    try (CreditScorer scorer = CreditScorer.open(TestBundles.writeScorecardBundle(tmp))) {
      KafkaScoringService service = service(scorer);
      SimpleMeterRegistry registry = new SimpleMeterRegistry();
      SimpleMeterRegistry second = new SimpleMeterRegistry();
      KafkaScoringMetrics binder = new KafkaScoringMetrics(service, Tags.of("region", "cusco"));
      binder.bindTo(registry);
      binder.bindTo(second);
      service.serviceMetrics().polled(7);
      service.serviceMetrics().polled(3);
      for (SimpleMeterRegistry r : new SimpleMeterRegistry[] {registry, second}) {
        assertEquals(8, r.getMeters().size());
        Meter.Id id = r.get("agriscore.kafka.records.in").functionCounter().getId();
        assertEquals(Tags.of(Tag.of("group", "scoring"), Tag.of("topic", "requests"),
            Tag.of("instance", "pod-0"), Tag.of("region", "cusco")), Tags.of(id.getTags()));
        assertEquals(10.0, r.get("agriscore.kafka.records.in").functionCounter().count());
        assertEquals(2, r.get("agriscore.kafka.batch.size").summary().count());
        assertEquals(10.0, r.get("agriscore.kafka.batch.size").summary().totalAmount());
      }
      assertTrue(Metrics.globalRegistry.find("agriscore.kafka.records.in").meters().isEmpty(),
          "nothing is published to the global registry unless the host binds it");
      service.close();
      assertEquals(0, registry.getMeters().size(), "closing the service removes the meters");
      assertEquals(0, second.getMeters().size());
      binder.close();
    }
  }

  @Test
  void closingTheBinderRemovesItsMetersAndStopsFeedingThem(@TempDir Path tmp) throws Exception {
    try (CreditScorer scorer = CreditScorer.open(TestBundles.writeScorecardBundle(tmp))) {
      KafkaScoringService service = service(scorer);
      SimpleMeterRegistry registry = new SimpleMeterRegistry();
      try (KafkaScoringMetrics binder = new KafkaScoringMetrics(service)) {
        binder.bindTo(registry);
        assertEquals(8, registry.getMeters().size());
      }
      assertEquals(0, registry.getMeters().size());
      service.serviceMetrics().polled(5);
      assertEquals(5, service.metrics().recordsIn(), "the snapshot counts without a registry");
      assertEquals(0, registry.getMeters().size());
      service.close();
    }
  }
}
