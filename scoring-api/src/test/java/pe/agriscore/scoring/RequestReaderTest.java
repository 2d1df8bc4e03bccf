package pe.agriscore.scoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pe.agriscore.CreditScorer;
import pe.agriscore.internal.OrderedValues;
import pe.agriscore.testing.HostileRequests;
import pe.agriscore.testing.HostileRequests.Case;
import pe.agriscore.testing.TestBundles;

/**
 * {@link ScoringJson.RequestReader}, which reads a request into the schema's feature order, must
 * be indistinguishable from {@link ScoringJson#readRequest} by anything but speed: on the hostile
 * request corpus, on thousands of byte mutations and on random requests with shuffled, missing,
 * unknown, duplicated and mistyped features, both readers accept the same payloads with equal
 * requests (same values, same order) and refuse the same ones with the same violations word for
 * word; and what they read scores the same through {@code score} and {@code scoreAll}, valid or
 * not, since the encoder reads the ordered values by index.
 */
class RequestReaderTest {

  @TempDir
  static Path dir;

  private static CreditScorer scorer;
  private static ScoringRequest valid;

  @BeforeAll
  static void openScorer() throws IOException {
    scorer = CreditScorer.builder(TestBundles.writeScorecardBundle(dir))
        .clock(Clock.fixed(Instant.parse("2026-12-02T06:00:00Z"), ZoneOffset.UTC))
        .build();
    valid = TestBundles.randomRequests(5, 1).get(0);
  }

  @AfterAll
  static void closeScorer() {
    scorer.close();
  }

  @Test
  void theHostileCorpusReadsAndScoresAlikeThroughBothReaders() {
    List<Case> cases = HostileRequests.load();
    assertTrue(cases.size() > 100, "the corpus has " + cases.size() + " cases");
    for (Case c : cases) {
      ScoringJson.Limits limits = c.usesDefaultLimits() ? ScoringJson.Limits.defaults()
          : c.limits();
      ScoringJson.RequestReader reader =
          ScoringJson.reader(TestBundles.schema().featureNames(), limits);
      if (c.viaString()) {
        assertSame(c.toString(), () -> ScoringJson.readRequest(c.text(), limits),
            () -> reader.read(c.text()));
      } else {
        assertSame(c.toString(), () -> ScoringJson.readRequest(c.bytes(), limits),
            () -> reader.read(c.bytes()));
      }
    }
  }

  @Test
  void mutatedPayloadsReadAndScoreAlike() {
    ScoringJson.RequestReader reader = ScoringJson.reader(TestBundles.schema().featureNames());
    byte[] base = ScoringJson.writeRequest(valid);
    byte[] special = {0, '"', '\\', '{', '}', '[', ']', ':', ',', 'n', '-', 'e', '.', '1',
        (byte) 0x80, (byte) 0xC0, (byte) 0xE0, (byte) 0xF4, '\n'};
    Random rnd = new Random(20261202L);
    for (int i = 0; i < 3000; i++) {
      byte[] b = base.clone();
      for (int m = 1 + rnd.nextInt(3); m > 0; m--) {
        int at = rnd.nextInt(b.length);
        b[at] = rnd.nextBoolean() ? special[rnd.nextInt(special.length)]
            : (byte) (b[at] ^ (1 << rnd.nextInt(8)));
      }
      byte[] payload = b;
      assertSame("mutation " + i + ": " + new String(b, StandardCharsets.UTF_8),
          () -> ScoringJson.readRequest(payload), () -> reader.read(payload));
    }
  }

  @Test
  void randomRequestsReadAndScoreAlike() {
    ScoringJson.RequestReader reader = ScoringJson.reader(TestBundles.schema().featureNames());
    Random rnd = new Random(16L);
    int ordered = 0;
    for (int i = 0; i < 2000; i++) {
      String json = randomJson(rnd, i);
      assertSame(json, () -> ScoringJson.readRequest(json), () -> reader.read(json));
      try {
        ordered += reader.read(json).values() instanceof OrderedValues ? 1 : 0;
      } catch (InvalidRequestException e) {
        // refused alike, compared above
      }
    }
    assertTrue(ordered > 500, ordered + " requests read into the schema's order");
  }

  @Test
  void aRequestReadForAnotherSchemaIsScoredByName() {
    FeatureSchemaHolder other = new FeatureSchemaHolder();
    ScoringJson.RequestReader reader = ScoringJson.reader(other.schema.featureNames());
    Random rnd = new Random(3L);
    for (int i = 0; i < 200; i++) {
      String json = randomJson(rnd, i);
      assertSame(json, () -> ScoringJson.readRequest(json), () -> reader.read(json));
    }
  }

  @Test
  void theOrderedValuesAreAnUnmodifiableMapInTheOrderSent() {
    String json = "{\"applicantId\":\"PE-1\",\"asOfDate\":\"2026-11-01\",\"features\":"
        + "{\"irrigated\":true,\"x_unknown\":[1],\"farm_size_ha\":2.5,\"main_crop\":null}}";
    ScoringRequest r = ScoringJson.reader(TestBundles.schema().featureNames()).read(json);
    ScoringRequest byName = ScoringJson.readRequest(json);
    assertInstanceOf(OrderedValues.class, r.values());
    assertEquals(List.copyOf(byName.values().entrySet()), List.copyOf(r.values().entrySet()));
    assertEquals(byName, r);
    assertEquals(byName.hashCode(), r.hashCode());
    assertEquals(byName.toString(), r.toString());
    assertTrue(r.has("main_crop"));
    assertEquals(null, r.get("main_crop"));
    assertTrue(!r.has("yield_ratio"));
    assertEquals(new ScoringRequest.WrongType("array"), r.get("x_unknown"));
    assertEquals(4, r.values().size());
    assertThrows(UnsupportedOperationException.class, () -> r.values().put("a", 1.0));
    assertThrows(UnsupportedOperationException.class, () -> r.values().clear());
    assertThrows(UnsupportedOperationException.class,
        () -> r.values().entrySet().iterator().remove());
    assertNotEquals(ScoringJson.readRequest(json.replace("2.5", "2.6")), r);
  }

