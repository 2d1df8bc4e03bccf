package pe.agriscore.service;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import org.yaml.snakeyaml.Yaml;
import pe.agriscore.scoring.ScoringJson;
import pe.agriscore.testing.TestBundles;

/**
 * The committed OpenAPI document and the running service agree: the same {@code /v1}
 * operations, every documented status produced with its media type and the response schema's
 * required properties, and each operation's roles exactly those it admits.
 */
class OpenApiContractTest {

  private static final String MODEL = "test-scorecard";
  /** Statuses a ready service with good bundles cannot give; the named test produces them. */
  private static final Map<String, String> ELSEWHERE = Map.of(
      "POST /v1/models/{name}/score 503", "ReadinessTest.anUnservedModelIsA503...",
      "POST /v1/models/{name}/score:batch 503", "the same path as score's 503 (model lookup)",
      "GET /v1/models/{name} 503", "the same path as score's 503 (model lookup)",
      "GET /actuator/health/readiness 503", "ReadinessTest.aRefusedBundleKeepsTheService...",
      "POST /v1/models/{name}/score 429", "ClientLimitsTest.aClientOverItsConcurrencyLimit...",
      "POST /v1/models/{name}/score:batch 429", "the same filter as score's 429",
      "GET /v1/models 429", "the same filter as score's 429",
      "GET /v1/models/{name} 429", "the same filter as score's 429");

  private static Path temp;
  private static TestService service;
  private static JsonNode doc;
  private static byte[] request;
  private static final Map<String, String> KEY_OF_ROLE = Map.of("scoring", "k-scoring",
      "model-admin", "k-admin", "auditor", "k-auditor");

  @BeforeAll
  static void start() throws Exception {
    temp = Files.createTempDirectory("openapi-test");
    Map<String, Object> p = TestService.properties(List.of(
        TestBundles.writeScorecardBundle(temp)));
    p.put("agriscore.service.max-batch-size", "3");
    KEY_OF_ROLE.forEach((role, key) -> {
      p.put("agriscore.security.api-keys." + key + ".sha256", TestService.sha256(key));
      p.put("agriscore.security.api-keys." + key + ".roles", role);
    });
    service = TestService.start(p, false, null);
    Object yaml = new Yaml().load(Files.readString(Path.of("src/main/resources/openapi.yaml")));
    doc = TestService.JSON.valueToTree(yaml);
    request = ScoringJson.writeRequest(TestBundles.randomRequests(11, 1).get(0));
  }

  @AfterAll
  static void stop() throws Exception {
    if (service != null) {
      service.close();
    }
    TestService.delete(temp);
  }

