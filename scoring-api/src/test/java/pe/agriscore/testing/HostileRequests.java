package pe.agriscore.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import pe.agriscore.scoring.ScoringJson;
import pe.agriscore.scoring.Violation;

/**
 * The hostile request corpus ({@code hostile/requests/} on the test classpath, format in its
 * README.md): inputs a bank's systems or an attacker could send, each with the outcome the SDK
 * documents for it. Shared through the scoring-api test-jar so that every front end (the Kafka
 * adapter, an HTTP service) replays the same cases against its own path.
 *
 * <pre>{@code
 * for (HostileRequests.Case c : HostileRequests.load()) {
 *   try {
 *     ScoringRequest r = c.viaString() ? ScoringJson.readRequest(c.text(), c.limits())
 *         : ScoringJson.readRequest(c.bytes(), c.limits());
 *     assertNull(c.read().mismatch(r));
 *   } catch (InvalidRequestException e) {
 *     assertNull(c.read().mismatch(e.applicantId(), e.violations(), e.omittedViolations()));
 *   }
 * }
 * }</pre>
 *
 * <p>Feature names in the cases are those of {@link TestBundles#schema()}.
 */
public final class HostileRequests {

  /** The corpus directory on the classpath. */
  public static final String ROOT = "/hostile/requests/";

  private static final ObjectMapper JSON = new ObjectMapper();

  private HostileRequests() {}

  /**
   * Every case of every file listed in {@code index.txt}, in order.
   *
   * @throws IllegalStateException if a file is missing or a case does not follow the format
   */
  public static List<Case> load() {
    List<Case> cases = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    for (String line : new String(resource("index.txt"), StandardCharsets.UTF_8).split("\n")) {
      String file = line.strip();
      if (file.isEmpty() || file.startsWith("#")) {
        continue;
      }
      JsonNode root;
      try {
        root = JSON.readTree(resource(file));
      } catch (IOException e) {
        throw new IllegalStateException(file + ": not JSON: " + e.getMessage(), e);
      }
      for (JsonNode n : root.path("cases")) {
        Case c = Case.of(file, n);
        if (!ids.add(c.id())) {
          throw new IllegalStateException(file + ": case id '" + c.id() + "' is used twice");
        }
        cases.add(c);
      }
    }
    return cases;
  }

