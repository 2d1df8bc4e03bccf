package pe.agriscore.scoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;
import pe.agriscore.scoring.CreditScore;
import pe.agriscore.scoring.InvalidRequestException;
import pe.agriscore.scoring.ReasonCode;
import pe.agriscore.scoring.ScoringError;
import pe.agriscore.scoring.ScoringRequest;
import pe.agriscore.scoring.Violation.Rule;
import pe.agriscore.scoring.Violation;

class ScoringJsonTest {

  @Test
  void readsEveryValueTypeExactly() {
    ScoringRequest r = ScoringJson.readRequest("""
        {"applicantId": "PE-7", "asOfDate": "2026-03-01",
         "features": {"farm_size_ha": 2, "yield_ratio": 0.75, "main_crop": "coffee",
                      "irrigated": false, "prior_loans_repaid_share": null,
                      "plots": [1, 2], "extra": {"a": 1}}}""");
    assertEquals("PE-7", r.applicantId());
    assertEquals(LocalDate.of(2026, 3, 1), r.asOfDate());
    assertEquals(2.0, r.get("farm_size_ha"));
    assertEquals(0.75, r.get("yield_ratio"));
    assertEquals("coffee", r.get("main_crop"));
    assertEquals(Boolean.FALSE, r.get("irrigated"));
    assertTrue(r.has("prior_loans_repaid_share"));
    assertNull(r.get("prior_loans_repaid_share"));
    assertEquals(new ScoringRequest.WrongType("array"), r.get("plots"));
    assertEquals(new ScoringRequest.WrongType("object"), r.get("extra"));
  }

  @Test
  void requestRoundTrips() {
    ScoringRequest r = ScoringRequest.builder("PE-1", LocalDate.of(2025, 12, 31))
        .set("a", 0.1 + 0.2).set("b", "x").set("c", true).setMissing("d").build();
    assertEquals(r, ScoringJson.readRequest(ScoringJson.writeRequest(r)));
  }

  @Test
  void malformedPayloadsAreNamedNotDropped() {
    assertViolation("{\"applicantId\": \"x\",", "$", Rule.MALFORMED);
    assertViolation("not json", "$", Rule.MALFORMED);
    assertViolation("[1, 2]", "$", Rule.MALFORMED);
    assertViolation("", "$", Rule.MALFORMED);
    assertViolation("{\"applicantId\": \"a\", \"applicantId\": \"b\", \"features\": {}}", "$",
        Rule.MALFORMED);
    assertViolation("{\"applicantId\":\"a\",\"asOfDate\":\"2026-01-01\",\"features\":{}} {}", "$",
        Rule.MALFORMED);
    InvalidRequestException nul = assertThrows(InvalidRequestException.class,
        () -> ScoringJson.readRequest((byte[]) null));
    assertEquals(Rule.MALFORMED, nul.violations().get(0).rule());
  }

  @Test
  void oversizedPayloadIsRefusedBeforeParsing() {
    byte[] huge = ("{\"applicantId\": \"" + "x".repeat(100_000) + "\"}")
        .getBytes(StandardCharsets.UTF_8);
    InvalidRequestException e = assertThrows(InvalidRequestException.class,
        () -> ScoringJson.readRequest(huge));
    assertEquals("the payload has " + huge.length + " bytes, more than the limit of 65536"
        + " (maxRequestBytes)",
        e.violations().get(0).message());
  }

  @Test
  void envelopeProblemsAreAllReportedByField() {
    InvalidRequestException e = assertThrows(InvalidRequestException.class,
        () -> ScoringJson.readRequest(
            "{\"applicantId\": 42, \"asOfDate\": \"2026-02-30\", \"feature\": {}}"));
    assertEquals(List.of(
        new Violation("applicantId", Rule.WRONG_TYPE, "expected a string, got number"),
        new Violation("asOfDate", Rule.WRONG_TYPE,
            "expected an ISO date yyyy-MM-dd, got \"2026-02-30\""),
        new Violation("feature", Rule.UNKNOWN_FIELD,
            "a request has only applicantId, asOfDate and features"),
        new Violation("features", Rule.MISSING, "a request needs 'features'")),
        e.violations());
  }

  @Test
  void nanLiteralIsKeptForValidationToReject() {
    ScoringRequest r = ScoringJson.readRequest(
        "{\"applicantId\":\"a\",\"asOfDate\":\"2026-01-01\",\"features\":{\"x\": NaN}}");
    assertTrue(Double.isNaN((Double) r.get("x")));
  }

