package pe.agriscore.deployment.worker;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import pe.agriscore.CreditScorer;
import pe.agriscore.kafka.KafkaScoringMetrics;
import pe.agriscore.kafka.KafkaScoringService;
import pe.agriscore.kafka.ServiceHealth;

/**
 * The Kafka scoring worker a container runs: one {@link KafkaScoringService} around one bundle,
 * configured by environment variables ({@link WorkerEnvironment}), with Prometheus metrics on
 * {@code /metrics} and the service's health on {@code /health/live} and {@code /health/ready}
 * (200 or 503, the state as text). SIGTERM closes the service, which commits the batch in hand,
 * then the JVM exits (143, the JVM's code for SIGTERM). Exits 1 when the service failed, 2 for a
 * refused configuration.
 *
 * <pre>{@code
 * AGRISCORE_WORKER_MODEL=/models/farmer-scorecard KAFKA_BOOTSTRAP_SERVERS=kafka:9092 \
 * KAFKA_GROUP_ID=agriscore-scoring AGRISCORE_INPUT_TOPIC=loan-applications \
 * AGRISCORE_OUTPUT_TOPIC=loan-scores AGRISCORE_DEAD_LETTER_TOPIC=loan-applications-dlq \
 * java -cp ... pe.agriscore.deployment.worker.KafkaWorkerMain
 * }</pre>
 */
public final class KafkaWorkerMain {

  /** Prometheus text format of every meter. */
  public static final String METRICS_PATH = "/metrics";
  /** 200 while the service is RUNNING or DEGRADED, else 503: the liveness probe. */
  public static final String LIVE_PATH = "/health/live";
  /** 200 while the service is RUNNING, else 503: the readiness probe. */
  public static final String READY_PATH = "/health/ready";

  private KafkaWorkerMain() {}

  public static void main(String[] args) throws Exception {
    WorkerEnvironment env;
    try {
      env = WorkerEnvironment.from(System.getenv());
    } catch (IllegalArgumentException e) {
      System.err.println("agriscore-kafka-worker: " + e.getMessage());
      System.exit(2);
      return;
    }
    System.exit(run(env));
  }

  /** Runs the worker until it is stopped (SIGTERM) or fails; returns the exit code. */
  static int run(WorkerEnvironment env) throws Exception {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    try (JvmGcMetrics gc = new JvmGcMetrics();
        CreditScorer scorer = CreditScorer.open(env.model())) {
      gc.bindTo(registry);
      KafkaScoringService service = KafkaScoringService.builder(scorer)
          .properties(env.properties()).build();
      new KafkaScoringMetrics(service).bindTo(registry);
      HttpServer http = HttpServer.create(env.httpAddress().isEmpty()
          ? new InetSocketAddress(env.httpPort())
          : new InetSocketAddress(env.httpAddress(), env.httpPort()), 0);
      http.createContext(METRICS_PATH, ex -> respond(ex, 200, registry.scrape(),
          "text/plain; version=0.0.4; charset=utf-8"));
      http.createContext(LIVE_PATH, ex -> health(ex, service.health(), true));
      http.createContext(READY_PATH, ex -> health(ex, service.health(), false));
      http.start();
      CountDownLatch done = new CountDownLatch(1);
      Thread hook = new Thread(() -> {
        service.close();
        try {
          done.await(60, TimeUnit.SECONDS); // the scorer and the server close in main
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }, "agriscore-worker-shutdown");
      Runtime.getRuntime().addShutdownHook(hook);
      try {
        service.start();
        while (!service.awaitTermination(Duration.ofHours(1))) {
          // runs until closed or failed
        }
      } finally {
        http.stop(0);
        done.countDown();
      }
      if (service.state() == KafkaScoringService.State.FAILED) {
        System.err.println("agriscore-kafka-worker: the scoring service failed: "
            + service.failure().map(Throwable::getMessage).orElse("(no reason given)"));
        return 1;
      }
      return 0;
    }
  }

  private static void health(HttpExchange ex, ServiceHealth h, boolean live) throws IOException {
    boolean ok = live ? h.isLive() : h.isReady();
    respond(ex, ok ? 200 : 503, h.state() + (h.problems().isEmpty() ? ""
        : ": " + String.join("; ", h.problems())) + "\n", "text/plain; charset=utf-8");
  }

  private static void respond(HttpExchange ex, int status, String body, String type)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", type);
    ex.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }
}