  private static byte[] resource(String name) {
    try (InputStream in = HostileRequests.class.getResourceAsStream(ROOT + name)) {
      if (in == null) {
        throw new IllegalStateException(ROOT + name + " is not on the classpath");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * One hostile input and its documented outcome.
   *
   * @param id unique, stable name, e.g. {@code nesting-1001-arrays}
   * @param file the corpus file it came from
   * @param covers the issue item or rule it pins down, e.g. {@code issue 11 item 4}
   * @param description what it sends and why it matters
   * @param bytes the payload's bytes, or {@code null} for a null payload or a string case
   * @param viaString whether it is read with {@code readRequest(String)} (and {@link #text})
   * @param text the payload as a Java string for a string case, which may hold an unpaired
   *     surrogate that no byte form has; {@code null} for a null payload or a bytes case
   * @param limitOverrides parse limits that differ from the defaults (usually none)
   * @param read the outcome of {@code ScoringJson.readRequest}
   * @param score the outcome of scoring what was read on the {@link TestBundles} scorecard, or
   *     {@code null} when the read fails
   * @param maxErrorJsonBytes the largest error JSON this case may produce
   */
  public record Case(String id, String file, String covers, String description, byte[] bytes,
      boolean viaString, String text, Map<String, Integer> limitOverrides, Expectation read,
      Expectation score, int maxErrorJsonBytes) {

    /** Whether the case needs other parse limits than the defaults. */
    public boolean usesDefaultLimits() {
      return limitOverrides.isEmpty();
    }

    /** The parse limits to read the case with. */
    public ScoringJson.Limits limits() {
      ScoringJson.Limits.Builder b = ScoringJson.Limits.builder();
      limitOverrides.forEach((name, value) -> {
        switch (name) {
          case "maxRequestBytes" -> b.maxRequestBytes(value);
          case "maxDepth" -> b.maxDepth(value);
          case "maxNumberLength" -> b.maxNumberLength(value);
          case "maxStringLength" -> b.maxStringLength(value);
          case "maxNameLength" -> b.maxNameLength(value);
          case "maxFields" -> b.maxFields(value);
          default -> throw new IllegalStateException(id + ": unknown limit '" + name + "'");
        }
      });
      return b.build();
    }

    @Override
    public String toString() {
      return id + " (" + file + ")";
    }

    static Case of(String file, JsonNode n) {
      String id = n.path("id").asText("");
      if (id.isEmpty()) {
        throw new IllegalStateException(file + ": a case without 'id'");
      }
      String where = file + ": case '" + id + "'";
      allowOnly(n, where, "id", "covers", "description", "input", "via", "limits", "read",
          "score", "maxErrorJsonBytes");
      JsonNode in = n.path("input");
      byte[] bytes = input(in, where);
      String via = n.path("via").asText("bytes");
      String text = null;
      if (via.equals("string")) {
        if (bytes != null && !in.path("text").isTextual()) {
          throw new IllegalStateException(where + ": 'via': 'string' needs a 'text' input");
        }
        text = bytes == null ? null : in.path("text").asText();
        bytes = null;
      } else if (!via.equals("bytes")) {
        throw new IllegalStateException(where + ": 'via' is 'bytes' or 'string'");
      }
      Map<String, Integer> limits = new LinkedHashMap<>();
      n.path("limits").fields().forEachRemaining(e -> limits.put(e.getKey(), e.getValue().asInt()));
      if (!n.has("read")) {
        throw new IllegalStateException(where + ": 'read' is required");
      }
      Expectation read = Expectation.of(n.get("read"), where + " read");
      Expectation score = n.has("score") ? Expectation.of(n.get("score"), where + " score") : null;
      if (read.valid() != (score != null)) {
        throw new IllegalStateException(where + ": a case that reads has a 'score', and only"
            + " such a case");
      }
      return new Case(id, file, n.path("covers").asText(""), n.path("description").asText(""),
          bytes, via.equals("string"), text, Map.copyOf(limits), read, score, n.path("maxErrorJsonBytes").asInt(4096));
    }

    private static byte[] input(JsonNode in, String where) {
      allowOnly(in, where + " input", "text", "hex", "parts", "null");
      if (in.path("null").asBoolean(false)) {
        return null;
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      if (in.has("parts")) {
        for (JsonNode part : in.get("parts")) {
          append(out, part, where);
        }
      } else {
        append(out, in, where);
      }
      return out.toByteArray();
    }

    /** One part: {@code text}, {@code hex}, or {@code repeat} × {@code times}. */
    private static void append(ByteArrayOutputStream out, JsonNode part, String where) {
      if (part.has("text")) {
        out.writeBytes(part.get("text").asText().getBytes(StandardCharsets.UTF_8));
      } else if (part.has("hex")) {
        out.writeBytes(hex(part.get("hex").asText(), where));
      } else if (part.has("repeat")) {
        allowOnly(part, where + " part", "repeat", "times", "separator");
        String unit = part.get("repeat").asText();
        String separator = part.path("separator").asText("");
        int times = part.path("times").asInt(-1);
        if (times < 0) {
          throw new IllegalStateException(where + ": 'repeat' needs 'times' >= 0");
        }
        for (int i = 0; i < times; i++) {
          String s = (i == 0 ? "" : separator) + unit.replace("{i}", Integer.toString(i));
          out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
        }
      } else {
        throw new IllegalStateException(where + ": a part is 'text', 'hex' or 'repeat'");
      }
    }

    private static byte[] hex(String s, String where) {
      String digits = s.replaceAll("\\s+", "");
      if (digits.length() % 2 != 0 || !digits.matches("[0-9A-Fa-f]*")) {
        throw new IllegalStateException(where + ": bad hex '" + s + "'");
      }
      byte[] b = new byte[digits.length() / 2];
      for (int i = 0; i < b.length; i++) {
        b[i] = (byte) Integer.parseInt(digits.substring(2 * i, 2 * i + 2), 16);
      }
      return b;
    }
  }

  /**
   * An expected outcome: valid, or rejected with violations matched in order against the first
   * ones reported.
   *
   * @param valid whether the step succeeds
   * @param violations expectations for the first violations, in order
   * @param violationCount the exact number of violations kept, or -1 for any
   * @param omittedViolations the exact number omitted, or -1 for any
   * @param applicantIdChecked whether {@link #applicantId} is checked
   * @param applicantId the applicant id the rejection must carry ({@code null}: none)
   */
  public record Expectation(boolean valid, List<ExpectedViolation> violations,
      int violationCount, int omittedViolations, boolean applicantIdChecked,
      String applicantId) {

    /** Why a successful step does not match, or {@code null} when it does. */
    public String mismatch(Object success) {
      return valid ? null : "expected a rejection (" + violations + ") but got " + success;
    }

    /** Why a rejection does not match, or {@code null} when it does. */
    public String mismatch(String actualId, List<Violation> actual, int actualOmitted) {
      if (valid) {
        return "expected success but got " + actual;
      }
      if (violationCount >= 0 && actual.size() != violationCount) {
        return "expected " + violationCount + " violations but got " + actual.size() + ": "
            + actual;
      }
      if (omittedViolations >= 0 && actualOmitted != omittedViolations) {
        return "expected " + omittedViolations + " omitted violations but got " + actualOmitted;
      }
      if (applicantIdChecked && !java.util.Objects.equals(applicantId, actualId)) {
        return "expected applicant id " + applicantId + " but got " + actualId;
      }
      for (int i = 0; i < violations.size(); i++) {
        if (i >= actual.size()) {
          return "expected violation " + violations.get(i) + " at " + i + " but got " + actual;
        }
        String m = violations.get(i).mismatch(actual.get(i));
        if (m != null) {
          return "violation " + i + ": " + m + " (all: " + actual + ")";
        }
      }
      return null;
    }

    static Expectation of(JsonNode n, String where) {
      if (n.isTextual() && n.asText().equals("valid")) {
        return new Expectation(true, List.of(), -1, -1, false, null);
      }
      allowOnly(n, where, "violations", "violationCount", "omittedViolations", "applicantId");
      List<ExpectedViolation> list = new ArrayList<>();
      for (JsonNode v : n.path("violations")) {
        list.add(ExpectedViolation.of(v, where));
      }
      if (list.isEmpty()) {
        throw new IllegalStateException(where + ": 'valid' or at least one violation");
      }
      return new Expectation(false, List.copyOf(list), n.path("violationCount").asInt(-1),
          n.path("omittedViolations").asInt(-1), n.has("applicantId"),
          n.path("applicantId").isNull() ? null : n.path("applicantId").asText(null));
    }
  }

  /**
   * One expected violation.
   *
   * @param field the field, or {@code null} for any
   * @param rule the rule
   * @param messageContains fragments the message must contain
   */
  public record ExpectedViolation(String field, Violation.Rule rule,
      List<String> messageContains) {

    /** Why {@code v} does not match, or {@code null}. */
    public String mismatch(Violation v) {
      if (v.rule() != rule) {
        return "expected rule " + rule + " but got " + v;
      }
      if (field != null && !field.equals(v.field())) {
        return "expected field '" + field + "' but got " + v;
      }
      for (String s : messageContains) {
        if (!v.message().contains(s)) {
          return "expected the message to contain '" + s + "' but got " + v;
        }
      }
      return null;
    }

    static ExpectedViolation of(JsonNode v, String where) {
      allowOnly(v, where + " violation", "field", "rule", "messageContains");
      List<String> contains = new ArrayList<>();
      JsonNode m = v.path("messageContains");
      if (m.isTextual()) {
        contains.add(m.asText());
      } else {
        m.forEach(s -> contains.add(s.asText()));
      }
      return new ExpectedViolation(v.path("field").asText(null),
          Violation.Rule.valueOf(v.path("rule").asText()), List.copyOf(contains));
    }
  }

  private static void allowOnly(JsonNode n, String where, String... names) {
    Set<String> allowed = Set.of(names);
    for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (!allowed.contains(name)) {
        throw new IllegalStateException(where + ": unknown property '" + name + "'");
      }
    }
  }
}
