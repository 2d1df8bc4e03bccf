package pe.agriscore.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.stereotype.Component;
import pe.agriscore.scoring.AgriScoreException;
import pe.agriscore.CreditScorer;
import pe.agriscore.trust.KeyProvider;
import pe.agriscore.trust.TrustPolicy;

/**
 * The configured bundles, opened in the background when the service starts: each is verified
 * (checksums, the {@link TrustProperties trust policy}'s signatures, golden cases) when
 * {@link CreditScorer.Builder#build} opens it. As the {@code models} health
 * indicator, part of the readiness group, it is DOWN until every bundle is loaded, and stays
 * DOWN if one fails, so that no traffic reaches a service that serves fewer models than
 * configured.
 */
@Component("models")
final class ModelRegistry implements HealthIndicator, DisposableBean {

  private static final Logger LOG = LoggerFactory.getLogger(ModelRegistry.class);

  private final Map<String, ServedModel> byName = new ConcurrentHashMap<>();
  /** Per configured bundle path: "loading", "loaded" or the refusal's message. */
  private final Map<Path, String> status = new ConcurrentHashMap<>();
  private final List<Path> bundles;
  private final Thread loader;
  private volatile boolean complete;

  ModelRegistry(ServiceProperties props, TrustProperties trust, ObjectMapper json,
      MeterRegistry meters, ScoringMetrics metrics) {
    this.bundles = props.models();
    // Read before any bundle: a trust store or key source that cannot be read stops the start.
    TrustPolicy policy = trust.toPolicy();
    Optional<KeyProvider> keys = trust.toKeyProvider();
    LOG.atInfo().addKeyValue("agriscore.trust.policy", policy.name())
        .log("bundles must satisfy the trust policy {}", policy.name());
    bundles.forEach(p -> status.put(p, "loading"));
    loader = new Thread(() -> loadAll(props, policy, keys, json, meters, metrics),
        "agriscore-model-loader");
    loader.setDaemon(true);
    loader.start();
  }

  private void loadAll(ServiceProperties props, TrustPolicy policy, Optional<KeyProvider> keys,
      ObjectMapper json, MeterRegistry meters, ScoringMetrics metrics) {
    for (Path bundle : bundles) {
      long start = System.nanoTime();
      String label = bundle.getFileName() == null ? bundle.toString()
          : bundle.getFileName().toString();
      try {
        // The model's name, and so its timer, is known once the bundle is open; the timer is
        // set before the model is served, and only scoring (not loading) calls the listener.
        AtomicReference<Timer> engineTimer = new AtomicReference<>();
        CreditScorer.Builder b = CreditScorer.builder(bundle).trust(policy)
            .maxReasonCodes(props.maxReasonCodes())
            .engineCallListener((rows, nanos) -> engineTimer.get()
                .record(nanos, TimeUnit.NANOSECONDS));
        keys.ifPresent(b::keys);
        CreditScorer scorer = b.build();
        engineTimer.set(metrics.engine(scorer.modelName()));
        double seconds = (System.nanoTime() - start) / 1e9;
        ServedModel m = ServedModel.of(scorer, json, seconds);
        if (byName.putIfAbsent(m.description().name(), m) != null) {
          scorer.close();
          throw new AgriScoreException("two configured bundles are both named '"
              + m.description().name() + "': " + bundle + " is not served");
        }
        label = m.description().name();
        status.put(bundle, "loaded");
        LOG.atInfo().addKeyValue("agriscore.model.name", m.description().name())
            .addKeyValue("agriscore.model.version", m.description().version())
            .addKeyValue("agriscore.model.engine", m.description().engine())
            .addKeyValue("event.duration", (long) (seconds * 1e9))
            .log("model {} {} loaded from {}: {} golden cases verified",
                m.description().name(), m.description().version(), bundle,
                m.description().goldenCaseCount());
        Gauge.builder("agriscore.model.golden.cases", m, x -> x.description().goldenCaseCount())
            .description("golden cases the model reproduced when it was loaded")
            .tags("model", label, "version", m.description().version()).register(meters);
        Gauge.builder("agriscore.model.load.duration", m, ServedModel::loadSeconds)
            .baseUnit("seconds").description("time to open the bundle and verify it")
            .tags("model", label, "version", m.description().version()).register(meters);
      } catch (RuntimeException e) {
        // AgriScoreException names the bundle file or golden case; anything else is a bug we
        // still report by class and message, never as a stack trace on the wire.
        status.put(bundle, e.getMessage() == null ? e.getClass().getName() : e.getMessage());
        LOG.atError().addKeyValue("agriscore.bundle", bundle.toString())
            .log("bundle {} refused, the service stays not ready: {}", bundle, e.getMessage());
      }
      boolean ok = "loaded".equals(status.get(bundle));
      Gauge.builder("agriscore.model.loaded", () -> ok ? 1 : 0)
          .description("1 when the bundle loaded and its golden cases passed, 0 when refused")
          .tags("model", label).register(meters);
    }
    complete = true;
  }

  /** The model named {@code name}, if loaded. */
  Optional<ServedModel> find(String name) {
    return Optional.ofNullable(byName.get(name));
  }

  /** The loaded models, in configuration order. */
  List<ServedModel> all() {
    return byName.values().stream()
        .sorted(java.util.Comparator.comparing(m -> m.description().name())).toList();
  }

  /**
   * The configured bundles that were refused, by file name, with the SDK's reason (it names the
   * bundle file and, for a signature, the trust rule): what an operator needs to fix them.
   */
  Map<String, String> refused() {
    Map<String, String> out = new java.util.TreeMap<>();
    status.forEach((path, s) -> {
      if (!"loaded".equals(s) && !"loading".equals(s)) {
        out.put(path.getFileName() == null ? path.toString() : path.getFileName().toString(), s);
      }
    });
    return out;
  }

  /** Whether every configured bundle is loaded and verified. */
  boolean ready() {
    return complete && status.values().stream().allMatch("loaded"::equals);
  }

  @Override
  public Health health() {
    Map<String, String> details = new LinkedHashMap<>();
    bundles.forEach(p -> details.put(p.toString(), status.get(p)));
    Health.Builder h = ready() ? Health.up() : Health.outOfService();
    return h.withDetails(Map.copyOf(details)).build();
  }

  @Override
  public void destroy() throws InterruptedException {
    // Graceful shutdown has let in-flight requests finish before beans are destroyed.
    loader.join(TimeUnit.SECONDS.toMillis(30));
    byName.values().forEach(m -> m.scorer().close());
  }
}