  @Test
  void scoreAndErrorRoundTrip() throws Exception {
    CreditScore s = new CreditScore("PE-1", LocalDate.of(2026, 1, 2), 0.0734, 642, "B",
        List.of(new ReasonCode(1, "AG02", "yield_ratio", -12.5, "Rendimiento bajo", "Low yield")),
        "farmer-mlp", "1.0.0", Instant.parse("2026-11-28T10:00:00Z"));
    byte[] json = ScoringJson.write(s);
    JsonNode n = new ObjectMapper().readTree(json);
    assertEquals("score", n.get("type").asText());
    assertEquals(642, n.get("points").asInt());
    assertEquals("Rendimiento bajo", n.get("reasons").get(0).get("es").asText());
    assertEquals(s, ScoringJson.readResult(json));

    ScoringError err = new ScoringError("PE-2", ScoringError.Kind.INVALID_REQUEST, "bad",
        List.of(new Violation("farm_size_ha", Rule.OUT_OF_RANGE, "too big")), "m", "1",
        Instant.parse("2026-11-28T10:00:00Z"));
    byte[] ej = ScoringJson.write(err);
    JsonNode en = new ObjectMapper().readTree(ej);
    assertEquals("OUT_OF_RANGE", en.get("violations").get(0).get("rule").asText());
    assertEquals(err, ScoringJson.readResult(ej));
    assertFalse(en.has("exception"), "no exception, no property");

    ScoringError engine = new ScoringError("PE-3", ScoringError.Kind.ENGINE_FAILURE,
        "engine 'x' failed: boom", List.of(), "m", "1", Instant.parse("2026-11-28T10:00:00Z"),
        "ai.djl.engine.EngineException");
    byte[] gj = ScoringJson.write(engine);
    assertEquals("ai.djl.engine.EngineException",
        new ObjectMapper().readTree(gj).get("exception").asText());
    assertEquals(engine, ScoringJson.readResult(gj));
  }

