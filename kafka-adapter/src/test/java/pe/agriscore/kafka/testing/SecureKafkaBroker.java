package pe.agriscore.kafka.testing;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;

/**
 * A single-node KRaft broker in this JVM with a {@code SASL_SSL} listener as a bank runs it:
 * TLS with a certificate signed by a CA the test made ({@link TestCertificates}), and
 * SCRAM-SHA-512 users that the test creates. A second, PLAINTEXT listener on the loopback
 * address is the operator's port: the test creates topics and users, writes requests and reads
 * results through it, so that only the service under test goes through {@code SASL_SSL}.
 *
 * <pre>{@code
 * try (SecureKafkaBroker broker = SecureKafkaBroker.start(dir)) {
 *   broker.createUser("agriscore", "secret");
 *   Map<String, Object> client = broker.clientSecurity("agriscore", "secret", broker.truststore());
 * }
 * }</pre>
 */
public final class SecureKafkaBroker implements AutoCloseable {

  private final KafkaBroker broker;
  private final int securePort;
  private final TestCertificates authority;

  private SecureKafkaBroker(KafkaBroker broker, int securePort, TestCertificates authority) {
    this.broker = broker;
    this.securePort = securePort;
    this.authority = authority;
  }

  /** Makes the CA and the broker's certificate in {@code dir}, and starts the broker. */
  public static SecureKafkaBroker start(Path dir) throws IOException, InterruptedException {
    TestCertificates ca = TestCertificates.authority(dir.resolve("tls"), "agriscore-test-ca");
    Path keystore = ca.signedKeystore("broker");
    int port = KafkaBroker.freePort();
    int securePort = KafkaBroker.freePort();
    int controllerPort = KafkaBroker.freePort();
    Map<String, Object> o = new HashMap<>();
    o.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",SASL_SSL://127.0.0.1:" + securePort
        + ",CONTROLLER://127.0.0.1:" + controllerPort);
    o.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port + ",SASL_SSL://127.0.0.1:"
        + securePort);
    o.put("listener.security.protocol.map",
        "PLAINTEXT:PLAINTEXT,SASL_SSL:SASL_SSL,CONTROLLER:PLAINTEXT");
    o.put("sasl.enabled.mechanisms", "SCRAM-SHA-512");
    o.put("listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config",
        "org.apache.kafka.common.security.scram.ScramLoginModule required;");
    o.put("ssl.keystore.type", "PKCS12");
    o.put("ssl.keystore.location", keystore.toString());
    o.put("ssl.keystore.password", TestCertificates.PASSWORD);
    o.put("ssl.key.password", TestCertificates.PASSWORD);
    KafkaBroker broker = KafkaBroker.create(dir.resolve("broker"), port, controllerPort, o);
    broker.start();
    return new SecureKafkaBroker(broker, securePort, ca);
  }

  /** The operator's PLAINTEXT listener: topics, users, test producers and readers. */
  public String plaintextBootstrap() {
    return broker.bootstrapServers();
  }

  /** The {@code SASL_SSL} listener. */
  public String secureBootstrap() {
    return "127.0.0.1:" + securePort;
  }

  /** A truststore holding the CA that signed the broker's certificate. */
  public Path truststore() {
    return authority.truststore();
  }

  /** Creates (or replaces) a SCRAM-SHA-512 user and waits until the broker knows it. */
  public void createUser(String user, String password)
      throws ExecutionException, InterruptedException {
    try (Admin admin = Topics.admin(plaintextBootstrap())) {
      admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(user,
          new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 4096), password)))
          .all().get(30, TimeUnit.SECONDS);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      // The credential reaches the listener through the metadata log.
      while (!admin.describeUserScramCredentials().users().get().contains(user)) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("the broker never listed the SCRAM user " + user);
        }
        Thread.sleep(50);
      }
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("creating the SCRAM user " + user + " timed out", e);
    }
  }

  /**
   * The standard client properties of a bank's SASL_SSL client: {@code security.protocol},
   * {@code sasl.mechanism}, {@code sasl.jaas.config} and the {@code ssl.truststore.*} settings.
   */
  public Map<String, Object> clientSecurity(String user, String password, Path truststore) {
    Map<String, Object> p = new HashMap<>();
    p.put("security.protocol", "SASL_SSL");
    p.put("sasl.mechanism", "SCRAM-SHA-512");
    p.put("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required"
        + " username=\"" + user + "\" password=\"" + password + "\";");
    p.put("ssl.truststore.type", "PKCS12");
    p.put("ssl.truststore.location", truststore.toString());
    p.put("ssl.truststore.password", TestCertificates.PASSWORD);
    return p;
  }

  @Override
  public void close() {
    broker.close();
  }
}
