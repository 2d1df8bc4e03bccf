package pe.agriscore.kafka;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pe.agriscore.CreditScorer;
import pe.agriscore.ScorerClosedException;
import pe.agriscore.engine.EngineException;
import pe.agriscore.kafka.testing.FlakyEngine;
import pe.agriscore.kafka.testing.Outcome;
import pe.agriscore.kafka.testing.Requests;
import pe.agriscore.scoring.CreditScore;
import pe.agriscore.scoring.ScoringJson;
import pe.agriscore.testing.FaultyEngine;
import pe.agriscore.testing.TestBundles;

/** The batch scorer on its own, without a broker: records in, records out. */
class BatchScorerTest {

  @TempDir Path tmp;
  private final List<CreditScorer> scorers = new ArrayList<>();

  @AfterEach
  void closeScorers() {
    scorers.forEach(CreditScorer::close);
  }

  private BatchScorer batchScorer(Path bundle, Map<String, Object> extra) {
    return batchScorer(bundle, extra, new RecordLimits(1024 * 1024, Map.of()));
  }

  private BatchScorer batchScorer(Path bundle, Map<String, Object> extra, RecordLimits limits) {
    CreditScorer scorer = CreditScorer.open(bundle);
    scorers.add(scorer);
    Map<String, Object> p = new HashMap<>();
    p.put("bootstrap.servers", "unused:9092");
    p.put("group.id", "g");
    p.put("agriscore.input.topic", "in");
    p.put("agriscore.output.topic", "out");
    p.put("agriscore.dead.letter.topic", "dlq");
    p.put("agriscore.engine.retry.backoff.ms", "1");
    p.putAll(extra);
    KafkaScoringConfig config = new KafkaScoringConfig(p);
    return new BatchScorer(scorer, config, config.requestLimits(scorer.model().schema().size()),
        new ServiceMetrics(Map.of()), limits);
  }

  private static ConsumerRecord<byte[], byte[]> record(long offset, String key, byte[] value,
      RecordHeaders headers) {
    return new ConsumerRecord<>("in", 2, offset, 1_700_000_000_000L + offset,
        TimestampType.CREATE_TIME, -1, value == null ? -1 : value.length,
        key.getBytes(StandardCharsets.UTF_8), value, headers, Optional.empty());
  }

