package pe.agriscore.kafka.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import pe.agriscore.kafka.DeadLetterHeaders;
import pe.agriscore.scoring.CreditScore;
import pe.agriscore.scoring.ScoringJson;

/**
 * Everything a run left in its three topics, and the delivery checks over it. The expected
 * outcome of each input record comes from its key ({@link Requests}), never from the adapter.
 */
public final class Outcome {

  private static final ObjectMapper JSON = new ObjectMapper();

  public final Map<String, ConsumerRecord<byte[], byte[]>> inputs = new HashMap<>();
  public final Map<String, List<ConsumerRecord<byte[], byte[]>>> scores = new HashMap<>();
  public final Map<String, List<ConsumerRecord<byte[], byte[]>>> deadLetters = new HashMap<>();
  public final int outputRecords;
  public final int deadLetterRecords;
  public int validInputs;
  public int badInputs;

  private Outcome(List<ConsumerRecord<byte[], byte[]>> in,
      List<ConsumerRecord<byte[], byte[]>> out, List<ConsumerRecord<byte[], byte[]>> dlq) {
    for (ConsumerRecord<byte[], byte[]> r : in) {
      String key = key(r);
      if (inputs.put(key, r) != null) {
        fail("the test producer wrote " + key + " twice");
      }
      if (Requests.badKind(key) == null) {
        validInputs++;
      } else {
        badInputs++;
      }
    }
    for (ConsumerRecord<byte[], byte[]> r : out) {
      scores.computeIfAbsent(key(r), k -> new ArrayList<>()).add(r);
    }
    for (ConsumerRecord<byte[], byte[]> r : dlq) {
      deadLetters.computeIfAbsent(key(r), k -> new ArrayList<>()).add(r);
    }
    outputRecords = out.size();
    deadLetterRecords = dlq.size();
  }

  /** Reads the three topics (read_committed) to their ends. */
  public static Outcome read(String bootstrap, String input, String output, String deadLetter)
      throws InterruptedException {
    return new Outcome(TopicReader.readAll(bootstrap, input),
        TopicReader.readAll(bootstrap, output), TopicReader.readAll(bootstrap, deadLetter));
  }

  private static String key(ConsumerRecord<byte[], byte[]> r) {
    assertNotNull(r.key(), "a record without key at " + r.topic() + "-" + r.partition() + "@"
        + r.offset());
    return new String(r.key(), StandardCharsets.UTF_8);
  }

  /** Every valid request has exactly one score, every bad one exactly one dead letter. */
  public void assertExactlyOnce(String modelName, String modelVersion) {
    assertDelivered(modelName, modelVersion, true);
  }

  /** Every valid request has at least one score, every bad one at least one dead letter. */
  public void assertAtLeastOnce(String modelName, String modelVersion) {
    assertDelivered(modelName, modelVersion, false);
  }

  private void assertDelivered(String modelName, String modelVersion, boolean exactlyOnce) {
    assertTrue(validInputs > 0 && badInputs > 0, "a run needs valid and bad requests");
    for (String key : scores.keySet()) {
      ConsumerRecord<byte[], byte[]> in = inputs.get(key);
      assertNotNull(in, "a score for " + key + ", which was never requested");
      assertEquals(null, Requests.badKind(key), "a score for the bad request " + key);
    }
    for (String key : deadLetters.keySet()) {
      assertNotNull(inputs.get(key), "a dead letter for " + key + ", which was never requested");
    }
    List<String> missing = new ArrayList<>();
    List<String> duplicated = new ArrayList<>();
    for (Map.Entry<String, ConsumerRecord<byte[], byte[]>> e : inputs.entrySet()) {
      String key = e.getKey();
      Requests.Bad bad = Requests.badKind(key);
      List<ConsumerRecord<byte[], byte[]>> results = bad == null ? scores.get(key)
          : deadLetters.get(key);
      List<ConsumerRecord<byte[], byte[]>> wrong = bad == null ? deadLetters.get(key)
          : scores.get(key);
      assertEquals(null, wrong, key + " has results in the wrong topic");
      if (results == null) {
        missing.add(key);
        continue;
      }
      if (exactlyOnce && results.size() != 1) {
        duplicated.add(key + " x" + results.size());
      }
      for (ConsumerRecord<byte[], byte[]> r : results) {
        if (bad == null) {
          checkScore(key, r, modelName, modelVersion);
        } else {
          checkDeadLetter(e.getValue(), bad, r, modelName, modelVersion);
        }
      }
    }
    assertEquals(List.of(), missing.subList(0, Math.min(20, missing.size())),
        missing.size() + " requests have no result");
    assertEquals(List.of(), duplicated.subList(0, Math.min(20, duplicated.size())),
        duplicated.size() + " requests have several results under exactly-once");
    if (exactlyOnce) {
      assertEquals(validInputs, outputRecords);
      assertEquals(badInputs, deadLetterRecords);
    }
  }

