package pe.agriscore.deployment;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The real scoring service as a {@link ChildJvm} on 127.0.0.1 and a free port, in the {@code
 * demo} profile (plain HTTP, API key {@value #API_KEY}) with the three reference bundles.
 */
final class ServiceProcess {

  static final String API_KEY = "demo-key";
  static final List<String> MODELS = List.of("farmer-scorecard", "farmer-mlp-tf", "farmer-mlp-pt");

  private ServiceProcess() {}

  /** Starts it and waits (at most {@code readyWithin}) until its readiness probe says UP. */
  static ChildJvm start(Path log, Duration readyWithin) throws Exception {
    int port = ChildJvm.freePort();
    List<String> models = new ArrayList<>();
    for (String m : MODELS) {
      models.add(Tools.REPO.resolve("samples/models").resolve(m).toString());
    }
    return ChildJvm.start("the scoring service", List.of("-Xmx512m"),
        "pe.agriscore.service.ScoringServiceApplication",
        List.of("--spring.profiles.active=demo", "--server.port=" + port,
            // Tomcat's base directory in the test's own temp dir, not a tomcat.* one in /tmp
            "--server.tomcat.basedir=" + log.resolveSibling("tomcat"),
            "--agriscore.service.models=" + String.join(",", models)),
        Map.of(), port, log, "/actuator/health/readiness", readyWithin);
  }
}
