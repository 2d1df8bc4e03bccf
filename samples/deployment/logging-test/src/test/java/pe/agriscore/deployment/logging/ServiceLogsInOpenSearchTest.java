package pe.agriscore.deployment.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped logging path end to end, against a real OpenSearch node ({@link OpenSearchNode}):
 * the real scoring service (its executable jar, demo profile) serves valid, invalid, batch,
 * unauthenticated and unknown-model calls and is stopped with SIGTERM; every line it wrote, from
 * its first to its last, becomes the document {@code logging/fluent-bit.conf} makes of it
 * ({@link FluentBitPipeline}: CRI fields, pod metadata of the shipped manifests, the output's
 * {@code event.ingested}) and is sent through {@code _bulk} into the daily index that the shipped
 * {@code logging/opensearch-index-template.json}, installed as it is, maps. Every line must be
 * accepted (the strict mapping refuses a field it does not declare: the failure names it), and
 * one request is found by its {@code X-Request-Id} as docs/deployment.md says.
 */
class ServiceLogsInOpenSearchTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path LOGGING = ScoringServiceJvm.REPO.resolve("samples/deployment/logging");
  private static final Path K8S = ScoringServiceJvm.REPO.resolve("samples/deployment/k8s/base");
  private static final String MODEL = "farmer-scorecard";

  @TempDir static Path tmp;
  private static OpenSearchNode node;
  private static FluentBitPipeline fluentBit;
  private static ObjectNode pod;
  /** The request sent with an X-Request-Id, and the decision id the service answered with. */
  private static final String REQUEST_ID = "logging-test-" + System.nanoTime();
  private static String decisionId;
  private static List<String> lines;

  @BeforeAll
  static void runTheServiceThenStartANodeWithTheTemplate() throws Exception {
    fluentBit = FluentBitPipeline.read(LOGGING.resolve("fluent-bit.conf"));
    pod = podMetadata();
    Path log = tmp.resolve("service.log");
    try (ScoringServiceJvm service = ScoringServiceJvm.start(log, tmp, Duration.ofSeconds(180))) {
      driveTraffic(service);
      service.stop();
    }
    lines = Files.readAllLines(log);
    node = OpenSearchNode.start(Files.createDirectories(tmp.resolve("opensearch")));
    System.out.println("OpenSearch node answering HTTP at " + node.base + " after "
        + node.startedIn.toMillis() + " ms");
    OpenSearchNode.Response put = node.call("PUT", "/_index_template/agriscore-logs",
        Files.readString(LOGGING.resolve("opensearch-index-template.json")));
    assertEquals(200, put.status(), put.body().toString());
  }

  @AfterAll
  static void stopTheNode() throws Exception {
    if (node != null) {
      node.close();
    }
  }

  /** Calls of every kind the service answers, each with a known outcome. */
  private static void driveTraffic(ScoringServiceJvm service) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    String valid = Files.readString(ScoringServiceJvm.REPO.resolve(
        "samples/requests/cusco-coffee-thin-file.json"));
    ObjectNode invalid = (ObjectNode) JSON.readTree(valid);
    invalid.withObjectProperty("features").put("altitude_m", -12345.0).put("not_a_feature", 1);
    String batch = "{\"requests\":[" + valid + "," + valid + "]}";
    String score = "/v1/models/" + MODEL + "/score";
    HttpResponse<String> r = post(http, service, score, valid, ScoringServiceJvm.API_KEY,
        REQUEST_ID);
    assertEquals(200, r.statusCode(), r.body());
    decisionId = JSON.readTree(r.body()).path("decisionId").asText();
    assertTrue(!decisionId.isEmpty(), r.body());
    assertEquals(400, post(http, service, score, invalid.toString(), ScoringServiceJvm.API_KEY,
        null).statusCode());
    assertEquals(200, post(http, service, "/v1/models/" + MODEL + "/score:batch", batch,
        ScoringServiceJvm.API_KEY, null).statusCode());
    assertEquals(401, post(http, service, score, valid, "not-the-key", null).statusCode());
    assertEquals(404, post(http, service, "/v1/models/no-such-model/score", valid,
        ScoringServiceJvm.API_KEY, null).statusCode());
  }

  private static HttpResponse<String> post(HttpClient http, ScoringServiceJvm service,
      String path, String body, String apiKey, String requestId) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(service.base.resolve(path))
        .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
        .header("X-API-Key", apiKey).POST(HttpRequest.BodyPublishers.ofString(body));
    if (requestId != null) {
      b.header("X-Request-Id", requestId);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /**
   * What Fluent Bit's kubernetes filter adds under {@code kubernetes} for a pod of the shipped
   * Deployment: its namespace, pod template labels (plus the ReplicaSet's hash), container name
   * and image as the base kustomization names them.
   */
  private static ObjectNode podMetadata() throws Exception {
    YAMLMapper yaml = new YAMLMapper();
    JsonNode deployment = null;
    try (var docs = yaml.readValues(new YAMLFactory().createParser(
        K8S.resolve("scoring-service.yaml").toFile()), JsonNode.class)) {
      while (docs.hasNext()) {
        JsonNode d = docs.next();
        if (d.path("kind").asText().equals("Deployment")) {
          deployment = d;
        }
      }
    }
    JsonNode kustomization = yaml.readTree(K8S.resolve("kustomization.yaml").toFile());
    JsonNode container = deployment.path("spec").path("template").path("spec")
        .path("containers").get(0);
    String image = container.path("image").asText();
    for (JsonNode i : kustomization.path("images")) {
      if (i.path("name").asText().equals(image)) {
        image = i.path("newName").asText() + ":" + i.path("newTag").asText();
      }
    }
    String hash = "6d5f7c9b8";
    ObjectNode labels = ((ObjectNode) deployment.path("spec").path("template").path("metadata")
        .path("labels")).deepCopy().put("pod-template-hash", hash);
    ObjectNode k = JSON.createObjectNode();
    k.put("pod_name", deployment.path("metadata").path("name").asText() + "-" + hash + "-x2k4q");
    k.put("namespace_name", kustomization.path("namespace").asText());
    k.put("pod_id", "0c6f5a1e-3b7d-4f0a-9d2e-5b8c1a7e4f60");
    k.set("labels", labels);
    k.set("annotations", JSON.createObjectNode().put("kubectl.kubernetes.io/restartedAt",
        "2026-12-01T08:00:00Z"));
    k.put("host", "worker-node-1");
    k.put("container_name", container.path("name").asText());
    k.put("docker_id", "4f1c".repeat(16));
    k.put("container_hash", image.replaceAll(":[^:/]+$", "") + "@sha256:" + "ab".repeat(32));
    k.put("container_image", image);
    return k;
  }

  /** Sends documents through {@code _bulk}; returns, per document, its error or null. */
  private static List<JsonNode> bulk(List<ObjectNode> docs, Instant time) throws Exception {
    StringBuilder ndjson = new StringBuilder();
    String action = JSON.createObjectNode().set(fluentBit.writeOperation(),
        JSON.createObjectNode().put("_index", fluentBit.index(time))).toString();
    for (ObjectNode d : docs) {
      ndjson.append(action).append('\n').append(d).append('\n');
    }
    OpenSearchNode.Response r = node.call("POST", "/_bulk", ndjson.toString());
    assertEquals(200, r.status(), r.body().toString());
    List<JsonNode> errors = new ArrayList<>();
    for (JsonNode item : r.body().path("items")) {
      JsonNode result = item.path(fluentBit.writeOperation());
      errors.add(result.has("error") ? result.get("error") : null);
    }
    assertEquals(docs.size(), errors.size(), r.body().toString());
    return errors;
  }

  private static long hits(String query) throws Exception {
    OpenSearchNode.Response r = node.call("GET", "/agriscore-logs-*/_search?size=0&q="
        + URLEncoder.encode(query, StandardCharsets.UTF_8), null);
    assertEquals(200, r.status(), r.body().toString());
    return r.body().path("hits").path("total").path("value").asLong();
  }

  private static long count(JsonNode query) throws Exception {
    OpenSearchNode.Response r = node.call("POST", "/agriscore-logs-*/_count",
        JSON.createObjectNode().set("query", query).toString());
    assertEquals(200, r.status(), r.body().toString());
    return r.body().path("count").asLong();
  }

  @Test
  void everyLineOfARealRunIsIndexedAndARequestIsFoundByItsId() throws Exception {
    assertTrue(lines.size() > 10, "too few lines to prove anything: " + lines);
    Instant now = Instant.now();
    List<ObjectNode> docs = new ArrayList<>();
    for (String line : lines) {
      docs.add(fluentBit.document(line, now, pod));
    }
    List<JsonNode> errors = bulk(docs, now);
    List<String> refused = new ArrayList<>();
    for (int i = 0; i < docs.size(); i++) {
      if (errors.get(i) != null) {
        refused.add(errors.get(i).path("type").asText() + ": "
            + errors.get(i).path("reason").asText() + "\n  line: " + lines.get(i));
      }
    }
    assertEquals(List.of(), refused, "lines the index template refused");
    assertEquals(200, node.call("POST", "/agriscore-logs-*/_refresh", null).status());
    JsonNode count = node.call("GET", "/agriscore-logs-*/_count", null).body();
    assertEquals(lines.size(), count.path("count").asLong(), count.toString());

    // The documented query: the request's access line and its decision line.
    String byId = "http.request.id:" + REQUEST_ID;
    assertEquals(2, hits(byId), byId);
    assertEquals(1, hits(byId + " AND url.path:\"/v1/models/" + MODEL + "/score\""
        + " AND http.response.status_code:200 AND log.logger:pe.agriscore.service.access"));
    assertEquals(1, hits(byId + " AND agriscore.decision.id:" + decisionId
        + " AND log.logger:pe.agriscore.service.scoring"));
    // Fields as the template types them: Fluent Bit's time key a date, the status a number,
    // the pod's labels (dots in their names) under kubernetes, mapped as they come.
    assertEquals(lines.size(), hits("event.ingested:[now-1h TO now+1h]"));
    assertEquals(1, hits("http.response.status_code:[400 TO 400] AND url.path:\"/v1/models/"
        + MODEL + "/score\""));
    assertEquals(lines.size(), count(JSON.createObjectNode().set("term", JSON.createObjectNode()
        .put("kubernetes.labels.app.kubernetes.io/name.keyword", "agriscore-scoring-service"))));
  }

  /**
   * The strict mapping refuses a field it does not declare, naming it: here the raw applicant id
   * the service must never log, added to the request's access line.
   */
  @Test
  void aLineWithAFieldTheTemplateDoesNotDeclareIsRefused() throws Exception {
    Instant now = Instant.now();
    String line = lines.stream().filter(l -> l.contains(REQUEST_ID)).findFirst().orElseThrow();
    ObjectNode doc = fluentBit.document(line, now, pod);
    doc.withObjectProperty("agriscore").withObjectProperty("applicant").put("id", "PE-0000031");
    JsonNode error = bulk(List.of(doc), now).get(0);
    assertTrue(error != null, "indexed: " + doc);
    assertEquals("strict_dynamic_mapping_exception", error.path("type").asText(),
        error.toString());
    String reason = error.path("reason").asText();
    assertTrue(reason.contains("[id]") && reason.contains("agriscore.applicant"), reason);
  }
}
