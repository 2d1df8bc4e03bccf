package pe.agriscore.kafka.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import pe.agriscore.CreditScorer;
import pe.agriscore.kafka.KafkaScoringService;

/**
 * A scoring service in its own JVM, as a bank deploys it, on a bundle and a properties file.
 * The child loads the model and builds the service, prints {@value #LOADED}, waits for a line on
 * its standard input, starts the service and prints {@value #RUNNING}. It then runs until it is
 * stopped (SIGTERM closes the service) or killed, and exits with status 1 if the service fails.
 * Waiting for the go-ahead lets a test have a replacement ready before it kills an instance, so
 * that what it measures is the service's recovery, not a JVM's start on a loaded machine.
 *
 * <pre>{@code
 * try (ChildJvm child = ChildService.launch(bundle, properties, log)) {
 *   ChildService.start(child);
 *   child.kill();
 * }
 * }</pre>
 */
public final class ChildService {

  static final String LOADED = "CHILD-SERVICE LOADED";
  static final String RUNNING = "CHILD-SERVICE RUNNING";

  private ChildService() {}

  /** Starts a child JVM and returns once its service is built, not yet started. */
  public static ChildJvm launch(Path bundle, Map<String, Object> properties, Path log)
      throws IOException, InterruptedException {
    Properties p = new Properties();
    properties.forEach((k, v) -> p.setProperty(k, String.valueOf(v)));
    Path file = Files.createTempFile(log.getParent(), "service", ".properties");
    try (var out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      p.store(out, null);
    }
    return ChildJvm.start(ChildService.class, List.of("-Xmx256m", "-XX:+UseSerialGC",
        "-XX:TieredStopAtLevel=1", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
        "-Dorg.slf4j.simpleLogger.log.pe.agriscore=info"),
        List.of(bundle.toString(), file.toString()), log, LOADED);
  }

  /** Lets the child start its service and returns once {@code start()} returned there. */
  public static void start(ChildJvm child) throws IOException, InterruptedException {
    child.send("start");
    child.awaitLine(RUNNING);
  }

  public static void main(String[] args) throws Exception {
    Properties props = new Properties();
    try (Reader in = Files.newBufferedReader(Path.of(args[1]), StandardCharsets.UTF_8)) {
      props.load(in);
    }
    CreditScorer scorer = CreditScorer.open(Path.of(args[0]));
    KafkaScoringService service = KafkaScoringService.builder(scorer).properties(props).build();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      service.close();
      scorer.close();
    }, "child-service-shutdown"));
    System.out.println(LOADED);
    System.out.flush();
    new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
    service.start();
    System.out.println(RUNNING + " " + props.getProperty("group.id"));
    System.out.flush();
    while (!service.awaitTermination(Duration.ofMinutes(1))) {
      // runs until stopped, killed or failed
    }
    if (service.state() == KafkaScoringService.State.FAILED) {
      System.out.println("CHILD-SERVICE FAILED " + service.failure().orElse(null));
      System.exit(1);
    }
  }
}