  private static void checkScore(String key, ConsumerRecord<byte[], byte[]> r, String modelName,
      String modelVersion) {
    CreditScore s = assertInstanceOf(CreditScore.class, ScoringJson.readResult(r.value()));
    assertEquals(key, s.applicantId());
    assertEquals(modelName, s.modelName());
    assertEquals(modelVersion, s.modelVersion());
  }

  private static void checkDeadLetter(ConsumerRecord<byte[], byte[]> in, Requests.Bad bad,
      ConsumerRecord<byte[], byte[]> r, String modelName, String modelVersion) {
    String key = key(in);
    if (header(r, DeadLetterHeaders.TRUNCATED) == null) {
      assertArrayEquals(in.value(), r.value(), key + ": the dead letter must keep the original"
          + " bytes");
    } else {
      assertTruncatedFaithfully(in, r);
    }
    assertEquals("INVALID_REQUEST", header(r, DeadLetterHeaders.ERROR_KIND), key);
    assertEquals("pe.agriscore.request.InvalidRequestException",
        header(r, DeadLetterHeaders.ERROR_CLASS), key);
    assertEquals(in.topic(), header(r, DeadLetterHeaders.SOURCE_TOPIC), key);
    assertEquals(String.valueOf(in.partition()), header(r, DeadLetterHeaders.SOURCE_PARTITION),
        key);
    assertEquals(String.valueOf(in.offset()), header(r, DeadLetterHeaders.SOURCE_OFFSET), key);
    assertEquals(modelName, header(r, DeadLetterHeaders.MODEL_NAME), key);
    assertEquals(modelVersion, header(r, DeadLetterHeaders.MODEL_VERSION), key);
    assertNotNull(header(r, DeadLetterHeaders.ERROR_MESSAGE), key);
    assertTrue(hasReason(header(r, DeadLetterHeaders.ERROR_REASONS), bad.field, bad.rule.name()),
        key + ": expected a reason " + bad.field + " " + bad.rule + " in "
            + header(r, DeadLetterHeaders.ERROR_REASONS));
  }

  /**
   * A dead letter cut to fit its topic: what is left of the value is its beginning, and the
   * original size and SHA-256 identify the request (computed here from the input record).
   */
  public static void assertTruncatedFaithfully(ConsumerRecord<byte[], byte[]> in,
      ConsumerRecord<byte[], byte[]> r) {
    String key = in.key() == null ? "null key" : key(in);
    assertTrue(header(r, DeadLetterHeaders.TRUNCATED).contains("value")
        || header(r, DeadLetterHeaders.TRUNCATED).contains("key")
        || header(r, DeadLetterHeaders.TRUNCATED).contains("headers"), key);
    byte[] original = in.value();
    assertEquals(original == null ? "null" : String.valueOf(original.length),
        header(r, DeadLetterHeaders.ORIGINAL_VALUE_BYTES), key);
    if (original != null) {
      assertEquals(sha256(original), header(r, DeadLetterHeaders.ORIGINAL_VALUE_SHA256), key);
      assertNotNull(r.value(), key);
      assertTrue(r.value().length <= original.length, key);
      assertArrayEquals(java.util.Arrays.copyOf(original, r.value().length), r.value(),
          key + ": the cut value must be the original's beginning");
    }
    assertEquals(in.key() == null ? "null" : String.valueOf(in.key().length),
        header(r, DeadLetterHeaders.ORIGINAL_KEY_BYTES), key);
  }

  /** Lower-case hex SHA-256. */
  public static String sha256(byte[] data) {
    try {
      return java.util.HexFormat.of().formatHex(
          java.security.MessageDigest.getInstance("SHA-256").digest(data));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
    return DeadLetterHeaders.get(r.headers(), name);
  }

  /** Whether a reasons header holds a violation of {@code rule} on {@code field}. */
  public static boolean hasReason(String reasonsJson, String field, String rule) {
    try {
      for (JsonNode v : JSON.readTree(reasonsJson)) {
        if (v.path("field").asText().equals(field) && v.path("rule").asText().equals(rule)
            && !v.path("message").asText().isEmpty()) {
          return true;
        }
      }
      return false;
    } catch (IOException e) {
      throw new AssertionError("reasons are not JSON: " + reasonsJson, e);
    }
  }
}
