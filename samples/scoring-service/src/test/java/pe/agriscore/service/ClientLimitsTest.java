package pe.agriscore.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import pe.agriscore.scoring.ScoringJson;
import pe.agriscore.testing.TestBundles;

/**
 * The per-client concurrency limit (one request in progress per client here) keyed by the
 * authenticated principal, and bearer tokens whose keys come from a JWK set URL: a tiny JWKS
 * server on 127.0.0.1 that the test starts.
 */
class ClientLimitsTest {

  private static final String OTHER_KEY = "test-key-other-client";

  private static Path temp;
  private static TestCredentials credentials;
  private static HttpServer jwks;
  private static final AtomicInteger JWKS_FETCHES = new AtomicInteger();
  private static TestService service;
  private static int port;
  private static byte[] request;

  @BeforeAll
  static void start() throws Exception {
    temp = Files.createTempDirectory("client-limits-test");
    credentials = new TestCredentials(Files.createDirectory(temp.resolve("credentials")));
    byte[] keys = Files.readAllBytes(credentials.jwkSet);
    jwks = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    jwks.createContext("/.well-known/jwks.json", exchange -> {
      JWKS_FETCHES.incrementAndGet();
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, keys.length);
      exchange.getResponseBody().write(keys);
      exchange.close();
    });
    jwks.start();

    Path bundle = TestBundles.writeScorecardBundle(temp);
    Map<String, Object> p = TestService.properties(List.of(bundle));
    p.put("agriscore.service.max-concurrent-per-client", "1");
    p.put("agriscore.security.api-keys.other.sha256", TestService.sha256(OTHER_KEY));
    p.put("agriscore.security.api-keys.other.roles", "scoring");
    p.put("agriscore.security.jwk-set", "http://127.0.0.1:" + jwks.getAddress().getPort()
        + "/.well-known/jwks.json");
    p.put("agriscore.security.issuer", TestCredentials.ISSUER);
    p.put("agriscore.security.audience", TestCredentials.AUDIENCE);
    service = TestService.start(p, false, null);
    port = service.base.getPort();
    request = ScoringJson.writeRequest(TestBundles.randomRequests(3, 1).get(0));
  }

  @AfterAll
  static void stop() throws Exception {
    if (service != null) {
      service.close();
    }
    if (jwks != null) {
      jwks.stop(0);
    }
    if (credentials != null) {
      credentials.close();
    }
    TestService.delete(temp);
  }

  @Test
  void aClientOverItsConcurrencyLimitGetsA429WhileOtherClientsScore() throws Exception {
    try (HeldRequest held = HeldRequest.open(port, "/v1/models/test-scorecard/score",
        TestService.ALL_ROLES_KEY, request)) {
      // The same principal, a second request: refused at once.
      HttpResponse<String> refused = service.score("test-scorecard", request);
      JsonNode problem = TestService.problem(refused, 429);
      assertEquals("urn:agriscore:problem:too-many-requests", problem.path("type").asText());
      assertEquals("1", refused.headers().firstValue("Retry-After").orElse(""));
      assertTrue(problem.path("detail").asText().contains("max-concurrent-per-client"),
          problem.toString());
      // Other principals (another API key, a bearer token) are not held back by it.
      assertEquals(200, service.post("/v1/models/test-scorecard/score", request,
          "X-API-Key", OTHER_KEY).statusCode());
      assertEquals(200, bearer(credentials.token(List.of(Roles.SCORING), Duration.ofMinutes(5)))
          .statusCode());
      HeldRequest.Response done = held.finish();
      assertEquals(200, done.status(), done.body());
    }
    // The slot is released when the request completes.
    assertEquals(200, service.score("test-scorecard", request).statusCode());
  }

  @Test
  void bearerTokensAreVerifiedWithKeysFromTheJwkSetUrl() throws Exception {
    HttpResponse<String> ok = bearer(credentials.token(List.of(Roles.SCORING),
        Duration.ofMinutes(5)));
    assertEquals(200, ok.statusCode(), ok.body());
    assertTrue(JWKS_FETCHES.get() >= 1, "the service fetched the JWK set from its URL");
    TestService.problem(bearer(credentials.forgedToken(List.of(Roles.SCORING))), 401);
    TestService.problem(bearer(credentials.token(List.of(Roles.SCORING),
        Duration.ofMinutes(-5))), 401);
    TestService.problem(bearer(credentials.token(List.of(Roles.AUDITOR),
        Duration.ofMinutes(5))), 403);
  }

  private static HttpResponse<String> bearer(String token) throws Exception {
    return service.http.send(HttpRequest.newBuilder(
            service.base.resolve("/v1/models/test-scorecard/score"))
        .timeout(TestService.TIMEOUT).header("Authorization", "Bearer " + token)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(request)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
