package pe.agriscore.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import pe.agriscore.CreditScorer;
import pe.agriscore.kafka.testing.Outcome;
import pe.agriscore.kafka.testing.RequestProducer;
import pe.agriscore.kafka.testing.SecureKafkaBroker;
import pe.agriscore.kafka.testing.Services;
import pe.agriscore.kafka.testing.TestCertificates;
import pe.agriscore.kafka.testing.Topics;
import pe.agriscore.testing.TestBundles;

/**
 * The service against a broker secured as a bank runs it: a {@code SASL_SSL} listener whose
 * certificate a CA made by the test signs, and SCRAM-SHA-512 users made by the test. The service
 * gets only the standard client properties a bank already writes ({@code security.protocol},
 * {@code sasl.mechanism}, {@code sasl.jaas.config}, {@code ssl.truststore.*}); the test's own
 * producer and readers use the broker's operator listener.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class SecureConnectionTest {

  private static final String USER = "agriscore";
  private static final String PASSWORD = "scoring-s3cret";
  private static final int REQUESTS = 3_000;

  @TempDir static Path tmp;
  private static SecureKafkaBroker broker;
  private static Path bundle;

  @BeforeAll
  static void startBroker() throws Exception {
    broker = SecureKafkaBroker.start(tmp.resolve("secure"));
    broker.createUser(USER, PASSWORD);
    bundle = TestBundles.writeScorecardBundle(tmp);
  }

  @AfterAll
  static void stopBroker() {
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  void scoresExactlyOnceOverSaslSslWithOnlyStandardClientProperties() throws Exception {
    String run = "secure";
    try (Admin admin = Topics.admin(broker.plaintextBootstrap());
        CreditScorer scorer = CreditScorer.open(bundle)) {
      Topics.create(admin, 3, run + "-in", run + "-out", run + "-dlq");
      try (RequestProducer producer = new RequestProducer(broker.plaintextBootstrap(),
          run + "-in", 50)) {
        producer.send(0, REQUESTS);
        producer.finish();
      }
      Map<String, Object> props = secured(run, broker.clientSecurity(USER, PASSWORD,
          broker.truststore()));
      KafkaScoringService service = Services.start(scorer, props);
      try {
        Topics.awaitCommittedToEnd(admin, run + "-group", run + "-in", Duration.ofMinutes(2));
        assertEquals(KafkaScoringService.State.RUNNING, service.state(),
            () -> "" + service.failure());
      } finally {
        service.close();
      }
      Outcome outcome = Outcome.read(broker.plaintextBootstrap(), run + "-in", run + "-out",
          run + "-dlq");
      assertEquals(REQUESTS, outcome.inputs.size());
      outcome.assertExactlyOnce("test-scorecard", "1.0.0");
      assertEquals(outcome.validInputs, service.metrics().recordsScored());
    }
  }

  @Test
  void aWrongPasswordFailsTheServiceNamingTheSaslSettings() throws Exception {
    String message = refusal("wrong-password",
        broker.clientSecurity(USER, "not-the-password", broker.truststore()));
    assertTrue(message.contains("refused the SASL credentials"), message);
    assertTrue(message.contains("sasl.jaas.config"), message);
    assertTrue(message.contains("SCRAM-SHA-512"), message);
  }

  @Test
  void anUntrustedBrokerCertificateFailsTheServiceNamingTheTruststore() throws Exception {
    // A truststore of another CA: the broker's certificate chain does not lead to it.
    Path otherCa = TestCertificates.authority(tmp.resolve("other-ca"), "some-other-ca")
        .truststore();
    String message = refusal("untrusted", broker.clientSecurity(USER, PASSWORD, otherCa));
    assertTrue(message.contains("TLS handshake"), message);
    assertTrue(message.contains("ssl.truststore.location"), message);
    assertTrue(message.contains(otherCa.toString()), message);
  }

  @Test
  void aPlaintextClientOnTheTlsListenerFailsTheServiceNamingSecurityProtocol() throws Exception {
    String message = refusal("plaintext", Map.of());
    assertTrue(message.contains("security.protocol"), message);
  }

  /**
   * Starts a service with the given security settings against the SASL_SSL listener, expects
   * {@code start()} to refuse within its bounded start-up check, and returns the message.
   */
  private static String refusal(String run, Map<String, Object> security) throws Exception {
    try (Admin admin = Topics.admin(broker.plaintextBootstrap());
        CreditScorer scorer = CreditScorer.open(bundle)) {
      Topics.create(admin, 1, run + "-in", run + "-out", run + "-dlq");
      Map<String, Object> props = secured(run, security);
      props.put(KafkaScoringConfig.STARTUP_TIMEOUT_MS_CONFIG, "10000");
      KafkaScoringService service = KafkaScoringService.builder(scorer).properties(props)
          .build();
      try {
        ServiceStartException e = assertThrows(ServiceStartException.class, service::start);
        assertEquals(KafkaScoringService.State.FAILED, service.state());
        ServiceHealth health = service.health();
        assertFalse(health.isLive() || health.isReady(), health::toString);
        assertEquals(List.of(), health.liveThreads(), "a refused service runs no thread");
        System.out.printf("%s: %s%n", run, e.getMessage());
        return e.getMessage();
      } finally {
        service.close();
      }
    }
  }

  private static Map<String, Object> secured(String run, Map<String, Object> security) {
    Map<String, Object> props = new HashMap<>(Services.properties(broker.secureBootstrap(), run,
        DeliveryMode.EXACTLY_ONCE));
    props.putAll(security);
    return props;
  }
}