  @Test
  void manyUnknownFeaturesAndADuplicateAmongThemAreReportedAlike() {
    StringBuilder sb = new StringBuilder("{\"applicantId\":\"PE-1\",\"asOfDate\":\"2026-11-01\","
        + "\"features\":{");
    for (int i = 0; i < 200; i++) {
      sb.append("\"u").append(i).append("\":").append(i).append(',');
    }
    String many = sb + "\"farm_size_ha\":1}}";
    String duplicated = sb + "\"u150\":1}}";
    ScoringJson.RequestReader reader = ScoringJson.reader(TestBundles.schema().featureNames());
    assertSame("many", () -> ScoringJson.readRequest(many), () -> reader.read(many));
    assertSame("duplicate", () -> ScoringJson.readRequest(duplicated),
        () -> reader.read(duplicated));
    InvalidRequestException e = assertThrows(InvalidRequestException.class,
        () -> reader.read(duplicated));
    assertEquals("duplicate property \"u150\" in 'features'", e.violations().get(0).message());
  }

  /** A schema with the test schema's features in another order. */
  private static final class FeatureSchemaHolder {
    final pe.agriscore.schema.FeatureSchema schema;

    FeatureSchemaHolder() {
      List<pe.agriscore.schema.Feature> features = new ArrayList<>(
          TestBundles.schema().features());
      Collections.reverse(features);
      schema = new pe.agriscore.schema.FeatureSchema("reversed", "1", features);
    }
  }

  /**
   * Both reads give the same outcome; what reads scores the same through {@code score} and, next
   * to a valid request, {@code scoreAll}.
   */
  private static void assertSame(String what, Supplier<ScoringRequest> byName,
      Supplier<ScoringRequest> ordered) {
    Object a = outcome(byName);
    Object b = outcome(ordered);
    assertEquals(a, b, what);
    if (a instanceof ScoringRequest ra && b instanceof ScoringRequest rb) {
      assertEquals(List.copyOf(ra.values().entrySet()), List.copyOf(rb.values().entrySet()),
          what);
      assertEquals(ra.toString(), rb.toString(), what);
      assertEquals(scoreOutcome(ra), scoreOutcome(rb), what);
      assertEquals(scorer.scoreAll(List.of(ra, valid)), scorer.scoreAll(List.of(rb, valid)),
          what);
    }
  }

  /** What {@code call} returns, or the refusal's id, violations, omitted count and message. */
  private static Object outcome(Supplier<?> call) {
    try {
      return call.get();
    } catch (InvalidRequestException e) {
      return List.of(String.valueOf(e.applicantId()), e.violations(), e.omittedViolations(),
          e.getMessage());
    }
  }

  private static Object scoreOutcome(ScoringRequest r) {
    return outcome(() -> scorer.score(r));
  }

  /** A request in JSON with every kind of feature trouble, now and then. */
  private static String randomJson(Random rnd, int i) {
    ScoringRequest r = TestBundles.randomRequest(rnd, "PE-" + i);
    List<String> fields = new ArrayList<>();
    for (Map.Entry<String, Object> e : r.values().entrySet()) {
      if (rnd.nextInt(12) == 0) {
        continue; // absent
      }
      fields.add(quote(e.getKey()) + ":" + value(rnd, e.getValue()));
    }
    if (rnd.nextInt(6) == 0) {
      fields.add(quote("unknown_" + rnd.nextInt(3)) + ":" + rnd.nextInt(9));
    }
    if (rnd.nextInt(10) == 0 && !fields.isEmpty()) {
      fields.add(fields.get(rnd.nextInt(fields.size()))); // duplicate
    }
    if (rnd.nextInt(3) == 0) {
      Collections.shuffle(fields, rnd);
    }
    String id = rnd.nextInt(25) == 0 ? "\"\"" : rnd.nextInt(25) == 0 ? "7" : quote(r.applicantId());
    String date = rnd.nextInt(25) == 0 ? "\"1800-01-01\"" : "\"2026-11-01\"";
    return "{\"applicantId\":" + id + ",\"asOfDate\":" + date + ",\"features\":{"
        + String.join(",", fields) + "}}";
  }

  private static String value(Random rnd, Object v) {
    switch (rnd.nextInt(30)) {
      case 0:
        return "null";
      case 1:
        return "\"text\"";
      case 2:
        return "[1,2]";
      case 3:
        return "{\"a\":1}";
      case 4:
        return "true";
      case 5:
        return "-1e9";
      case 6:
        return "NaN";
      case 7:
        return "\"sugar_cane\"";
      default:
        return v == null ? "null" : v instanceof String s ? quote(s) : String.valueOf(v);
    }
  }

  private static String quote(String s) {
    return "\"" + s + "\"";
  }
}
