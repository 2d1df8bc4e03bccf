package pe.agriscore.deployment.logging;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * What {@code samples/deployment/logging/fluent-bit.conf} makes of one line the service wrote on
 * stdout, read from that file: the {@code cri} multiline parser's record ({@code time}, {@code
 * stream}, {@code _p}, {@code log}), then each {@code [FILTER]} in order ({@code kubernetes}:
 * {@code Merge_Log}, {@code Keep_Log}, {@code Labels}, {@code Annotations}; {@code modify}:
 * {@code Remove}), then the {@code opensearch} output's {@code Time_Key} and daily {@code
 * Logstash_Prefix} index. A setting or plugin it does not know is refused, so a change to the
 * file that this emulation would miss fails the test instead of passing unnoticed.
 *
 * <pre>{@code
 * FluentBitPipeline fb = FluentBitPipeline.read(conf);
 * ObjectNode doc = fb.document(line, Instant.now(), podMetadata);
 * String index = fb.index(Instant.now()); // agriscore-logs-2026.12.02
 * }</pre>
 */
final class FluentBitPipeline {

  private static final ObjectMapper JSON = new ObjectMapper();
  /** The opensearch output's time format (Time_Key_Format's default, milliseconds, UTC). */
  private static final DateTimeFormatter TIME_KEY = DateTimeFormatter
      .ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
  /** Logstash_DateFormat's default, %Y.%m.%d, of the record's time in UTC. */
  private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy.MM.dd")
      .withZone(ZoneOffset.UTC);

  /** One {@code [NAME]} section: its keys in lower case (Fluent Bit ignores their case). */
  record Section(String name, Map<String, List<String>> keys) {
    String get(String key, String otherwise) {
      List<String> v = keys.get(key.toLowerCase(Locale.ROOT));
      return v == null ? otherwise : v.get(v.size() - 1);
    }

    boolean on(String key, boolean otherwise) {
      String v = get(key, null);
      return v == null ? otherwise : List.of("on", "true").contains(v.toLowerCase(Locale.ROOT));
    }
  }

  private final List<Section> filters;
  private final Section output;

  private FluentBitPipeline(List<Section> filters, Section output) {
    this.filters = filters;
    this.output = output;
  }

  /** Reads the file; refuses what this class cannot emulate, naming the setting. */
  static FluentBitPipeline read(Path conf) throws IOException {
    List<Section> sections = new ArrayList<>();
    for (String raw : Files.readAllLines(conf)) {
      String line = raw.strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      if (line.startsWith("[")) {
        sections.add(new Section(line.substring(1, line.length() - 1).strip(), new TreeMap<>()));
        continue;
      }
      String[] kv = line.split("\\s+", 2);
      sections.get(sections.size() - 1).keys()
          .computeIfAbsent(kv[0].toLowerCase(Locale.ROOT), k -> new ArrayList<>())
          .add(kv.length > 1 ? kv[1] : "");
    }
    List<Section> inputs = of(sections, "INPUT");
    List<Section> outputs = of(sections, "OUTPUT");
    if (inputs.size() != 1 || !"cri".equals(inputs.get(0).get("multiline.parser", null))
        || inputs.get(0).get("parser", null) != null) {
      throw new IllegalStateException(conf + ": one [INPUT] with multiline.parser cri expected");
    }
    if (outputs.size() != 1 || !outputs.get(0).get("name", "").equals("opensearch")
        || !outputs.get(0).on("logstash_format", false)
        || outputs.get(0).on("replace_dots", false)
        || outputs.get(0).get("logstash_dateformat", null) != null
        || outputs.get(0).get("time_key_format", null) != null
        || outputs.get(0).on("include_tag_key", false)) {
      throw new IllegalStateException(conf + ": one [OUTPUT] opensearch with Logstash_Format On,"
          + " Replace_Dots Off and the default time formats expected");
    }
    List<Section> filters = of(sections, "FILTER");
    for (Section f : filters) {
      switch (f.get("name", "")) {
        case "kubernetes" -> {
          if (f.get("merge_log_key", null) != null || f.get("merge_parser", null) != null) {
            throw new IllegalStateException(conf + ": kubernetes Merge_Log_Key/Merge_Parser");
          }
        }
        case "modify" -> {
          for (String k : f.keys().keySet()) {
            if (!List.of("name", "match", "remove").contains(k)) {
              throw new IllegalStateException(conf + ": modify rule " + k + " not emulated");
            }
          }
        }
        default -> throw new IllegalStateException(conf + ": filter " + f.get("name", "")
            + " not emulated");
      }
    }
    return new FluentBitPipeline(filters, outputs.get(0));
  }

  private static List<Section> of(List<Section> sections, String name) {
    return sections.stream().filter(s -> s.name().equalsIgnoreCase(name)).toList();
  }

  /** The output's bulk action ({@code Write_Operation}, {@code create} by default). */
  String writeOperation() {
    return output.get("write_operation", "create");
  }

  /** The daily index of a record read at {@code time}. */
  String index(Instant time) {
    return output.get("logstash_prefix", "logstash") + "-" + DAY.format(time);
  }

  /**
   * The document of one line the container runtime wrote at {@code time}, with the pod's
   * metadata {@code kubernetes} (labels and annotations in it, kept as the filter says).
   */
  ObjectNode document(String line, Instant time, ObjectNode kubernetes) {
    ObjectNode record = JSON.createObjectNode();
    // The cri parser keeps every group of its regex and the time (Time_Keep is on).
    record.put("time", DateTimeFormatter.ISO_INSTANT.format(time));
    record.put("stream", "stdout");
    record.put("_p", "F");
    record.put("log", line);
    for (Section f : filters) {
      if (f.get("name", "").equals("kubernetes")) {
        kubernetes(f, record, kubernetes);
      } else {
        f.keys().getOrDefault("remove", List.of()).forEach(record::remove);
      }
    }
    String timeKey = output.get("time_key", "@timestamp");
    record.put(timeKey, TIME_KEY.format(time));
    return record;
  }

  private static void kubernetes(Section f, ObjectNode record, ObjectNode metadata) {
    if (f.on("merge_log", false)) {
      JsonNode parsed;
      try {
        parsed = JSON.readTree(record.path("log").asText());
      } catch (JsonProcessingException notJson) {
        parsed = null; // Fluent Bit keeps the line as it is in "log"
      }
      if (parsed != null && parsed.isObject()) {
        // The raw line goes first (Keep_Log Off), then the line's own keys are added: the ECS
        // "log" object (log.level, log.logger) is one of them and stays.
        if (!f.on("keep_log", true)) {
          record.remove("log");
        }
        record.setAll((ObjectNode) parsed);
      }
    }
    ObjectNode k = metadata.deepCopy();
    if (!f.on("labels", true)) {
      k.remove("labels");
    }
    if (!f.on("annotations", true)) {
      k.remove("annotations");
    }
    record.set("kubernetes", k);
  }
}
