package pe.agriscore.kafka;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.apache.kafka.common.config.ConfigDef;
import org.junit.jupiter.api.Test;

/** docs/kafka-adapter.md documents every adapter setting exactly as the code defines it. */
class DocumentationTest {

  private static final Path DOC = Path.of("..", "docs", "kafka-adapter.md");

  @Test
  void theConfigurationTableMatchesTheConfigDef() throws Exception {
    String doc = Files.readString(DOC);
    String table = table();
    assertTrue(doc.contains(table), "docs/kafka-adapter.md must contain this table verbatim:\n"
        + table);
  }

  /** The settings table as Markdown; run {@link #main} to print it for the docs. */
  static String table() {
    StringBuilder sb = new StringBuilder();
    sb.append("| setting | type | default | valid values | description |\n");
    sb.append("|---|---|---|---|---|\n");
    for (ConfigDef.ConfigKey key : KafkaScoringConfig.configDef().configKeys().values()) {
      Object d = key.defaultValue;
      String defaultValue = d == ConfigDef.NO_DEFAULT_VALUE ? "(required)"
          : d == null ? "(none)" : "`" + d + "`";
      sb.append("| `").append(key.name).append("` | ")
          .append(key.type.name().toLowerCase(Locale.ROOT)).append(" | ")
          .append(defaultValue).append(" | ")
          .append(key.validator == null ? "" : key.validator.toString()).append(" | ")
          .append(key.documentation).append(" |\n");
    }
    return sb.toString();
  }

  public static void main(String[] args) {
    System.out.print(table());
  }
}
