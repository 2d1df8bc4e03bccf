package pe.agriscore.deployment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The shipped Grafana dashboard ({@code grafana/dashboards/agriscore-overview.json}) as the
 * tests read it: every panel's PromQL, with Grafana's variables replaced as Grafana would
 * replace them for "all models over the last 5 minutes".
 */
final class Dashboard {

  static final Path FILE = Tools.MODULE.resolve("grafana/dashboards/agriscore-overview.json");

  /** One query of one panel. */
  record Query(String panel, String expr) {

    /** The expression Prometheus receives: {@code $model} all, 1m rate windows, a 5m range. */
    String resolved() {
      return expr.replace("$model", ".*").replace("$__rate_interval", "1m")
          .replace("$__range", "5m");
    }
  }

  private Dashboard() {}

  static JsonNode json() throws IOException {
    return new ObjectMapper().readTree(FILE.toFile());
  }

  static List<Query> queries() throws IOException {
    List<Query> out = new ArrayList<>();
    for (JsonNode p : json().path("panels")) {
      for (JsonNode t : p.path("targets")) {
        out.add(new Query(p.path("title").asText(), t.path("expr").asText()));
      }
    }
    return out;
  }

  /**
   * Which exporter a query's series come from, by metric name: the Kafka worker, Strimzi's
   * Kafka Exporter, kube-state-metrics, or (everything else) the scoring service.
   */
  static String source(String expr) {
    if (expr.contains("kafka_consumergroup_")) {
      return "kafka-exporter";
    }
    if (expr.contains("kube_")) {
      return "kube-state-metrics";
    }
    if (expr.contains("agriscore_kafka_")) {
      return "agriscore-kafka-worker";
    }
    return "agriscore-scoring-service";
  }
}
