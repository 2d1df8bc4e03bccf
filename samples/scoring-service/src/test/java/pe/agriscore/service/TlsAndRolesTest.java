package pe.agriscore.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import pe.agriscore.scoring.ScoringJson;
import pe.agriscore.testing.TestBundles;

/**
 * The shipped TLS profile with a self-signed certificate the test makes, and every endpoint's
 * role check for bearer tokens and API keys: 401 for a missing, forged or expired credential,
 * 403 for a valid one without the role.
 */
class TlsAndRolesTest {

  private static final String MODEL = "test-scorecard";
  private static Path temp;
  private static TestCredentials credentials;
  private static TestService service;
  private static byte[] request;

  /** An endpoint, how to call it, and the roles that may. */
  private record Endpoint(String method, String path, byte[] body, List<String> roles) {}

  private static List<Endpoint> endpoints;

  @BeforeAll
  static void start() throws Exception {
    temp = Files.createTempDirectory("tls-roles-test");
    credentials = new TestCredentials(Files.createDirectory(temp.resolve("credentials")));
    Path bundle = TestBundles.writeScorecardBundle(temp);
    Map<String, Object> p = TestService.properties(List.of(bundle));
    p.put("spring.profiles.active", "tls");
    p.put("AGRISCORE_TLS_KEYSTORE", credentials.serverKeystore.toString());
    p.put("AGRISCORE_TLS_KEYSTORE_PASSWORD", TestCredentials.PASSWORD);
    p.put("agriscore.security.jwk-set", credentials.jwkSet.toString());
    p.put("agriscore.security.issuer", TestCredentials.ISSUER);
    p.put("agriscore.security.audience", TestCredentials.AUDIENCE);
    p.put("agriscore.security.api-keys.scorer.sha256", TestService.sha256("scorer-key"));
    p.put("agriscore.security.api-keys.scorer.roles", "scoring");
    service = TestService.start(p, true, credentials.clientSsl(null));
    request = ScoringJson.writeRequest(TestBundles.randomRequests(7, 1).get(0));
    byte[] batch = ("{\"requests\":[" + new String(request, StandardCharsets.UTF_8) + "]}")
        .getBytes(StandardCharsets.UTF_8);
    endpoints = List.of(
        new Endpoint("POST", "/v1/models/" + MODEL + "/score", request, List.of("scoring")),
        new Endpoint("POST", "/v1/models/" + MODEL + "/score:batch", batch, List.of("scoring")),
        new Endpoint("GET", "/v1/models", null, List.of("scoring", "model-admin")),
        new Endpoint("GET", "/v1/models/" + MODEL, null, List.of("scoring", "model-admin")));
  }

  @AfterAll
  static void stop() throws Exception {
    if (service != null) {
      service.close();
    }
    if (credentials != null) {
      credentials.close();
    }
    TestService.delete(temp);
  }

  private static HttpResponse<String> call(Endpoint e, String header, String value)
      throws IOException, InterruptedException {
    HttpRequest.Builder r = HttpRequest.newBuilder(service.base.resolve(e.path()))
        .timeout(TestService.TIMEOUT);
    if (e.body() != null) {
      r.POST(HttpRequest.BodyPublishers.ofByteArray(e.body()))
          .header("Content-Type", "application/json");
    } else {
      r.GET();
    }
    if (header != null) {
      r.header(header, value);
    }
    return service.http.send(r.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void scoringWorksOverTls() throws Exception {
    HttpResponse<String> r = service.score(MODEL, request);
    assertEquals(200, r.statusCode(), r.body());
    assertEquals("https", r.uri().getScheme());
  }

  @Test
  void plainHttpIsRefusedOnTheTlsPort() throws Exception {
    HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    URI http = URI.create("http://127.0.0.1:" + service.base.getPort()
        + "/v1/models/" + MODEL + "/score");
    HttpRequest r = HttpRequest.newBuilder(http).timeout(TestService.TIMEOUT)
        .header("Content-Type", "application/json").header("X-API-Key", TestService.ALL_ROLES_KEY)
        .POST(HttpRequest.BodyPublishers.ofByteArray(request)).build();
    try {
      HttpResponse<String> response = plain.send(r, HttpResponse.BodyHandlers.ofString());
      // Tomcat answers a plain request on a TLS port with a bare 400 and scores nothing.
      assertEquals(400, response.statusCode(), response.body());
      assertTrue(!response.body().contains("probabilityOfDefault"), response.body());
    } catch (IOException refused) {
      // A closed connection is a refusal too.
    }
  }

  @Test
  void everyEndpointRefusesMissingForgedExpiredAndUnknownCredentials() throws Exception {
    String forged = credentials.forgedToken(List.of("scoring", "model-admin"));
    String expired = credentials.token(List.of("scoring", "model-admin"), Duration.ofMinutes(-5));
    for (Endpoint e : endpoints) {
      HttpResponse<String> none = call(e, null, null);
      TestService.problem(none, 401);
      assertTrue(none.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer"),
          e.path());
      TestService.problem(call(e, "Authorization", "Bearer " + forged), 401);
      TestService.problem(call(e, "Authorization", "Bearer " + expired), 401);
      TestService.problem(call(e, "Authorization", "Bearer not.a.jwt"), 401);
      TestService.problem(call(e, "X-API-Key", "no-such-key"), 401);
    }
  }

  @Test
  void everyEndpointGrantsExactlyItsRoles() throws Exception {
    for (Endpoint e : endpoints) {
      for (String role : Roles.ALL) {
        String token = credentials.token(List.of(role), Duration.ofMinutes(5));
        HttpResponse<String> r = call(e, "Authorization", "Bearer " + token);
        if (e.roles().contains(role)) {
          assertEquals(200, r.statusCode(), e.path() + " as " + role + ": " + r.body());
        } else {
          TestService.problem(r, 403);
        }
      }
      HttpResponse<String> byKey = call(e, "X-API-Key", "scorer-key");
      if (e.roles().contains("scoring")) {
        assertEquals(200, byKey.statusCode(), e.path() + " by scoring key: " + byKey.body());
      } else {
        TestService.problem(byKey, 403);
      }
    }
  }

  @Test
  void probesAndMetricsNeedNoCredentialsOtherPathsDo() throws Exception {
    assertEquals(200, service.get("/actuator/health/liveness", null).statusCode());
    assertEquals(200, service.get("/actuator/health/readiness", null).statusCode());
    assertEquals(200, service.get("/actuator/prometheus", null).statusCode());
    TestService.problem(service.get("/actuator/env", null), 401);
    TestService.problem(service.get("/v1/elsewhere", null), 401);
  }

  @Test
  void aClientWithoutTheServersCertificateCannotConnect() {
    HttpClient untrusting = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
        .build();
    assertThrows(IOException.class, () -> untrusting.send(HttpRequest.newBuilder(
        service.base.resolve("/actuator/health")).timeout(TestService.TIMEOUT).build(),
        HttpResponse.BodyHandlers.ofString()));
  }
}
