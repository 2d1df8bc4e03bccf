package pe.agriscore.deployment.worker;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import pe.agriscore.kafka.KafkaScoringConfig;

/**
 * The Kafka scoring worker's settings, read from environment variables (a container's way):
 *
 * <ul>
 *   <li>{@code AGRISCORE_WORKER_MODEL} (required): the bundle directory or zip to score with;
 *   <li>{@code AGRISCORE_WORKER_HTTP_PORT} (default {@value #DEFAULT_HTTP_PORT}) and {@code
 *       AGRISCORE_WORKER_HTTP_ADDRESS} (default all interfaces): where {@code /metrics}, {@code
 *       /health/live} and {@code /health/ready} are served;
 *   <li>{@code KAFKA_<NAME>}: the Kafka client setting {@code <name>} in lower case with {@code
 *       _} as {@code .} ({@code KAFKA_BOOTSTRAP_SERVERS} is {@code bootstrap.servers}); {@code
 *       KAFKA_CONSUMER_<NAME>} and {@code KAFKA_PRODUCER_<NAME>} set it for one client only;
 *   <li>{@code AGRISCORE_<NAME>}: the adapter setting {@code agriscore.<name>} the same way
 *       ({@code AGRISCORE_INPUT_TOPIC} is {@code agriscore.input.topic}; docs/kafka-adapter.md).
 * </ul>
 *
 * <p>Any other {@code KAFKA_}/{@code AGRISCORE_} variable, or one naming a setting that neither
 * Kafka's clients nor the adapter define, is refused with its name, so a typo never goes
 * unnoticed. Other variables are ignored.
 *
 * @param model the bundle to score with
 * @param httpAddress the address to serve metrics and health on; empty for all interfaces
 * @param httpPort the port to serve them on
 * @param properties the settings for {@code KafkaScoringService.builder(scorer).properties(...)}
 */
public record WorkerEnvironment(Path model, String httpAddress, int httpPort,
    Map<String, String> properties) {

  /** The port {@code /metrics} and the health endpoints listen on when none is set. */
  public static final int DEFAULT_HTTP_PORT = 9404;
  /** The worker's own variables. */
  public static final Set<String> OWN = Set.of("AGRISCORE_WORKER_MODEL",
      "AGRISCORE_WORKER_HTTP_PORT", "AGRISCORE_WORKER_HTTP_ADDRESS");

  public WorkerEnvironment {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(httpAddress, "httpAddress");
    properties = Map.copyOf(properties);
  }

  /**
   * Reads the settings from {@code env} (e.g. {@code System.getenv()}).
   *
   * @throws IllegalArgumentException naming the variable that is missing, malformed or unknown
   */
  public static WorkerEnvironment from(Map<String, String> env) {
    Map<String, String> props = new TreeMap<>();
    for (var e : new TreeMap<>(env).entrySet()) {
      String name = e.getKey();
      if (OWN.contains(name) || !(name.startsWith("KAFKA_") || name.startsWith("AGRISCORE_"))) {
        continue;
      }
      props.put(setting(name), e.getValue());
    }
    String model = env.get("AGRISCORE_WORKER_MODEL");
    if (model == null || model.isBlank()) {
      throw new IllegalArgumentException("environment variable AGRISCORE_WORKER_MODEL is not"
          + " set: it names the bundle to score with");
    }
    String port = env.getOrDefault("AGRISCORE_WORKER_HTTP_PORT",
        Integer.toString(DEFAULT_HTTP_PORT));
    int p;
    try {
      p = Integer.parseInt(port.strip());
    } catch (NumberFormatException e) {
      p = -1;
    }
    if (p < 0 || p > 65535) {
      throw new IllegalArgumentException("environment variable AGRISCORE_WORKER_HTTP_PORT is "
          + "'" + port + "': not a port number (0 to 65535)");
    }
    return new WorkerEnvironment(Path.of(model), env.getOrDefault(
        "AGRISCORE_WORKER_HTTP_ADDRESS", ""), p, props);
  }

  /**
   * The setting an environment variable names ({@code KAFKA_GROUP_ID}: {@code group.id}).
   *
   * @throws IllegalArgumentException if it names none that Kafka's clients or the adapter define
   */
  public static String setting(String variable) {
    String lower = variable.toLowerCase(Locale.ROOT).replace('_', '.');
    if (variable.startsWith("AGRISCORE_WORKER_")) {
      throw unknown(variable, "the worker's own variables are " + new TreeSet<>(OWN));
    }
    if (variable.startsWith("AGRISCORE_")) {
      if (KafkaScoringConfig.configDef().names().contains(lower)) {
        return lower;
      }
      throw unknown(variable, "no adapter setting " + lower + " (docs/kafka-adapter.md)");
    }
    if (!variable.startsWith("KAFKA_")) {
      throw unknown(variable, "only KAFKA_ and AGRISCORE_ variables are settings");
    }
    String kafka = lower.substring("kafka.".length());
    for (String prefix : new String[] {"consumer.", "producer."}) {
      if (kafka.startsWith(prefix) && clientSettings().contains(kafka.substring(prefix.length()))) {
        return kafka;
      }
    }
    if (clientSettings().contains(kafka)) {
      return kafka;
    }
    throw unknown(variable, "no Kafka client setting " + kafka);
  }

  private static Set<String> clientSettings() {
    Set<String> names = new TreeSet<>(ConsumerConfig.configNames());
    names.addAll(ProducerConfig.configNames());
    names.addAll(AdminClientConfig.configNames());
    return names;
  }

  private static IllegalArgumentException unknown(String variable, String why) {
    return new IllegalArgumentException("environment variable " + variable
        + " names no setting: " + why);
  }
}
