package pe.agriscore.kafka.testing;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import pe.agriscore.kafka.KafkaScoringService;
import pe.agriscore.scoring.CreditScorer;

/**
 * A scoring service in its own JVM, as a bank deploys it: {@link #launch} starts one on a
 * bundle and a properties file; the child prints {@value #READY} once {@code start()} returned,
 * runs until it is stopped (SIGTERM closes the service) or killed, and exits with status 1 if the
 * service fails.
 */
public final class ChildService {

  static final String READY = "CHILD-SERVICE RUNNING";

  private ChildService() {}

  /** Starts a service in a child JVM and returns once it runs; its output goes to {@code log}. */
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
        List.of(bundle.toString(), file.toString()), log, READY);
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
    service.start();
    System.out.println(READY + " " + props.getProperty("group.id"));
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
