package pe.agriscore.deployment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Prometheus on 127.0.0.1 scraping, every second with the shipped jobs and rules, the
 * real scoring service (child JVM, demo profile, free port) and the real Kafka worker (child
 * JVM, against a KRaft broker in this JVM); the test drives traffic (valid, invalid and batch
 * calls to the three reference models; requests and malformed records on the worker's topic),
 * then evaluates every alert signal and every dashboard query through Prometheus' HTTP API: each
 * must return data. Strimzi's Kafka Exporter and kube-state-metrics do not run here (see {@link
 * #SOURCES_NOT_RUN}): their queries must still parse and evaluate.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PrometheusLiveTest {

  /** Sources whose series this test does not produce: their queries are listed, not run. */
  static final List<String> SOURCES_NOT_RUN = List.of("kafka-exporter", "kube-state-metrics");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration DATA_WITHIN = Duration.ofSeconds(90);

  @TempDir static Path tmp;
  private ChildJvm service;
  private Broker broker;
  private ChildJvm worker;
  private PrometheusServer prometheus;

  @BeforeAll
  void startServiceAndPrometheus() throws Exception {
    Path binary = Tools.require("prometheus", "prometheus");
    service = ServiceProcess.start(tmp.resolve("service.log"), Duration.ofSeconds(240));
    broker = Broker.start(tmp.resolve("broker"));
    worker = WorkerProcess.start(broker.bootstrap, tmp.resolve("worker.log"),
        Duration.ofSeconds(180));
    ObjectNode config = ScrapeConfig.withStaticTargets(AlertRules.RULES.getParent(),
        Map.of("agriscore-scoring-service", "127.0.0.1:" + service.port,
            "agriscore-kafka-worker", "127.0.0.1:" + worker.port), true);
    config.with("global").put("scrape_interval", "1s").put("evaluation_interval", "1s");
    // The demo profile serves plain HTTP; the shipped job scrapes the tls profile's HTTPS.
    ObjectNode job = (ObjectNode) config.path("scrape_configs").get(0);
    job.put("scheme", "http");
    job.remove("tls_config");
    Path dir = Files.createDirectories(tmp.resolve("prometheus"));
    prometheus = PrometheusServer.start(binary, dir, config);
    driveTraffic();
  }

  @AfterAll
  void stop() throws Exception {
    try {
      if (prometheus != null) {
        prometheus.close();
      }
    } finally {
      try (AutoCloseable s = service; AutoCloseable w = worker; AutoCloseable b = broker) {
        // closed in reverse order: broker last
      }
    }
  }

  /**
   * Six rounds a second apart: per model reference requests, an invalid one and a batch over
   * HTTP; the same requests and one malformed record on the worker's input topic.
   */
  private void driveTraffic() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    List<String> requests = new ArrayList<>();
    try (var files = Files.list(Tools.REPO.resolve("samples/requests"))) {
      for (Path f : files.sorted().toList()) {
        requests.add(Files.readString(f));
      }
    }
    JsonNode golden = JSON.readTree(Tools.REPO.resolve("samples/models/farmer-scorecard/golden.json")
        .toFile()).path("cases");
    for (int i = 0; i < 4 && i < golden.size(); i++) {
      requests.add(JSON.writeValueAsString(golden.get(i).path("request")));
    }
    ObjectNode invalid = (ObjectNode) JSON.readTree(requests.get(0));
    invalid.with("features").put("altitude_m", -12345.0).put("not_a_feature", 1);
    String batch = "{\"requests\":[" + String.join(",", requests) + "]}";
    var producer = new KafkaProducer<String, String>(Map.of("bootstrap.servers", broker.bootstrap,
        "acks", "all"), new StringSerializer(), new StringSerializer());
    try (producer) {
      for (int round = 0; round < 6; round++) {
        for (String r : requests) {
          producer.send(new ProducerRecord<>(Broker.INPUT, "k" + round, r));
        }
        producer.send(new ProducerRecord<>(Broker.INPUT, "bad" + round, "{not json"));
        httpRound(http, requests, invalid, batch);
        Thread.sleep(1000);
      }
    }
  }

  private void httpRound(HttpClient http, List<String> requests, ObjectNode invalid, String batch)
      throws Exception {
    for (String model : ServiceProcess.MODELS) {
      for (String r : requests) {
        assertEquals(200, post(http, model, "score", r).statusCode(), model);
      }
      assertEquals(400, post(http, model, "score", invalid.toString()).statusCode(), model);
      assertEquals(200, post(http, model, "score:batch", batch).statusCode(), model);
    }
  }

  private HttpResponse<String> post(HttpClient http, String model, String op, String body)
      throws Exception {
    URI uri = service.base.resolve("/v1/models/" + model + "/" + op);
    return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/json").header("X-API-Key", ServiceProcess.API_KEY)
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void everyAlertSignalOfTheServiceAndTheWorkerReturnsData() throws Exception {
    Map<String, String> signals = new LinkedHashMap<>();
    for (AlertRules.Alert a : AlertRules.alerts()) {
      if (a.group().equals("agriscore-scoring-service")
          || a.group().equals("agriscore-kafka-worker")) {
        signals.put(a.name(), a.signal());
      }
    }
    for (AlertRules.Alert a : AlertRules.alerts()) {
      prometheus.query(a.expr()); // every alert, whatever its source, parses and evaluates
    }
    assertEquals(new TreeSet<>(List.of("AgriScoreHighErrorRate", "AgriScoreHighLatencyP99",
        "AgriScoreGoldenVerificationFailed", "AgriScoreScrapeDown", "AgriScoreDeadLetterRate")),
        new TreeSet<>(signals.keySet()));
    assertEveryReturnsData(signals);
  }

  @Test
  void everyDashboardQueryOfTheServiceAndTheWorkerReturnsData() throws Exception {
    Map<String, String> queries = new LinkedHashMap<>();
    Map<String, List<String>> notRun = new TreeMap<>();
    for (Dashboard.Query q : Dashboard.queries()) {
      String source = Dashboard.source(q.expr());
      if (SOURCES_NOT_RUN.contains(source)) {
        notRun.computeIfAbsent(source, k -> new ArrayList<>()).add(q.panel());
        prometheus.query(q.resolved()); // still parsed and evaluated: status success
      } else {
        queries.put(q.panel() + ": " + q.expr(), q.resolved());
      }
    }
    // Only the consumer-lag panel may be left out; anything else must run here.
    assertEquals(Map.of("kafka-exporter", List.of("Consumer lag (records behind)")), notRun);
    assertEveryReturnsData(queries);
  }

  /**
   * Every line the service wrote during the run (start, load, traffic with errors) is an ECS
   * JSON document that the shipped index template's strict mapping takes, and one request is
   * found by its id, as a query on {@code http.request.id} would find it.
   */
  @Test
  void everyServiceLogLineFitsTheIndexTemplateAndARequestIsFoundByItsId() throws Exception {
    String id = "deployment-test-" + System.nanoTime();
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        service.base.resolve("/v1/models/farmer-scorecard/score")).timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/json").header("X-API-Key", ServiceProcess.API_KEY)
        .header("X-Request-Id", id).POST(HttpRequest.BodyPublishers.ofString(Files.readString(
            Tools.REPO.resolve("samples/requests/cusco-coffee-thin-file.json")))).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    String decision = JSON.readTree(r.body()).path("decisionId").asText();
    EcsIndexTemplate template = new EcsIndexTemplate();
    List<String> problems = new ArrayList<>();
    List<JsonNode> found = new ArrayList<>();
    long deadline = System.nanoTime() + DATA_WITHIN.toNanos();
    List<String> lines;
    do {
      Thread.sleep(500); // the access line is written after the response
      lines = Files.readAllLines(service.log);
      found.clear();
      for (String line : lines) {
        JsonNode doc = line.startsWith("{") ? JSON.readTree(line) : null;
        if (doc != null && doc.path("http").path("request").path("id").asText().equals(id)) {
          found.add(doc);
        }
      }
    } while (found.size() < 2 && System.nanoTime() < deadline);
    for (String line : lines) {
      if (!line.startsWith("{")) {
        problems.add("not JSON: " + line);
        continue;
      }
      template.problems(JSON.readTree(line)).forEach(p -> problems.add(p + " in " + line));
    }
    assertEquals(List.of(), problems);
    assertTrue(lines.size() > 20, "too few lines to prove anything: " + lines.size());
    // one access line and one decision line, both carrying the request id
    assertEquals(2, found.size(), found.toString());
    assertTrue(found.stream().anyMatch(d -> d.path("agriscore").path("decision").path("id")
        .asText().equals(decision)), found.toString());
  }

  /**
   * Every probe path of the rendered prod Deployments answers 200 on the running program (the
   * service here in its demo profile, plain HTTP instead of the tls profile's HTTPS).
   */
  @Test
  void everyProbeOfTheManifestsAnswersOnTheRunningPrograms() throws Exception {
    var docs = KubernetesManifestsTest.rendered("overlays/prod");
    Map<String, ChildJvm> running = Map.of("agriscore-scoring-service", service,
        "agriscore-kafka-worker", worker);
    int probes = 0;
    for (var e : running.entrySet()) {
      var c = KubernetesManifestsTest.deployment(docs, e.getKey()).getSpec().getTemplate()
          .getSpec().getContainers().get(0);
      for (var probe : List.of(c.getStartupProbe(), c.getReadinessProbe(), c.getLivenessProbe())) {
        String path = probe.getHttpGet().getPath();
        assertEquals(200, e.getValue().get(path).statusCode(), e.getKey() + " " + path);
        probes++;
      }
    }
    assertEquals(6, probes);
  }

  /** Prometheus loaded every shipped rule and evaluates each without error. */
  @Test
  void prometheusEvaluatesEveryShippedRuleWithoutError() throws Exception {
    long deadline = System.nanoTime() + DATA_WITHIN.toNanos();
    Map<String, String> health;
    do {
      health = new TreeMap<>();
      for (JsonNode g : prometheus.rules()) {
        for (JsonNode r : g.path("rules")) {
          health.put(r.path("name").asText(), r.path("health").asText() + " "
              + r.path("lastError").asText() + " " + r.path("state").asText());
        }
      }
      if (health.size() == AlertRules.alerts().size()
          && health.values().stream().allMatch(h -> h.startsWith("ok"))) {
        break;
      }
      Thread.sleep(1000);
    } while (System.nanoTime() < deadline);
    assertEquals(AlertRules.alerts().size(), health.size(), health.toString());
    for (var e : health.entrySet()) {
      assertTrue(e.getValue().startsWith("ok"), e.getKey() + ": " + e.getValue());
    }
    // Every bundle loaded and verified, the target answers: these two must be quiet.
    assertTrue(health.get("AgriScoreGoldenVerificationFailed").endsWith("inactive"),
        health.toString());
    assertTrue(health.get("AgriScoreScrapeDown").endsWith("inactive"), health.toString());
  }

  /**
   * Polls until every query returns at least one sample with a number (not NaN), for at most
   * {@link #DATA_WITHIN}; fails naming those that never did.
   */
  private void assertEveryReturnsData(Map<String, String> queries) throws Exception {
    Map<String, String> missing = new TreeMap<>(queries);
    long deadline = System.nanoTime() + DATA_WITHIN.toNanos();
    while (!missing.isEmpty() && System.nanoTime() < deadline) {
      for (var it = missing.entrySet().iterator(); it.hasNext(); ) {
        var e = it.next();
        for (JsonNode sample : prometheus.query(e.getValue())) {
          String v = sample.path("value").path(1).asText();
          if (!v.equals("NaN")) {
            it.remove();
            break;
          }
        }
      }
      if (!missing.isEmpty()) {
        Thread.sleep(1000);
      }
    }
    assertTrue(missing.isEmpty(), "no data from Prometheus for " + missing.keySet()
        + "\nscraped names: " + prometheus.query("count by (__name__) ({job=\"agriscore-scoring-service\"})"));
  }
}
