package pe.agriscore.kafka.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.admin.Admin;

/**
 * A single-node KRaft broker on 127.0.0.1 for developers and samples, built from the Maven
 * Central Kafka artifacts (no Docker, no download at run time). Prints {@code LOCAL-BROKER READY
 * <bootstrap>} once it answers and its topics accept records, and runs until killed (Ctrl-C stops
 * it cleanly). The tests also run it as a child JVM they can {@code kill -9}.
 *
 * <pre>
 * ./mvnw -pl kafka-adapter -am test-compile exec:java@local-broker
 * ./mvnw -pl kafka-adapter -am test-compile exec:java@local-broker -Dlocal-broker.port=19092 \
 *     -Dlocal-broker.topics=loan-applications:6,loan-scores:6,loan-applications-dlq:1
 * </pre>
 *
 * <p>Arguments (each also a system property {@code local-broker.<name>}): {@code --dir}
 * (default {@code target/local-broker} under the working directory; the exec goal passes {@code
 * kafka-adapter/target/local-broker}; kept between runs), {@code --port} (9092), {@code
 * --controller-port} (9093), {@code --topics} (comma-separated {@code
 * name:partitions[:config=value;config=value]}, e.g. {@code
 * loan-applications-dlq:1:max.message.bytes=2097152}; default {@code
 * scoring-requests:4,scores:4,scoring-dead-letters:1}), {@code --log} (the broker's log level on
 * standard output: {@code warn} by default, {@code info} for its full log, {@code error}).
 */
public final class LocalKafkaBroker {

  private LocalKafkaBroker() {}

  public static void main(String[] args) throws Exception {
    // Before the first logger exists: simplelogger reads system properties over its file.
    String level = option(args, "log", "warn");
    System.setProperty("org.slf4j.simpleLogger.log.kafka", level);
    System.setProperty("org.slf4j.simpleLogger.log.org.apache.kafka", level);
    Path dir = Path.of(option(args, "dir", "target/local-broker")).toAbsolutePath();
    int port = Integer.parseInt(option(args, "port", "9092"));
    int controllerPort = Integer.parseInt(option(args, "controller-port", "9093"));
    String topics = option(args, "topics", "scoring-requests:4,scores:4,scoring-dead-letters:1");
    Files.createDirectories(dir);
    KafkaBroker broker = KafkaBroker.create(dir, port, controllerPort);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      broker.stop();
      stopped.countDown();
    }, "local-broker-shutdown"));
    broker.start();
    try (Admin admin = Topics.admin(broker.bootstrapServers())) {
      for (String spec : topics.split(",")) {
        if (spec.isBlank()) {
          continue;
        }
        String[] parts = spec.trim().split(":", 3);
        int partitions = parts.length > 1 ? Integer.parseInt(parts[1]) : 1;
        Topics.create(admin, partitions, parts[0]);
        if (parts.length > 2) {
          Map<String, String> configs = new LinkedHashMap<>();
          for (String c : parts[2].split(";")) {
            String[] kv = c.split("=", 2);
            if (kv.length != 2) {
              throw new IllegalArgumentException("topic config '" + c + "' in --topics is not"
                  + " config=value");
            }
            configs.put(kv[0].trim(), kv[1].trim());
          }
          Topics.alterConfigs(admin, parts[0], configs);
        }
      }
    }
    System.out.println("LOCAL-BROKER READY " + broker.bootstrapServers() + " (storage " + dir
        + ", topics " + topics + ")");
    System.out.flush();
    stopped.await();
  }

  private static String option(String[] args, String name, String defaultValue) {
    List<String> list = new ArrayList<>(List.of(args));
    int i = list.indexOf("--" + name);
    if (i >= 0 && i + 1 < list.size()) {
      return list.get(i + 1);
    }
    return System.getProperty("local-broker." + name, defaultValue);
  }
}
