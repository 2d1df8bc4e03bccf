package pe.agriscore.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import pe.agriscore.scoring.ScoringJson;
import pe.agriscore.scoring.Violation;
import pe.agriscore.scoring.CreditScore;
import pe.agriscore.CreditScorer;
import pe.agriscore.scoring.ReasonCode;
import pe.agriscore.testing.HostileRequests;
import pe.agriscore.testing.TestBundles;

/**
 * The {@code /v1} API over real HTTP on the three reference bundles (and the SDK's test
 * scorecard, which the hostile corpus is written for): scores equal in-process {@code
 * CreditScorer} ones, every error is a problem document, and the logs of the whole run hold no
 * feature value or applicant id it sent.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ScoringApiTest {

  private static final List<String> REFERENCE = List.of("farmer-scorecard", "farmer-mlp-tf",
      "farmer-mlp-pt");
  private static final int MAX_BATCH = 50;

  private static Path temp;
  private static Path log;
  private static TestService service;
  private static final Map<String, CreditScorer> IN_PROCESS = new LinkedHashMap<>();
  /** Every feature value and applicant id sent, for the log scan. */
  private static final Set<String> SENT = new HashSet<>();

  @BeforeAll
  static void start() throws Exception {
    temp = Files.createTempDirectory("scoring-api-test");
    log = temp.resolve("service.log");
    Path testScorecard = TestBundles.writeScorecardBundle(temp);
    List<Path> bundles = new ArrayList<>();
    REFERENCE.forEach(m -> bundles.add(TestService.MODELS.resolve(m)));
    bundles.add(testScorecard);
    Map<String, Object> p = TestService.properties(bundles);
    p.put("agriscore.service.max-batch-size", Integer.toString(MAX_BATCH));
    p.put("logging.file.name", log.toString());
    p.put("logging.structured.format.file", "ecs");
    service = TestService.start(p, false, null);
    for (String m : REFERENCE) {
      IN_PROCESS.put(m, CreditScorer.open(TestService.MODELS.resolve(m)));
    }
  }

  @AfterAll
  static void stop() throws Exception {
    IN_PROCESS.values().forEach(CreditScorer::close);
    if (service != null) {
      service.close();
    }
    TestService.delete(temp);
  }

  /** samples/requests/*.json and every golden case's request of the model. */
  static List<byte[]> referenceRequests(String model) throws Exception {
    List<byte[]> out = new ArrayList<>();
    try (Stream<Path> files = Files.list(Path.of("../requests"))) {
      for (Path f : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
        out.add(Files.readAllBytes(f));
      }
    }
    JsonNode golden = TestService.JSON.readTree(
        TestService.MODELS.resolve(model).resolve("golden.json").toFile());
    for (JsonNode c : golden.path("cases")) {
      out.add(TestService.JSON.writeValueAsBytes(c.path("request")));
    }
    for (byte[] r : out) {
      remember(TestService.JSON.readTree(r));
    }
    return out;
  }

  private static void remember(JsonNode request) {
    SENT.add(request.path("applicantId").asText());
    request.path("features").fields().forEachRemaining(e -> {
      String v = e.getValue().toString().replace("\"", "");
      // Short numbers such as 17.0 also occur in version strings and ports.
      if (e.getValue().isTextual() || e.getValue().isNumber() && v.length() >= 5) {
        SENT.add(v);
      }
    });
  }

  /** The score body's PD, points, grade and reasons equal the in-process score's. */
  static void assertSameScore(CreditScore expected, JsonNode actual) {
    String where = expected.applicantId() + " on " + expected.modelName();
    assertEquals("score", actual.path("type").asText(), where);
    assertEquals(expected.applicantId(), actual.path("applicantId").asText(), where);
    assertEquals(expected.probabilityOfDefault(), actual.path("probabilityOfDefault").asDouble(),
        0.0, where);
    assertEquals(expected.points(), actual.path("points").asInt(), where);
    assertEquals(expected.grade(), actual.path("grade").asText(), where);
    assertEquals(expected.modelName(), actual.path("model").path("name").asText(), where);
    assertEquals(expected.modelVersion(), actual.path("model").path("version").asText(), where);
    assertEquals(expected.reasons().size(), actual.path("reasons").size(), where);
    for (int i = 0; i < expected.reasons().size(); i++) {
      ReasonCode e = expected.reasons().get(i);
      JsonNode a = actual.path("reasons").get(i);
      assertEquals(e.rank(), a.path("rank").asInt(), where);
      assertEquals(e.code(), a.path("code").asText(), where);
      assertEquals(e.feature(), a.path("feature").asText(), where);
      assertEquals(e.points(), a.path("points").asDouble(), 0.0, where);
      assertEquals(e.messageEs(), a.path("es").asText(), where);
      assertEquals(e.messageEn(), a.path("en").asText(), where);
    }
  }

  @Test
  @Order(1)
  void everyReferenceRequestScoresOverHttpAsInProcess() throws Exception {
    int compared = 0;
    Set<String> decisionIds = new HashSet<>();
    for (String model : REFERENCE) {
      for (byte[] request : referenceRequests(model)) {
        HttpResponse<String> r = service.score(model, request);
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("application/json", r.headers().firstValue("Content-Type").orElse(""));
        JsonNode body = TestService.json(r);
        assertSameScore(IN_PROCESS.get(model).score(ScoringJson.readRequest(request)), body);
        assertTrue(decisionIds.add(body.path("decisionId").asText()), "decision ids are unique");
        assertFalse(body.path("scoredAt").asText().isEmpty());
        compared++;
      }
    }
    assertTrue(compared >= 3 * 9, "every model's golden requests and the sample: " + compared);
  }

  @Test
  @Order(2)
  void acceptLanguageChoosesTheMessageAndBothWordingsStay() throws Exception {
    byte[] request = referenceRequests("farmer-mlp-pt").get(0);
    for (String[] c : new String[][] {{"en", "en", "en"}, {"es-PE", "es", "es-PE"},
        {"fr-FR, en;q=0.5", "en", "en"}, {null, "es", "es-PE"}, {"en;q=0, es", "es", "es-PE"}}) {
      HttpResponse<String> r = c[0] == null ? service.score("farmer-mlp-pt", request)
          : service.score("farmer-mlp-pt", request, "Accept-Language", c[0]);
      assertEquals(200, r.statusCode(), r.body());
      assertEquals(c[2], r.headers().firstValue("Content-Language").orElse(""), c[0]);
      JsonNode reasons = TestService.json(r).path("reasons");
      assertTrue(reasons.size() > 0);
      for (JsonNode reason : reasons) {
        assertEquals(reason.path(c[1]).asText(), reason.path("message").asText(), c[0]);
        assertNotEquals(reason.path("es").asText(), reason.path("en").asText());
      }
    }
  }

  @Test
  @Order(3)
  void batchScoresEachRequestAndPutsEachErrorInPlace() throws Exception {
    List<byte[]> requests = referenceRequests("farmer-mlp-tf");
    ObjectNode bad = (ObjectNode) TestService.JSON.readTree(requests.get(1));
    ((ObjectNode) bad.path("features")).put("farm_size_ha", -3.5);
    String body = "{\"requests\": [" + new String(requests.get(0), StandardCharsets.UTF_8) + ","
        + bad + ", null, 42, {\"applicantId\": \"PE-1\", \"applicantId\": \"PE-2\"},"
        + new String(requests.get(2), StandardCharsets.UTF_8) + "]}";
    HttpResponse<String> r = service.post("/v1/models/farmer-mlp-tf/score:batch",
        body.getBytes(StandardCharsets.UTF_8), TestService.withKey());
    assertEquals(200, r.statusCode(), r.body());
    JsonNode results = TestService.json(r).path("results");
    assertEquals(6, results.size());
    for (int i = 0; i < 6; i++) {
      assertEquals(i, results.get(i).path("index").asInt());
    }
    CreditScorer tf = IN_PROCESS.get("farmer-mlp-tf");
    assertSameScore(tf.score(ScoringJson.readRequest(requests.get(0))), results.get(0));
    assertSameScore(tf.score(ScoringJson.readRequest(requests.get(2))), results.get(5));
    JsonNode outOfRange = results.get(1);
    assertEquals("error", outOfRange.path("type").asText());
    assertEquals("INVALID_REQUEST", outOfRange.path("error").asText());
    assertEquals("farm_size_ha", outOfRange.path("violations").get(0).path("field").asText());
    assertEquals("OUT_OF_RANGE", outOfRange.path("violations").get(0).path("rule").asText());
    for (int i = 2; i <= 4; i++) {
      assertEquals("MALFORMED", results.get(i).path("violations").get(0).path("rule").asText(),
          results.get(i).toString());
    }
    assertTrue(results.get(4).path("violations").get(0).path("message").asText()
        .contains("duplicate"), results.get(4).toString());
    assertEquals(2, TestService.json(r).path("scored").asInt());
    assertEquals(4, TestService.json(r).path("failed").asInt());
  }

  @Test
  @Order(4)
  void everyErrorStatusIsAProblemDocument() throws Exception {
    byte[] good = referenceRequests("farmer-scorecard").get(0);
    // 400, with the field-level violations
    ObjectNode bad = (ObjectNode) TestService.JSON.readTree(good);
    ((ObjectNode) bad.path("features")).put("farm_size_ha", -3.5).put("main_crop", "Potato");
    JsonNode p = TestService.problem(service.score("farmer-scorecard",
        TestService.JSON.writeValueAsBytes(bad)), 400);
    assertEquals("urn:agriscore:problem:invalid-request", p.path("type").asText());
    assertEquals(bad.path("applicantId").asText(), p.path("applicantId").asText());
    List<String> fields = new ArrayList<>();
    p.path("violations").forEach(v -> fields.add(v.path("field").asText() + ":"
        + v.path("rule").asText()));
    assertEquals(List.of("main_crop:UNKNOWN_CATEGORY", "farm_size_ha:OUT_OF_RANGE"), fields);
    TestService.problem(service.score("farmer-scorecard", "{not json".getBytes()), 400);
    // 404: unknown model, unknown path
    assertEquals("urn:agriscore:problem:unknown-model",
        TestService.problem(service.score("no-such-model", good), 404).path("type").asText());
    TestService.problem(service.get("/v1/models/no-such-model", TestService.ALL_ROLES_KEY), 404);
    TestService.problem(service.get("/v1/nothing-here", TestService.ALL_ROLES_KEY), 404);
    // 413: a body over the limit, a batch over the count
    byte[] huge = new byte[70_000];
    java.util.Arrays.fill(huge, (byte) ' ');
    huge[0] = '{';
    huge[huge.length - 1] = '}';
    TestService.problem(service.score("farmer-scorecard", huge), 413);
    StringBuilder batch = new StringBuilder("{\"requests\":[");
    for (int i = 0; i <= MAX_BATCH; i++) {
      batch.append(i == 0 ? "" : ",").append(new String(good, StandardCharsets.UTF_8));
    }
    batch.append("]}");
    JsonNode tooMany = TestService.problem(service.post("/v1/models/farmer-scorecard/score:batch",
        batch.toString().getBytes(StandardCharsets.UTF_8), TestService.withKey()), 413);
    assertEquals(MAX_BATCH, tooMany.path("maxBatchSize").asInt());
    // 415, 406
    TestService.problem(service.score("farmer-scorecard", good, "Content-Type", "text/plain"),
        415);
    TestService.problem(service.score("farmer-scorecard", good, "Accept", "text/html"), 406);
    // 405
    TestService.problem(service.get("/v1/models/farmer-scorecard/score",
        TestService.ALL_ROLES_KEY), 405);
  }

  @Test
  @Order(5)
  void theHostileCorpusOverHttpGivesNo500NoTraceAndTheDocumentedViolations() throws Exception {
    int checked = 0;
    for (HostileRequests.Case c : HostileRequests.load()) {
      byte[] body = c.bytes() != null ? c.bytes()
          : c.text() != null ? c.text().getBytes(StandardCharsets.UTF_8) : new byte[0];
      HttpResponse<String> r;
      try {
        r = service.score("test-scorecard", body);
      } catch (java.io.IOException e) {
        // The service answers a body over its limit with a 413 before reading it; Tomcat then
        // closes the connection rather than drain megabytes, and a client still sending may
        // see the close before the answer. Anything smaller must be answered.
        assertTrue(body.length > 64 * 1024, c + " (" + body.length + " bytes): " + e);
        continue;
      }
      String where = c + ": " + r.statusCode() + " " + abbreviate(r.body());
      assertTrue(r.statusCode() == 200 || r.statusCode() == 400 || r.statusCode() == 413,
          where);
      TestService.assertNoInternals(r.body());
      // What the wire carries is exactly what the SDK reads only with its default limits and a
      // byte form (a null payload has none: it goes as an empty body): the rest must merely be
      // refused cleanly.
      boolean exact = c.usesDefaultLimits() && c.bytes() != null && r.statusCode() != 413;
      if (!exact) {
        continue;
      }
      JsonNode json = TestService.json(r);
      HostileRequests.Expectation expected = !c.read().valid() ? c.read() : c.score();
      if (expected.valid()) {
        assertEquals(200, r.statusCode(), where);
      } else {
        assertEquals(400, r.statusCode(), where);
        List<Violation> got = violations(json);
        String mismatch = expected.mismatch(json.path("applicantId").isNull() ? null
            : json.path("applicantId").asText(), got, json.path("omittedViolations").asInt());
        assertNull(mismatch, where);
      }
      checked++;
    }
    assertTrue(checked > 50, "most cases are checked exactly: " + checked);
  }

  private static List<Violation> violations(JsonNode problem) {
    List<Violation> out = new ArrayList<>();
    for (JsonNode v : problem.path("violations")) {
      out.add(new Violation(v.path("field").asText(), Violation.Rule.valueOf(
          v.path("rule").asText()), v.path("message").asText()));
    }
    return out;
  }

  private static String abbreviate(String s) {
    return s.length() > 300 ? s.substring(0, 300) + "..." : s;
  }

  @Test
  @Order(6)
  void eightConcurrentClientsGetWhatSequentialCallsGet() throws Exception {
    List<byte[]> requests = new ArrayList<>();
    for (String m : REFERENCE) {
      referenceRequests(m).forEach(requests::add);
    }
    List<String> models = new ArrayList<>();
    for (String m : REFERENCE) {
      for (int i = 0; i < referenceRequests(m).size(); i++) {
        models.add(m);
      }
    }
    List<String> sequential = new ArrayList<>();
    for (int i = 0; i < requests.size(); i++) {
      sequential.add(comparable(service.score(models.get(i), requests.get(i))));
    }
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<List<String>>> clients = new ArrayList<>();
      for (int c = 0; c < 8; c++) {
        int offset = c;
        clients.add(pool.submit(() -> {
          List<String> got = new ArrayList<>();
          for (int k = 0; k < 3 * requests.size(); k++) {
            int i = (k + offset * 7) % requests.size();
            got.add(i + "=" + comparable(service.score(models.get(i), requests.get(i))));
          }
          return got;
        }));
      }
      for (Future<List<String>> f : clients) {
        for (String got : f.get(3, TimeUnit.MINUTES)) {
          int i = Integer.parseInt(got.substring(0, got.indexOf('=')));
          assertEquals(sequential.get(i), got.substring(got.indexOf('=') + 1));
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /** The body without what differs per call (decision id, time). */
  private static String comparable(HttpResponse<String> r) throws Exception {
    if (r.statusCode() != 200) {
      fail(r.statusCode() + " " + r.body());
    }
    ObjectNode n = (ObjectNode) TestService.json(r);
    n.remove("decisionId");
    n.remove("scoredAt");
    return n.toString();
  }

  @Test
  @Order(7)
  void modelsDescribeWhatAnIntegratorNeeds() throws Exception {
    HttpResponse<String> list = service.get("/v1/models", TestService.ALL_ROLES_KEY);
    assertEquals(200, list.statusCode(), list.body());
    JsonNode l = TestService.json(list);
    assertTrue(l.path("ready").asBoolean());
    Set<String> names = new HashSet<>();
    l.path("models").forEach(m -> names.add(m.path("name").asText()));
    assertEquals(Set.of("farmer-scorecard", "farmer-mlp-tf", "farmer-mlp-pt", "test-scorecard"),
        names);
    for (String model : REFERENCE) {
      HttpResponse<String> r = service.get("/v1/models/" + model, TestService.ALL_ROLES_KEY);
      assertEquals(200, r.statusCode(), r.body());
      JsonNode d = TestService.json(r);
      var in = IN_PROCESS.get(model).model();
      assertEquals(in.name(), d.path("name").asText());
      assertEquals(in.version(), d.path("version").asText());
      assertEquals(in.engine(), d.path("engine").asText());
      assertEquals(in.createdAt().toString(), d.path("createdAt").asText());
      assertEquals(in.manifestSha256(), d.path("manifestSha256").asText());
      assertEquals(in.fileChecksums().size(), d.path("fileChecksums").size());
      assertEquals(in.schema().size(), d.path("inputSchema").path("features").size());
      JsonNode farm = d.path("inputSchema").path("features").get(
          in.schema().indexOf("farm_size_ha"));
      assertEquals("numeric", farm.path("type").asText());
      assertTrue(farm.has("min") && farm.has("max") && farm.has("missing"), farm.toString());
      ArrayNode reasons = (ArrayNode) d.path("reasonCodes");
      assertEquals(in.schema().size(), reasons.size());
      reasons.forEach(c -> assertTrue(!c.path("es").asText().isEmpty()
          && !c.path("en").asText().isEmpty(), c.toString()));
      // The grade bands tile [minPoints, maxPoints] from the top down.
      JsonNode bands = d.path("scoreScale").path("gradeBands");
      int expectTop = in.scoreScale().maxPoints();
      for (JsonNode b : bands) {
        assertEquals(expectTop, b.path("maxPoints").asInt(), bands.toString());
        expectTop = b.path("minPoints").asInt() - 1;
      }
      assertEquals(in.scoreScale().minPoints() - 1, expectTop, bands.toString());
    }
  }

  @Test
  @Order(8)
  void metricsHavePrometheusNames() throws Exception {
    HttpResponse<String> r = service.get("/actuator/prometheus", null);
    assertEquals(200, r.statusCode());
    String m = r.body();
    for (String name : List.of(
        "agriscore_scoring_requests_total{application=\"agriscore-scoring-service\","
            + "endpoint=\"score\",model=\"farmer-scorecard\",outcome=\"scored\",status=\"200\"}",
        "agriscore_scoring_requests_total{application=\"agriscore-scoring-service\","
            + "endpoint=\"score\",model=\"farmer-scorecard\",outcome=\"invalid_request\","
            + "status=\"400\"}",
        "agriscore_scoring_request_duration_seconds_bucket{",
        "agriscore_scoring_scorer_duration_seconds_bucket{",
        "agriscore_scoring_engine_duration_seconds_bucket{",
        "agriscore_score_points_bucket{",
        "agriscore_score_probability_of_default_bucket{",
        "agriscore_score_grades_total{",
        "agriscore_scoring_results_total{",
        "agriscore_request_violations_total{application=\"agriscore-scoring-service\","
            + "feature=\"farm_size_ha\",model=\"farmer-scorecard\",rule=\"OUT_OF_RANGE\"}",
        "agriscore_model_load_duration_seconds{",
        "agriscore_model_golden_cases{",
        "agriscore_model_loaded{",
        "jvm_memory_used_bytes{",
        "process_cpu_usage")) {
      assertTrue(m.contains(name), name + " is exposed");
    }
    // Engine time is measured apart, and it is part of the time inside CreditScorer.
    for (String model : List.of("farmer-scorecard", "farmer-mlp-tf", "farmer-mlp-pt")) {
      double engineCalls = sum(m, "agriscore_scoring_engine_duration_seconds_count", model);
      double engine = sum(m, "agriscore_scoring_engine_duration_seconds_sum", model);
      double scorer = sum(m, "agriscore_scoring_scorer_duration_seconds_sum", model);
      assertTrue(engineCalls > 0, model + " engine calls counted");
      assertTrue(engine > 0 && engine <= scorer, model + ": engine " + engine + " s within the"
          + " scorer's " + scorer + " s");
    }
  }

  /** The sum of a metric's samples for one model, across its other labels. */
  private static double sum(String prometheus, String metric, String model) {
    return prometheus.lines().filter(l -> l.startsWith(metric + "{")
            && l.contains("model=\"" + model + "\""))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
  }

  @Test
  @Order(9)
  void requestIdsAreHonouredAndEchoed() throws Exception {
    byte[] good = referenceRequests("farmer-scorecard").get(0);
    HttpResponse<String> given = service.score("farmer-scorecard", good, "X-Request-Id",
        "bank-req-0042");
    assertEquals("bank-req-0042", given.headers().firstValue("X-Request-Id").orElse(""));
    HttpResponse<String> traced = service.score("farmer-scorecard", good, "traceparent",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
    assertEquals("4bf92f3577b34da6a3ce929d0e0e4736",
        traced.headers().firstValue("X-Request-Id").orElse(""));
    HttpResponse<String> hostile = service.score("farmer-scorecard", good, "X-Request-Id",
        "evil id with spaces");
    assertNotEquals("evil id with spaces",
        hostile.headers().firstValue("X-Request-Id").orElse(""));
  }

  @Test
  @Order(100)
  void theLogsHoldNoFeatureValueNorApplicantId() throws Exception {
    // Values that only this test sends, some of which the SDK echoes in violation messages.
    ObjectNode marked = (ObjectNode) TestService.JSON.readTree(
        referenceRequests("farmer-scorecard").get(0));
    marked.put("applicantId", "PE-SECRET-918273");
    ((ObjectNode) marked.path("features")).put("farm_size_ha", 123.456789)
        .put("altitude_m", 4321.987);
    assertEquals(200, service.score("farmer-scorecard",
        TestService.JSON.writeValueAsBytes(marked), "X-Request-Id", "log-scan-1").statusCode());
    ((ObjectNode) marked.path("features")).put("farm_size_ha", -777.125)
        .put("main_crop", "zanahoria-secreta").put("secret_feature_x", 1);
    marked.put("applicantId", "PE-SECRET-555111");
    assertEquals(400, service.score("farmer-scorecard",
        TestService.JSON.writeValueAsBytes(marked), "X-Request-Id", "log-scan-2").statusCode());
    Set<String> secrets = new HashSet<>(SENT);
    secrets.addAll(List.of("PE-SECRET-918273", "123.456789", "4321.987", "-777.125",
        "zanahoria-secreta", "secret_feature_x", "PE-SECRET-555111"));

    List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
    assertTrue(lines.size() > 20, "the run logged: " + lines.size() + " lines");
    boolean sawAccess = false;
    boolean sawScored = false;
    boolean sawRefused = false;
    for (String line : lines) {
      JsonNode n = TestService.JSON.readTree(line);
      assertTrue(n.has("@timestamp") && n.has("log") && n.has("message"), line);
      ObjectNode scanned = n.deepCopy();
      scanned.remove("@timestamp");
      scanned.remove("event");
      scanned.remove("process");
      String text = scanned.toString();
      for (String s : secrets) {
        if (text.contains(s)) {
          fail("the log shows '" + s + "' that a request sent: " + line);
        }
      }
      String logger = n.path("log").path("logger").asText();
      String id = n.path("http").path("request").path("id").asText();
      if (logger.equals("pe.agriscore.service.access") && id.equals("log-scan-1")) {
        sawAccess = true;
        assertEquals("farmer-scorecard", n.path("agriscore").path("model").path("name").asText());
        assertEquals("1.0.0", n.path("agriscore").path("model").path("version").asText());
        assertEquals(200, n.path("http").path("response").path("status_code").asInt(), line);
        assertTrue(n.path("event").path("duration").asLong() > 0, line);
      }
      if (logger.equals("pe.agriscore.service.scoring") && id.equals("log-scan-1")) {
        sawScored = true;
        assertEquals("success", n.path("event").path("outcome").asText(), line);
        assertEquals(32, n.path("agriscore").path("applicant").path("hash").asText().length());
      }
      if (logger.equals("pe.agriscore.service.scoring") && id.equals("log-scan-2")) {
        sawRefused = true;
        assertEquals("failure", n.path("event").path("outcome").asText(), line);
      }
    }
    assertTrue(sawAccess && sawScored && sawRefused,
        "the access, score and refusal lines of the marked requests are logged");
  }
}
