package pe.agriscore.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import pe.agriscore.scoring.ScoringJson;
import pe.agriscore.testing.TestBundles;

/** The shipped {@code tls,mtls} profiles: only clients whose certificate the truststore has. */
class MutualTlsTest {

  private static Path temp;
  private static TestCredentials credentials;
  private static TestService service;

  @BeforeAll
  static void start() throws Exception {
    temp = Files.createTempDirectory("mtls-test");
    credentials = new TestCredentials(Files.createDirectory(temp.resolve("credentials")));
    Path bundle = TestBundles.writeScorecardBundle(temp);
    Map<String, Object> p = TestService.properties(List.of(bundle));
    p.put("spring.profiles.active", "tls,mtls");
    p.put("AGRISCORE_TLS_KEYSTORE", credentials.serverKeystore.toString());
    p.put("AGRISCORE_TLS_KEYSTORE_PASSWORD", TestCredentials.PASSWORD);
    p.put("AGRISCORE_TLS_TRUSTSTORE", credentials.serverTruststore.toString());
    p.put("AGRISCORE_TLS_TRUSTSTORE_PASSWORD", TestCredentials.PASSWORD);
    service = TestService.start(p, true, credentials.clientSsl("client"));
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

  @Test
  void aTrustedClientCertificateScores() throws Exception {
    byte[] request = ScoringJson.writeRequest(TestBundles.randomRequests(3, 1).get(0));
    HttpResponse<String> r = service.score("test-scorecard", request);
    assertEquals(200, r.statusCode(), r.body());
  }

  @Test
  void anUntrustedClientCertificateIsRefused() throws Exception {
    assertRefused(credentials.clientSsl("rogue"));
  }

  @Test
  void noClientCertificateIsRefused() throws Exception {
    assertRefused(credentials.clientSsl(null));
  }

  private static void assertRefused(SSLContext ssl) {
    HttpClient client = HttpClient.newBuilder().sslContext(ssl)
        .connectTimeout(Duration.ofSeconds(10)).build();
    assertThrows(IOException.class, () -> client.send(HttpRequest.newBuilder(
        service.base.resolve("/actuator/health/liveness")).timeout(TestService.TIMEOUT).build(),
        HttpResponse.BodyHandlers.ofString()));
  }
}