  @Test
  void readResultRefusesOtherJson() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ScoringJson.readResult("{\"type\": \"other\"}".getBytes(StandardCharsets.UTF_8)));
    assertEquals("not a scoring result: 'type' is 'other'", e.getMessage());
  }

  @Test
  void limitsHaveTheDocumentedDefaultsAndRefuseNonsense() {
    ScoringJson.Limits d = ScoringJson.Limits.defaults();
    assertEquals(List.of(65_536, 8, 64, 256, 128, 256), List.of(d.maxRequestBytes(), d.maxDepth(),
        d.maxNumberLength(), d.maxStringLength(), d.maxNameLength(), d.maxFields()));
    assertEquals(d, ScoringJson.Limits.builder().build());
    assertEquals(d, d.toBuilder().build());
    ScoringJson.Limits raised = d.toBuilder().maxFields(1_000).build();
    assertEquals(1_000, raised.maxFields());
    assertFalse(raised.equals(d));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ScoringJson.Limits.builder().maxDepth(1));
    assertEquals("maxDepth must be >= 2 (a request object and its features), got 1",
        e.getMessage());
    assertEquals("maxStringLength must be >= 1, got 0", assertThrows(
        IllegalArgumentException.class,
        () -> ScoringJson.Limits.builder().maxStringLength(0)).getMessage());
  }

  @Test
  void raisedLimitsLetALargerRequestThroughAndLowerOnesNameThemselves() {
    String deep = "{\"applicantId\":\"a\",\"asOfDate\":\"2026-01-01\",\"features\":{\"x\":"
        + "[".repeat(10) + "]".repeat(10) + "}}";
    assertViolation(deep, "$", Rule.MALFORMED);
    ScoringRequest r = ScoringJson.readRequest(deep.getBytes(StandardCharsets.UTF_8),
        ScoringJson.Limits.builder().maxDepth(12).build());
    assertEquals(new ScoringRequest.WrongType("array"), r.get("x"));
    InvalidRequestException e = assertThrows(InvalidRequestException.class,
        () -> ScoringJson.readRequest("{\"applicantId\":\"PE-1\"}",
            ScoringJson.Limits.builder().maxStringLength(3).build()));
    assertEquals("the string value of \"applicantId\" has 4 characters, more than the limit of 3"
        + " (maxStringLength) at line 1, column 22", e.violations().get(0).message());
    assertNull(e.applicantId());
  }

  @Test
  void anErrorKeepsFiftyViolationsCountsTheRestAndRoundTrips() throws Exception {
    List<Violation> sixty = new java.util.ArrayList<>();
    for (int i = 0; i < 60; i++) {
      sixty.add(new Violation("k" + i, Rule.UNKNOWN_FIELD, "no such feature"));
    }
    ScoringError err = new ScoringError("PE-2", ScoringError.Kind.INVALID_REQUEST, "bad", sixty,
        "m", "1", Instant.parse("2026-11-28T10:00:00Z"), null, 5);
    assertEquals(50, err.violations().size());
    assertEquals(15, err.omittedViolations());
    byte[] json = ScoringJson.write(err);
    assertEquals(15, new ObjectMapper().readTree(json).get("omittedViolations").asInt());
    assertEquals(err, ScoringJson.readResult(json));
  }

  /**
   * The bound docs/json-formats.md states: every text of an error at its cap, in four-byte
   * characters (the most UTF-8 bytes a code point can take), with the longest rule name.
   */
  @Test
  void theLargestErrorAnyRequestCanCauseStaysWithinTheDocumentedBound() {
    String emoji = "\uD83D\uDE00";
    List<Violation> violations = new java.util.ArrayList<>();
    for (int i = 0; i < 60; i++) {
      violations.add(new Violation(emoji.repeat(1_000), Rule.UNKNOWN_CATEGORY,
          emoji.repeat(10_000)));
    }
    String id = emoji.repeat(ScoringRequest.MAX_APPLICANT_ID_LENGTH);
    InvalidRequestException e = new InvalidRequestException(id, violations, Integer.MAX_VALUE);
    ScoringError err = ScoringError.invalidRequest(e, "", "", Instant.MAX);
    assertEquals(id, err.applicantId());
    assertEquals(InvalidRequestException.MAX_MESSAGE_LENGTH,
        err.message().codePointCount(0, err.message().length()));
    assertEquals(Violation.MAX_MESSAGE_LENGTH, err.violations().get(0).message()
        .codePointCount(0, err.violations().get(0).message().length()));
    int bytes = ScoringJson.write(err).length;
    assertTrue(bytes > 130_000, bytes + " bytes: the texts are not at their caps");
    assertTrue(bytes <= 144 * 1024, bytes + " bytes");
  }

  @Test
  void aNullStringIsRefusedLikeANullArray() {
    InvalidRequestException e = assertThrows(InvalidRequestException.class,
        () -> ScoringJson.readRequest((String) null));
    assertEquals(List.of(new Violation("$", Rule.MALFORMED, "the payload is null (no request)")),
        e.violations());
  }


  /**
   * Jackson checks its string limit whenever its text buffer grows, numbers included, and the
   * buffer it starts from is the one the parsing thread last recycled: a thread that never
   * parsed (a fresh buffer grows past maxStringLength while reading the digits) and one that
   * parsed a long text before (a large recycled buffer does not grow) must both hear the
   * number rule, as the same bytes over HTTP land on either kind of server thread.
   */
  @Test
  void aTooLongNumberIsWordedAsANumberWhateverBufferTheThreadRecycled() throws Exception {
    byte[] request = ("{\"applicantId\":\"PE-1\",\"asOfDate\":\"2026-11-01\",\"features\":"
        + "{\"farm_size_ha\":" + "1".repeat(1001) + "}}").getBytes(StandardCharsets.UTF_8);
    String[] fresh = new String[1];
    Thread t = new Thread(() -> fresh[0] = refusal(request));
    t.start();
    t.join();
    // A long text read first on this thread leaves a large buffer to recycle (the request is
    // refused afterwards, for its id, once the text was read).
    assertThrows(InvalidRequestException.class, () -> ScoringJson.readRequest(
        ("{\"applicantId\":\"" + "x".repeat(4000) + "\"}").getBytes(StandardCharsets.UTF_8),
        ScoringJson.Limits.builder().maxStringLength(8000).build()));
    String warm = refusal(request);
    for (String message : new String[] {fresh[0], warm}) {
      assertTrue(message.contains("a number longer than 64 characters (maxNumberLength)"),
          message);
    }
  }

  private static String refusal(byte[] request) {
    InvalidRequestException e = assertThrows(InvalidRequestException.class,
        () -> ScoringJson.readRequest(request));
    assertEquals(Rule.MALFORMED, e.violations().get(0).rule());
    return e.violations().get(0).message();
  }

  private static void assertViolation(String json, String field, Rule rule) {
    InvalidRequestException e = assertThrows(InvalidRequestException.class,
        () -> ScoringJson.readRequest(json));
    assertInstanceOf(Violation.class, e.violations().get(0));
    assertEquals(field, e.violations().get(0).field(), e::getMessage);
    assertEquals(rule, e.violations().get(0).rule(), e::getMessage);
  }
}