  @Test
  void theServedDocumentIsTheCommittedOne() throws Exception {
    HttpResponse<byte[]> r = service.http.send(HttpRequest.newBuilder(
        service.base.resolve("/v1/openapi.yaml")).build(), HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(200, r.statusCode());
    assertEquals("application/yaml", r.headers().firstValue("Content-Type").orElse(""));
    assertArrayEquals(Files.readAllBytes(Path.of("src/main/resources/openapi.yaml")), r.body());
    assertTrue(doc.path("openapi").asText().startsWith("3.1."));
  }

  @Test
  void theDocumentListsExactlyTheServicesV1Operations() {
    Set<String> served = new TreeSet<>();
    RequestMappingHandlerMapping mapping = service.context.getBean(
        "requestMappingHandlerMapping", RequestMappingHandlerMapping.class);
    for (Map.Entry<RequestMappingInfo, HandlerMethod> e : mapping.getHandlerMethods().entrySet()) {
      for (String pattern : e.getKey().getPatternValues()) {
        if (pattern.startsWith("/v1/")) {
          e.getKey().getMethodsCondition().getMethods()
              .forEach(m -> served.add(m.name() + " " + pattern));
        }
      }
    }
    Set<String> documented = new TreeSet<>();
    doc.path("paths").fields().forEachRemaining(p -> {
      if (p.getKey().startsWith("/v1/")) {
        p.getValue().fieldNames().forEachRemaining(m -> {
          if (!m.equals("parameters")) {
            documented.add(m.toUpperCase() + " " + p.getKey());
          }
        });
      }
    });
    assertEquals(documented, served);
  }

  @Test
  void everyDocumentedStatusComesWithItsMediaTypeAndRequiredProperties() throws Exception {
    Map<String, Call> calls = scenarios();
    List<String> checked = new ArrayList<>();
    doc.path("paths").fields().forEachRemaining(p -> p.getValue().fields().forEachRemaining(o -> {
      if (o.getKey().equals("parameters")) {
        return;
      }
      o.getValue().path("responses").fields().forEachRemaining(r -> {
        if (r.getKey().equals("default")) {
          return;
        }
        String key = o.getKey().toUpperCase() + " " + p.getKey() + " " + r.getKey();
        if (ELSEWHERE.containsKey(key)) {
          return;
        }
        Call call = calls.get(key);
        assertNotNull(call, "no scenario produces " + key);
        try {
          HttpResponse<String> got = call.send();
          assertEquals(Integer.parseInt(r.getKey()), got.statusCode(), key + ": " + got.body());
          JsonNode response = resolve(r.getValue());
          String type = got.headers().firstValue("Content-Type").orElse("").split(";")[0];
          assertTrue(response.path("content").has(type), key + " documents " + type);
          JsonNode schema = resolve(response.path("content").path(type).path("schema"));
          if (!schema.isMissingNode() && type.contains("json")) {
            assertRequired(schema, TestService.json(got), key);
          }
          for (String header : iterable(response.path("headers").fieldNames())) {
            assertTrue(got.headers().firstValue(header).isPresent(), key + " sends " + header);
          }
          checked.add(key);
        } catch (Exception e) {
          throw new AssertionError(key + ": " + e, e);
        }
      });
    }));
    // Every scenario was a documented status: the service gives none the document omits.
    assertEquals(new TreeSet<>(calls.keySet()), new TreeSet<>(checked));
  }

  @Test
  void eachOperationAdmitsExactlyItsRoles() throws Exception {
    for (String op : List.of("POST /v1/models/{name}/score", "POST /v1/models/{name}/score:batch",
        "GET /v1/models", "GET /v1/models/{name}")) {
      String[] parts = op.split(" ");
      JsonNode o = doc.path("paths").path(parts[1]).path(parts[0].toLowerCase());
      Set<String> roles = new TreeSet<>();
      o.path("x-agriscore-roles").forEach(r -> roles.add(r.asText()));
      assertFalse(roles.isEmpty(), op);
      for (String role : Roles.ALL) {
        HttpResponse<String> r = call(parts[0], parts[1], KEY_OF_ROLE.get(role));
        if (roles.contains(role)) {
          assertEquals(200, r.statusCode(), op + " as " + role + ": " + r.body());
        } else {
          TestService.problem(r, 403);
        }
      }
      TestService.problem(call(parts[0], parts[1], null), 401);
    }
  }

  private static HttpResponse<String> call(String method, String path, String key)
      throws Exception {
    String p = path.replace("{name}", MODEL);
    if (method.equals("GET")) {
      return service.get(p, key);
    }
    byte[] body = p.endsWith(":batch") ? batch(1) : request;
    return key == null ? service.post(p, body) : service.post(p, body, "X-API-Key", key);
  }

  private static byte[] batch(int n) {
    StringBuilder b = new StringBuilder("{\"requests\":[");
    for (int i = 0; i < n; i++) {
      b.append(i == 0 ? "" : ",").append(new String(request, StandardCharsets.UTF_8));
    }
    return b.append("]}").toString().getBytes(StandardCharsets.UTF_8);
  }

  @FunctionalInterface
  private interface Call {
    HttpResponse<String> send() throws Exception;
  }

  private static Map<String, Call> scenarios() {
    String all = TestService.ALL_ROLES_KEY;
    Map<String, Call> s = new HashMap<>();
    for (String ep : List.of("score", "score:batch")) {
      String op = "POST /v1/models/{name}/" + ep + " ";
      String path = "/v1/models/" + MODEL + "/" + ep;
      byte[] ok = ep.equals("score") ? request : batch(2);
      s.put(op + "200", () -> service.post(path, ok, "X-API-Key", all));
      s.put(op + "400", () -> service.post(path, "{\"applicantId\":1}".getBytes(), "X-API-Key",
          all));
      s.put(op + "401", () -> service.post(path, ok));
      s.put(op + "403", () -> service.post(path, ok, "X-API-Key", KEY_OF_ROLE.get("auditor")));
      s.put(op + "404", () -> service.post("/v1/models/nope/" + ep, ok, "X-API-Key", all));
      s.put(op + "406", () -> service.post(path, ok, "X-API-Key", all, "Accept", "text/html"));
      s.put(op + "413", () -> service.post(path, ep.equals("score") ? new byte[70_000] : batch(4),
          "X-API-Key", all));
      s.put(op + "415", () -> service.post(path, ok, "X-API-Key", all, "Content-Type",
          "text/plain"));
    }
    s.put("GET /v1/models 200", () -> service.get("/v1/models", all));
    s.put("GET /v1/models 401", () -> service.get("/v1/models", null));
    s.put("GET /v1/models 403", () -> service.get("/v1/models", KEY_OF_ROLE.get("auditor")));
    s.put("GET /v1/models 406", () -> getAccepting("/v1/models", "text/html"));
    s.put("GET /v1/models/{name} 200", () -> service.get("/v1/models/" + MODEL, all));
    s.put("GET /v1/models/{name} 401", () -> service.get("/v1/models/" + MODEL, null));
    s.put("GET /v1/models/{name} 403", () -> service.get("/v1/models/" + MODEL,
        KEY_OF_ROLE.get("auditor")));
    s.put("GET /v1/models/{name} 404", () -> service.get("/v1/models/nope", all));
    s.put("GET /v1/models/{name} 406", () -> getAccepting("/v1/models/" + MODEL, "text/html"));
    s.put("GET /v1/openapi.yaml 200", () -> service.get("/v1/openapi.yaml", null));
    s.put("GET /actuator/health/liveness 200", () -> service.get("/actuator/health/liveness",
        null));
    s.put("GET /actuator/health/readiness 200", () -> service.get("/actuator/health/readiness",
        null));
    s.put("GET /actuator/prometheus 200", () -> service.get("/actuator/prometheus", null));
    return s;
  }

  private static HttpResponse<String> getAccepting(String path, String accept) throws Exception {
    return service.http.send(HttpRequest.newBuilder(service.base.resolve(path))
        .header("X-API-Key", TestService.ALL_ROLES_KEY).header("Accept", accept).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** Follows a local {@code $ref}. */
  private static JsonNode resolve(JsonNode n) {
    while (n.has("$ref")) {
      JsonNode target = doc;
      for (String part : n.get("$ref").asText().substring(2).split("/")) {
        target = target.path(part);
      }
      n = target;
    }
    return n;
  }

  /** The schema's required properties (and those of its allOf parts) are in the body. */
  private static void assertRequired(JsonNode schema, JsonNode body, String where) {
    schema = resolve(schema);
    for (JsonNode part : schema.path("allOf")) {
      assertRequired(part, body, where);
    }
    for (JsonNode name : schema.path("required")) {
      assertTrue(body.has(name.asText()), where + ": the body has '" + name.asText() + "': "
          + body);
      JsonNode property = schema.path("properties").path(name.asText());
      JsonNode value = body.get(name.asText());
      JsonNode resolved = resolve(property);
      if (resolved.has("required") && value.isObject()) {
        assertRequired(resolved, value, where + "." + name.asText());
      }
      JsonNode items = resolve(resolved.path("items"));
      if (items.has("required") && value.isArray()) {
        for (JsonNode item : value) {
          assertRequired(items, item, where + "." + name.asText() + "[]");
        }
      }
    }
  }

  private static <T> Iterable<T> iterable(java.util.Iterator<T> it) {
    return () -> it;
  }
}
