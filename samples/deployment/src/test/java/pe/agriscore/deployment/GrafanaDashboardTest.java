package pe.agriscore.deployment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The Grafana dashboard and its provisioning files, read as Grafana reads them (Grafana itself
 * does not install here). Whether each query returns data is {@link PrometheusLiveTest}'s part:
 * it runs every query this dashboard has.
 */
class GrafanaDashboardTest {

  private static final Path PROVISIONING = Tools.MODULE.resolve("grafana/provisioning");

  @Test
  void everyQueryReadsTheProvisionedDatasource() throws Exception {
    JsonNode ds = AlertRules.YAML.readTree(PROVISIONING.resolve("datasources/prometheus.yml")
        .toFile()).path("datasources");
    assertEquals(1, ds.size());
    String uid = ds.get(0).path("uid").asText();
    assertEquals("prometheus", ds.get(0).path("type").asText());
    int queries = 0;
    for (JsonNode p : Dashboard.json().path("panels")) {
      if (p.path("type").asText().equals("row")) {
        continue;
      }
      assertEquals(uid, p.path("datasource").path("uid").asText(), p.path("title").asText());
      assertFalse(p.path("targets").isEmpty(), p.path("title").asText() + " has no query");
      for (JsonNode t : p.path("targets")) {
        assertEquals(uid, t.path("datasource").path("uid").asText(), p.path("title").asText());
        assertFalse(t.path("expr").asText().isBlank(), p.path("title").asText());
        queries++;
      }
    }
    assertEquals(Dashboard.queries().size(), queries);
  }

  /** The panels the issue lists, each found by the metric it must plot. */
  @Test
  void theDashboardPlotsEveryRequiredSignal() throws Exception {
    List<String> exprs = Dashboard.queries().stream().map(Dashboard.Query::expr).toList();
    for (String needed : List.of(
        "rate(agriscore_scoring_requests_total",                      // traffic
        "histogram_quantile(0.99, sum by (le, model) (rate(agriscore_scoring_request_duration",
        "histogram_quantile(0.5,",                                     // latency percentiles
        "agriscore_scoring_results_total{model=~\"$model\", outcome!=\"scored\"}", // errors
        "sum by (model, rule) (rate(agriscore_request_violations_total", // violations by rule
        "agriscore_score_probability_of_default_bucket",               // PD distribution
        "agriscore_score_points_bucket",                               // score distribution
        "sum by (grade) (increase(agriscore_score_grades_total",       // grade mix
        "agriscore_kafka_records_dead_lettered_total",                 // dead letters
        "kafka_consumergroup_lag",                                     // consumer lag
        "jvm_memory_used_bytes", "jvm_gc_pause_seconds_sum")) {        // JVM
      assertTrue(exprs.stream().anyMatch(e -> e.contains(needed)), "no panel plots " + needed);
    }
  }

  @Test
  void panelsHaveUniqueIdsAndFitTheGrid() throws Exception {
    JsonNode d = Dashboard.json();
    assertEquals("agriscore-overview", d.path("uid").asText());
    Set<Integer> ids = new HashSet<>();
    for (JsonNode p : d.path("panels")) {
      assertTrue(ids.add(p.path("id").asInt()), "duplicate panel id " + p.path("id"));
      JsonNode g = p.path("gridPos");
      assertTrue(g.path("x").asInt() + g.path("w").asInt() <= 24, p.path("title").asText());
    }
    JsonNode model = d.path("templating").path("list").get(0);
    assertEquals("model", model.path("name").asText());
    assertEquals(".*", model.path("allValue").asText(), "Dashboard.Query.resolved assumes it");
  }

  @Test
  void dashboardProviderLoadsTheDashboardsFolder() throws Exception {
    JsonNode providers = AlertRules.YAML.readTree(PROVISIONING.resolve("dashboards/agriscore.yml")
        .toFile()).path("providers");
    assertEquals(1, providers.size());
    assertEquals("file", providers.get(0).path("type").asText());
    assertEquals("/var/lib/grafana/dashboards/agriscore",
        providers.get(0).path("options").path("path").asText(),
        "docs/deployment.md mounts grafana/dashboards there");
  }
}
