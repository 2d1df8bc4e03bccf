package pe.agriscore.deployment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped Prometheus files checked with Debian's promtool: the rules parse, every alert's
 * unit tests pass, every alert has a firing and a quiet unit test, and the scrape configuration
 * is valid.
 */
class PrometheusRulesTest {

  @Test
  void promtoolChecksTheRules() throws Exception {
    Path promtool = Tools.require("promtool", "prometheus");
    Tools.Run r = Tools.run(AlertRules.DIR, 60,
        List.of(promtool.toString(), "check", "rules", AlertRules.RULES.toString()));
    assertEquals(0, r.exit(), r.output());
    assertTrue(r.output().contains("SUCCESS: " + AlertRules.alerts().size() + " rules found"),
        r.output());
  }

  @Test
  void promtoolUnitTestsOfEveryAlertPass() throws Exception {
    Path promtool = Tools.require("promtool", "prometheus");
    Tools.Run r = Tools.run(AlertRules.DIR, 120,
        List.of(promtool.toString(), "test", "rules", AlertRules.UNIT_TESTS.toString()));
    assertEquals(0, r.exit(), r.output());
  }

  /** promtool passes a rule nobody tests: this checks each alert is tested both ways. */
  @Test
  void everyAlertHasAFiringAndAQuietUnitTest() throws Exception {
    Set<String> firing = new TreeSet<>();
    Set<String> quiet = new TreeSet<>();
    for (JsonNode t : AlertRules.YAML.readTree(AlertRules.UNIT_TESTS.toFile()).path("tests")) {
      for (JsonNode a : t.path("alert_rule_test")) {
        (a.path("exp_alerts").isEmpty() ? quiet : firing).add(a.path("alertname").asText());
      }
    }
    Set<String> alerts = new TreeSet<>();
    AlertRules.alerts().forEach(a -> alerts.add(a.name()));
    assertEquals(alerts, firing, "alerts with a unit test that fires them");
    assertEquals(alerts, quiet, "alerts with a unit test where they must stay quiet");
  }

  @Test
  void everyAlertIsASignalComparedWithAThreshold() throws Exception {
    List<AlertRules.Alert> alerts = AlertRules.alerts();
    assertEquals(7, alerts.size(), "error rate, p99, golden, scrape down, dead letters, lag,"
        + " not ready");
    for (AlertRules.Alert a : alerts) {
      assertTrue(a.signal().length() < a.expr().strip().length(), a.name());
    }
  }

  /**
   * Debian's Prometheus is built without Kubernetes discovery, so promtool refuses {@code
   * kubernetes_sd_configs}; the shipped file is checked with each job's discovery replaced by a
   * static target and its (Kubernetes-label) relabelling dropped: everything else as shipped.
   */
  @Test
  void shippedScrapeConfigIsValid(@TempDir Path tmp) throws Exception {
    Path promtool = Tools.require("promtool", "prometheus");
    ObjectNode config = ScrapeConfig.withStaticTargets(Path.of("/nonexistent"), Map.of(), false);
    Path file = tmp.resolve("prometheus.yml");
    Files.createDirectories(tmp.resolve("rules"));
    Files.copy(AlertRules.RULES, tmp.resolve("rules/agriscore-alerts.yml"));
    AlertRules.YAML.writeValue(file.toFile(), config);
    Tools.Run r = Tools.run(tmp, 60, List.of(promtool.toString(), "check", "config",
        file.toString()));
    assertEquals(0, r.exit(), r.output());
    List<String> jobs = new ArrayList<>();
    config.path("scrape_configs").forEach(j -> jobs.add(j.path("job_name").asText()));
    assertEquals(List.of("agriscore-scoring-service", "agriscore-kafka-worker", "kafka-exporter"),
        jobs);
  }
}
