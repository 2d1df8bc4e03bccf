package pe.agriscore.kafka;

import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;

/**
 * Says in the adapter's words what a fatal client failure means and which of the host's settings
 * it points at: Kafka's own messages name SSL engine, SASL or group internals, not the property
 * to fix.
 */
final class ClientFailures {

  private ClientFailures() {}

  /**
   * A failure naming the settings behind {@code failure} when it is a TLS or SASL refusal or a
   * fenced static member (the original is its cause), or {@code failure} itself.
   */
  static Throwable explain(Throwable failure, Map<String, Object> client) {
    String why = explanation(failure, client);
    return why == null ? failure : new KafkaException(why, failure);
  }

  /**
   * What a TLS or SASL refusal or a fenced static member means, naming the settings of {@code
   * client} to check; null for other failures.
   */
  static String explanation(Throwable failure, Map<String, Object> client) {
    String brokers = String.valueOf(client.get(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG));
    for (Throwable c = failure; c != null; c = c.getCause()) {
      if (c instanceof FencedInstanceIdException) {
        return "the consumer with " + ConsumerConfig.GROUP_INSTANCE_ID_CONFIG + "="
            + client.get(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG) + " was fenced: another"
            + " consumer joined group " + client.get(ConsumerConfig.GROUP_ID_CONFIG) + " with the"
            + " same id. Either this instance was replaced (a restarted instance with the same "
            + KafkaScoringConfig.INSTANCE_ID_CONFIG + "), or two live instances share one; this one"
            + " stops so it cannot act as a zombie";
      }
      if (c instanceof SaslAuthenticationException) {
        return "the brokers at " + brokers + " refused the SASL credentials of this service ("
            + SaslConfigs.SASL_MECHANISM + "="
            + client.getOrDefault(SaslConfigs.SASL_MECHANISM, SaslConfigs.DEFAULT_SASL_MECHANISM)
            + "): check the username and password in " + SaslConfigs.SASL_JAAS_CONFIG
            + ", and that the user exists on the cluster for that mechanism. Kafka said: "
            + c.getMessage();
      }
      if (c instanceof SslAuthenticationException) {
        return "the TLS handshake with the brokers at " + brokers + " failed: their"
            + " certificate is not trusted by "
            + SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG + "="
            + client.getOrDefault(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG,
                "(not set: the JVM's default CA certificates)")
            + ", or it does not name the host of " + CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG
            + " (checked unless " + SslConfigs.SSL_ENDPOINT_IDENTIFICATION_ALGORITHM_CONFIG
            + " is empty), or the brokers require a client certificate ("
            + SslConfigs.SSL_KEYSTORE_LOCATION_CONFIG + "). Kafka said: " + rootMessage(c);
      }
    }
    return null;
  }

  private static String rootMessage(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root == t ? t.getMessage() : t.getMessage() + " (" + root.getMessage() + ")";
  }
}
