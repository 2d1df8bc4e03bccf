package pe.agriscore.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import pe.agriscore.scoring.ScoringJson;
import pe.agriscore.testing.TestBundles;

/**
 * A service configured with a good bundle and one whose file no longer matches its checksum: it
 * stays alive but never ready, and says 503 (not 404) for the model it could not load.
 */
class ReadinessTest {

  private static Path temp;
  private static TestService service;
  private static String brokenLabel;

  @BeforeAll
  static void start() throws Exception {
    temp = Files.createTempDirectory("readiness-test");
    Path good = TestBundles.writeScorecardBundle(Files.createDirectory(temp.resolve("good")));
    Path broken = TestBundles.writeScorecardBundle(Files.createDirectory(temp.resolve("broken")));
    Files.writeString(broken.resolve("scorecard.json"), " ", StandardOpenOption.APPEND);
    brokenLabel = broken.getFileName().toString();
    service = TestService.start(TestService.properties(List.of(good, broken)), false, null,
        false);
    // Ready never comes; wait (bounded) for the loader to have judged both bundles.
    long deadline = System.nanoTime() + 120_000_000_000L;
    while (!service.get("/actuator/prometheus", null).body().contains("agriscore_model_loaded")
        || service.get("/actuator/prometheus", null).body().split("agriscore_model_loaded\\{")
            .length < 3) {
      assertTrue(System.nanoTime() < deadline, "both bundles judged within 2 minutes");
      Thread.sleep(200);
    }
  }

  @AfterAll
  static void stop() throws Exception {
    if (service != null) {
      service.close();
    }
    TestService.delete(temp);
  }

  @Test
  void aRefusedBundleKeepsTheServiceAliveButNotReady() throws Exception {
    assertEquals(200, service.get("/actuator/health/liveness", null).statusCode());
    HttpResponse<String> readiness = service.get("/actuator/health/readiness", null);
    assertEquals(503, readiness.statusCode(), readiness.body());
    TestService.assertNoInternals(readiness.body());
    String metrics = service.get("/actuator/prometheus", null).body();
    assertTrue(metrics.contains("agriscore_model_loaded{application=\"agriscore-scoring-service\","
        + "model=\"" + brokenLabel + "\"} 0.0"), metrics.lines().filter(l -> l.contains("loaded")).toList()
        .toString());
    assertTrue(metrics.contains("agriscore_model_loaded{application=\"agriscore-scoring-service\","
        + "model=\"test-scorecard\"} 1.0"));
  }

  @Test
  void anUnservedModelIsA503WhileNotReadyAndTheLoadedOneScores() throws Exception {
    byte[] request = ScoringJson.writeRequest(TestBundles.randomRequests(5, 1).get(0));
    HttpResponse<String> missing = service.score("broken-or-unknown", request);
    JsonNode p = TestService.problem(missing, 503);
    assertEquals("urn:agriscore:problem:not-ready", p.path("type").asText());
    assertEquals("5", missing.headers().firstValue("Retry-After").orElse(""));
    assertEquals(200, service.score("test-scorecard", request).statusCode());
    JsonNode models = TestService.json(service.get("/v1/models", TestService.ALL_ROLES_KEY));
    assertEquals(false, models.path("ready").asBoolean());
    assertEquals(1, models.path("models").size());
  }

  @Test
  void theOverallHealthIsOutOfService() throws Exception {
    HttpResponse<String> health = service.get("/actuator/health", null);
    assertEquals(503, health.statusCode(), health.body());
    assertEquals("OUT_OF_SERVICE", TestService.json(health).path("status").asText());
  }
}
