package pe.agriscore.deployment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * The shipped {@code prometheus/prometheus.yml} turned into one that runs here: Debian's
 * Prometheus has no Kubernetes discovery and there is no cluster, so each job's {@code
 * kubernetes_sd_configs} becomes a {@code static_configs} target and its relabelling (which
 * reads Kubernetes pod labels) is dropped. Job names, metrics paths and rule files stay.
 */
final class ScrapeConfig {

  static final Path SHIPPED = AlertRules.DIR.resolve("prometheus.yml");

  private ScrapeConfig() {}

  /**
   * The shipped configuration with static targets; {@code targets} maps job names to {@code
   * host:port}; jobs without one get a placeholder target, or are dropped when {@code
   * onlyTargeted}. Rule files are made absolute against {@code rulesDir} when it exists, else
   * kept relative.
   */
  static ObjectNode withStaticTargets(Path rulesDir, Map<String, String> targets,
      boolean onlyTargeted) throws IOException {
    ObjectNode config = (ObjectNode) AlertRules.YAML.readTree(SHIPPED.toFile());
    if (rulesDir.toFile().isDirectory()) {
      ArrayNode rules = config.putArray("rule_files");
      rules.add(rulesDir.resolve("agriscore-alerts.yml").toString());
    }
    ArrayNode jobs = (ArrayNode) config.path("scrape_configs");
    for (int i = jobs.size() - 1; i >= 0; i--) {
      if (onlyTargeted && !targets.containsKey(jobs.get(i).path("job_name").asText())) {
        jobs.remove(i);
      }
    }
    for (JsonNode j : jobs) {
      ObjectNode job = (ObjectNode) j;
      String target = targets.getOrDefault(job.path("job_name").asText(), "127.0.0.1:9");
      job.remove("kubernetes_sd_configs");
      job.remove("relabel_configs");
      job.putArray("static_configs").addObject().putArray("targets").add(target);
    }
    return config;
  }
}