  @Test
  void eachRecordYieldsOneOutputInInputOrderAndDeadLettersKeepTheOriginal() throws Exception {
    BatchScorer scorer = batchScorer(TestBundles.writeScorecardBundle(tmp), Map.of());
    List<ConsumerRecord<byte[], byte[]>> in = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      String key = Requests.key(i, 10);
      RecordHeaders headers = new RecordHeaders();
      headers.add("trace-id", ("t" + i).getBytes(StandardCharsets.UTF_8));
      in.add(record(100 + i, key, Requests.value(key), headers));
    }
    ScoredBatch out = scorer.score(in);
    assertEquals(60, out.records().size());
    assertEquals(54, out.scored());
    assertEquals(6, out.deadLettered());
    for (int i = 0; i < 60; i++) {
      ConsumerRecord<byte[], byte[]> source = in.get(i);
      ProducerRecord<byte[], byte[]> r = out.records().get(i);
      assertArrayEquals(source.key(), r.key());
      assertNull(r.partition(), "the default partitioner places results by key");
      String key = new String(source.key(), StandardCharsets.UTF_8);
      Requests.Bad bad = Requests.badKind(key);
      if (bad == null) {
        assertEquals("out", r.topic());
        CreditScore s = assertInstanceOf(CreditScore.class, ScoringJson.readResult(r.value()));
        assertEquals(key, s.applicantId());
        assertEquals(TestBundles.expectedProbability(ScoringJson.readRequest(source.value())),
            s.probabilityOfDefault(), 1e-12);
      } else {
        assertEquals("dlq", r.topic());
        assertArrayEquals(source.value(), r.value());
        assertEquals("t" + i, header(r, "trace-id"), "original headers are kept");
        assertEquals("2", header(r, DeadLetterHeaders.SOURCE_PARTITION));
        assertEquals(String.valueOf(100 + i), header(r, DeadLetterHeaders.SOURCE_OFFSET));
        assertEquals(String.valueOf(source.timestamp()),
            header(r, DeadLetterHeaders.SOURCE_TIMESTAMP));
        assertEquals("test-scorecard", header(r, DeadLetterHeaders.MODEL_NAME));
        assertTrue(Outcome.hasReason(header(r, DeadLetterHeaders.ERROR_REASONS), bad.field,
            bad.rule.name()), key + " " + header(r, DeadLetterHeaders.ERROR_REASONS));
        assertNull(r.headers().lastHeader(DeadLetterHeaders.ERROR_ATTEMPTS));
      }
      assertEquals(source.timestamp(), out.sourceTimestamps()[i]);
    }
  }

  @Test
  void aReplayedDeadLetterCarriesOneSetOfReasonsTheNewOne() throws Exception {
    BatchScorer scorer = batchScorer(TestBundles.writeScorecardBundle(tmp), Map.of());
    RecordHeaders headers = new RecordHeaders();
    headers.add(DeadLetterHeaders.ERROR_KIND, "ENGINE_FAILURE".getBytes(StandardCharsets.UTF_8));
    headers.add(DeadLetterHeaders.ERROR_ATTEMPTS, "4".getBytes(StandardCharsets.UTF_8));
    headers.add(DeadLetterHeaders.SOURCE_OFFSET, "7".getBytes(StandardCharsets.UTF_8));
    String key = "BAD-OUT_OF_RANGE-1";
    ProducerRecord<byte[], byte[]> r = scorer.score(List.of(record(42, key,
        Requests.value(key), headers))).records().get(0);
    List<String> kinds = new ArrayList<>();
    for (Header h : r.headers().headers(DeadLetterHeaders.ERROR_KIND)) {
      kinds.add(new String(h.value(), StandardCharsets.UTF_8));
    }
    assertEquals(List.of("INVALID_REQUEST"), kinds);
    assertEquals("42", header(r, DeadLetterHeaders.SOURCE_OFFSET));
    assertNull(r.headers().lastHeader(DeadLetterHeaders.ERROR_ATTEMPTS));
  }

  @Test
  void engineFailuresAreRetriedThenIsolatedSoOnlyThePoisonRequestIsDeadLettered()
      throws Exception {
    BatchScorer scorer = batchScorer(TestBundles.writeMarkerBundle(tmp, "test-faulty"),
        Map.of("agriscore.engine.retries", "3"));
    List<ConsumerRecord<byte[], byte[]>> in = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      byte[] value = ScoringJson.writeRequest(TestBundles.farm("A-" + i,
          i == 5 ? FaultyEngine.THROW_MARKER : 2.0));
      in.add(record(i, "A-" + i, value, new RecordHeaders()));
    }
    ScoredBatch out = scorer.score(in);
    assertEquals(7, out.scored());
    assertEquals(1, out.deadLettered());
    ProducerRecord<byte[], byte[]> poison = out.records().get(5);
    assertEquals("dlq", poison.topic());
    assertEquals("ENGINE_FAILURE", header(poison, DeadLetterHeaders.ERROR_KIND));
    assertEquals("5", header(poison, DeadLetterHeaders.ERROR_ATTEMPTS));
    assertEquals(IllegalStateException.class.getName(),
        header(poison, DeadLetterHeaders.ERROR_CLASS));
    assertEquals("engine 'test-faulty' failed: native failure in row 0",
        header(poison, DeadLetterHeaders.ERROR_MESSAGE), "the scorer's own wording");
    assertEquals("[]", header(poison, DeadLetterHeaders.ERROR_REASONS));
  }

  /**
   * A call that throws instead of returning results (here: the scorer was closed under the
   * service) is dead-lettered in the same words as an engine failure inside the scorer; before,
   * it read {@code scoring failed: pe.agriscore.ScorerClosedException: ...}.
   */
  @Test
  void aScoringCallThatThrowsIsDeadLetteredInTheScorersWording() throws Exception {
    BatchScorer scorer = batchScorer(TestBundles.writeScorecardBundle(tmp), Map.of());
    scorers.get(0).close();
    List<ConsumerRecord<byte[], byte[]>> in = List.of(
        record(0, "A-0", ScoringJson.writeRequest(TestBundles.farm("A-0", 2)),
            new RecordHeaders()));
    ScoredBatch out = scorer.score(in);
    assertEquals(0, out.scored());
    assertEquals(1, out.deadLettered());
    ProducerRecord<byte[], byte[]> r = out.records().get(0);
    assertEquals("dlq", r.topic());
    assertEquals("ENGINE_FAILURE", header(r, DeadLetterHeaders.ERROR_KIND));
    assertEquals(ScorerClosedException.class.getName(), header(r, DeadLetterHeaders.ERROR_CLASS));
    assertEquals("engine 'scorecard' failed: model test-scorecard 1.0.0 on engine 'scorecard' is"
        + " closed: calls after close() cannot succeed, open a new CreditScorer",
        header(r, DeadLetterHeaders.ERROR_MESSAGE));
    assertEquals("4", header(r, DeadLetterHeaders.ERROR_ATTEMPTS), "1 call and 3 retries");
  }

  @Test
  void aTransientFailureLongerThanTheRetriesFailsUnderTheFailPolicy() throws Exception {
    BatchScorer scorer = batchScorer(TestBundles.writeMarkerBundle(tmp, "test-flaky"),
        Map.of("agriscore.engine.retries", "2", "agriscore.engine.failure.policy", "FAIL"));
    List<ConsumerRecord<byte[], byte[]>> in = List.of(
        record(0, "A-0", ScoringJson.writeRequest(TestBundles.farm("A-0", 2)),
            new RecordHeaders()));
    FlakyEngine.failNextCalls.set(10);
    try {
      EngineException e = assertThrows(EngineException.class, () -> scorer.score(in));
      assertTrue(e.getMessage().contains("after 3 attempts"), e.getMessage());
    } finally {
      FlakyEngine.failNextCalls.set(0);
    }
    assertEquals(1, scorer.score(in).scored());
  }

  private static String header(ProducerRecord<byte[], byte[]> r, String name) {
    return DeadLetterHeaders.get(r.headers(), name);
  }

  @Test
  void deadLettersLargerThanTheirTopicAreCutToFitAndSaySo() throws Exception {
    int limit = 9000;
    BatchScorer scorer = batchScorer(TestBundles.writeScorecardBundle(tmp),
        Map.of("agriscore.max.request.bytes", "1000000"), new RecordLimits(1024 * 1024,
            Map.of("dlq", limit)));
    RecordHeaders big = new RecordHeaders();
    big.add("x-trace", new byte[30_000]);
    byte[] value = new byte[20_000];
    java.util.Arrays.fill(value, (byte) 'x');
    StringBuilder fields = new StringBuilder("{\"applicantId\":\"A\",\"asOfDate\":"
        + "\"2026-11-01\",\"features\":{}");
    // Within the parser's name and field limits, so each becomes its own violation: 50 long
    // reasons (the SDK's cap) outgrow the topic on their own.
    for (int i = 0; i < 200; i++) {
      fields.append(",\"").append("f".repeat(120)).append(i).append("\":1");
    }
    byte[] manyReasons = fields.append('}').toString().getBytes(StandardCharsets.UTF_8);
    // The same request where its dead letter fits: 50 reasons and the rest counted as omitted.
    ProducerRecord<byte[], byte[]> whole = batchScorer(TestBundles.writeScorecardBundle(
        tmp.resolve("whole")), Map.of("agriscore.max.request.bytes", "1000000")).score(List.of(
        record(2, "k2", manyReasons, new RecordHeaders()))).records().get(0);
    assertEquals(50, reasonCount(header(whole, DeadLetterHeaders.ERROR_REASONS)));
    int violations = 50 + Integer.parseInt(header(whole,
        DeadLetterHeaders.ERROR_OMITTED_VIOLATIONS));
    assertTrue(violations >= 200, "200 unknown fields, each a violation: " + violations);
    ScoredBatch out = scorer.score(List.of(record(1, "k1", value, big),
        record(2, "k2", manyReasons, new RecordHeaders())));
    assertEquals(2, out.truncated());
    for (ProducerRecord<byte[], byte[]> r : out.records()) {
      assertTrue(RecordLimits.sizeOf(r) <= limit, r.toString());
    }
    ProducerRecord<byte[], byte[]> first = out.records().get(0);
    assertEquals("headers,value", DeadLetterHeaders.get(first.headers(),
        DeadLetterHeaders.TRUNCATED));
    assertEquals("1", DeadLetterHeaders.get(first.headers(), DeadLetterHeaders.ORIGINAL_HEADERS));
    assertEquals("20000", DeadLetterHeaders.get(first.headers(),
        DeadLetterHeaders.ORIGINAL_VALUE_BYTES));
    assertEquals(pe.agriscore.kafka.testing.Outcome.sha256(value), DeadLetterHeaders.get(
        first.headers(), DeadLetterHeaders.ORIGINAL_VALUE_SHA256));
    assertArrayEquals("k1".getBytes(StandardCharsets.UTF_8), first.key());
    assertArrayEquals(java.util.Arrays.copyOf(value, first.value().length), first.value());
    ProducerRecord<byte[], byte[]> second = out.records().get(1);
    assertEquals("reasons,value", DeadLetterHeaders.get(second.headers(),
        DeadLetterHeaders.TRUNCATED));
    assertEquals("[]", DeadLetterHeaders.get(second.headers(), DeadLetterHeaders.ERROR_REASONS));
    assertEquals(String.valueOf(violations), header(second,
        DeadLetterHeaders.ERROR_OMITTED_VIOLATIONS), "the dropped reasons count as omitted");
  }

  @Test
  void aDeadLetterCountsTheViolationsItsReasonsDoNotList() throws Exception {
    BatchScorer scorer = batchScorer(TestBundles.writeScorecardBundle(tmp), Map.of());
    StringBuilder json = new StringBuilder("{\"applicantId\":\"A\",\"asOfDate\":\"2026-11-01\","
        + "\"features\":{\"farm_size_ha\":2.5,\"yield_ratio\":1.0,\"drought_index\":0.1,"
        + "\"main_crop\":\"potato\",\"irrigated\":true,\"prior_loans_repaid_share\":0.5");
    for (int i = 0; i < 80; i++) {
      json.append(",\"extra_").append(i).append("\":1");
    }
    byte[] eightyUnknown = json.append("}}").toString().getBytes(StandardCharsets.UTF_8);
    String oneBad = Requests.key(9, 10);
    ScoredBatch out = scorer.score(List.of(record(1, "k1", eightyUnknown, new RecordHeaders()),
        record(2, oneBad, Requests.value(oneBad), new RecordHeaders())));
    ProducerRecord<byte[], byte[]> many = out.records().get(0);
    assertEquals(50, reasonCount(header(many, DeadLetterHeaders.ERROR_REASONS)));
    assertTrue(header(many, DeadLetterHeaders.ERROR_REASONS).contains("UNKNOWN_FIELD"));
    assertEquals("30", header(many, DeadLetterHeaders.ERROR_OMITTED_VIOLATIONS),
        "80 unknown features, 50 listed");
    ProducerRecord<byte[], byte[]> one = out.records().get(1);
    assertEquals("dlq", one.topic());
    assertEquals(1, reasonCount(header(one, DeadLetterHeaders.ERROR_REASONS)));
    assertEquals("0", header(one, DeadLetterHeaders.ERROR_OMITTED_VIOLATIONS));
  }

  @Test
  void aModelWiderThanTheDefaultFieldLimitHasItsRequestsScored() throws Exception {
    int features = 300;
    BatchScorer scorer = batchScorer(TestBundles.writeWideScorecardBundle(tmp, "scorecard",
        features), Map.of());
    byte[] wide = ScoringJson.writeRequest(TestBundles.wideRequest("W", features, 3, 1.5));
    ScoredBatch out = scorer.score(List.of(record(1, "W", wide, new RecordHeaders())));
    ProducerRecord<byte[], byte[]> r = out.records().get(0);
    assertEquals("out", r.topic(), () -> header(r, DeadLetterHeaders.ERROR_MESSAGE));
    CreditScore s = assertInstanceOf(CreditScore.class, ScoringJson.readResult(r.value()));
    assertEquals(TestBundles.wideProbability(features, 3, 1.5), s.probabilityOfDefault(), 1e-9);
    // A limit the host set lower still applies to everything else.
    BatchScorer shortStrings = batchScorer(TestBundles.writeWideScorecardBundle(
        java.nio.file.Files.createDirectories(tmp.resolve("short")), "scorecard", features),
        Map.of("agriscore.json.max.string.length", "4"));
    ProducerRecord<byte[], byte[]> refused = shortStrings.score(List.of(record(1, "W", wide,
        new RecordHeaders()))).records().get(0);
    assertEquals("dlq", refused.topic());
    assertTrue(header(refused, DeadLetterHeaders.ERROR_REASONS).contains("MALFORMED"),
        header(refused, DeadLetterHeaders.ERROR_REASONS));
  }

  private static int reasonCount(String reasons) throws Exception {
    return new com.fasterxml.jackson.databind.ObjectMapper().readTree(reasons).size();
  }
}
