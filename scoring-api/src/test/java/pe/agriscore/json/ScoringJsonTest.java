package pe.agriscore.json;

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
import pe.agriscore.request.InvalidRequestException;
import pe.agriscore.request.ScoringRequest;
import pe.agriscore.request.Violation;
import pe.agriscore.request.Violation.Rule;
import pe.agriscore.scoring.CreditScore;
import pe.agriscore.scoring.ReasonCode;
import pe.agriscore.scoring.ScoringError;

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

  private static void assertViolation(String json, String field, Rule rule) {
    InvalidRequestException e = assertThrows(InvalidRequestException.class,
        () -> ScoringJson.readRequest(json));
    assertInstanceOf(Violation.class, e.violations().get(0));
    assertEquals(field, e.violations().get(0).field(), e::getMessage);
    assertEquals(rule, e.violations().get(0).rule(), e::getMessage);
  }
}
