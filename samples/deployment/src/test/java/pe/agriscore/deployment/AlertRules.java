package pe.agriscore.deployment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The shipped alert rules ({@code prometheus/rules/agriscore-alerts.yml}) as the tests read
 * them. Each alert's {@code expr} is {@code <signal> <comparison> <number>} (the file's header
 * states the convention): the signal is what must return data when its source is scraped.
 */
final class AlertRules {

  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  static final Path DIR = Tools.MODULE.resolve("prometheus");
  static final Path RULES = DIR.resolve("rules/agriscore-alerts.yml");
  static final Path UNIT_TESTS = DIR.resolve("tests/agriscore-alerts-test.yml");

  /** The trailing top-level comparison with a number: {@code > 0.01}, {@code < 1}. */
  private static final Pattern THRESHOLD =
      Pattern.compile("^(.*\\S)\\s*(>=|<=|==|!=|>|<)\\s*(-?[0-9.]+(?:e[+-]?[0-9]+)?)\\s*$",
          Pattern.DOTALL);

  /** One alert: its group (the source of its series), name, whole expression and signal. */
  record Alert(String group, String name, String expr, String signal) {}

  private AlertRules() {}

  static List<Alert> alerts() throws IOException {
    List<Alert> out = new ArrayList<>();
    for (JsonNode g : YAML.readTree(RULES.toFile()).path("groups")) {
      for (JsonNode r : g.path("rules")) {
        if (r.has("alert")) {
          String expr = r.path("expr").asText();
          out.add(new Alert(g.path("name").asText(), r.path("alert").asText(), expr,
              signal(r.path("alert").asText(), expr)));
        }
      }
    }
    return out;
  }

  /** The expression without its trailing comparison, or an error naming the alert. */
  static String signal(String alert, String expr) {
    Matcher m = THRESHOLD.matcher(expr.strip());
    if (!m.matches()) {
      throw new IllegalArgumentException(RULES + ": alert " + alert + ": expr does not end in"
          + " a comparison with a number (the file's convention): " + expr);
    }
    String signal = m.group(1).strip();
    if (depth(signal) != 0) {
      throw new IllegalArgumentException(RULES + ": alert " + alert
          + ": the trailing comparison is inside parentheses: " + expr);
    }
    return signal;
  }

  private static int depth(String s) {
    int d = 0;
    for (char c : s.toCharArray()) {
      d += c == '(' ? 1 : c == ')' ? -1 : 0;
    }
    return d;
  }
}
