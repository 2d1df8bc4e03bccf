package pe.agriscore.kafka;

import org.apache.kafka.common.KafkaException;

/**
 * Thrown by {@link KafkaScoringService#start()} when the service cannot run with what it found:
 * no broker answered {@code bootstrap.servers} within {@value
 * KafkaScoringConfig#STARTUP_TIMEOUT_MS_CONFIG}, the address is a KRaft controller rather than a
 * broker, one of its topics does not exist, the principal may not use them, or a transactional
 * producer could not initialize. The message says which, naming the setting to change; the
 * service is then {@link KafkaScoringService.State#FAILED} and has released everything it
 * created. A {@link KafkaException}, so hosts that catch Kafka's exceptions catch it too.
 *
 * <pre>{@code
 * try {
 *   service.start();
 * } catch (ServiceStartException e) {
 *   log.error("scoring not started: {}", e.getMessage());   // e.g. "topic loan-scores ... does not exist"
 *   System.exit(2);
 * }
 * }</pre>
 */
public final class ServiceStartException extends KafkaException {

  private static final long serialVersionUID = 1L;

  ServiceStartException(String message) {
    super(message);
  }

  ServiceStartException(String message, Throwable cause) {
    super(message, cause);
  }
}
