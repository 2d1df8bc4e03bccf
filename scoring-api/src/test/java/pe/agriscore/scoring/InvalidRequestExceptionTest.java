package pe.agriscore.scoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import pe.agriscore.scoring.Violation.Rule;

class InvalidRequestExceptionTest {

  @Test
  void keepsTheFirstFiftyViolationsAndCountsTheRest() {
    List<Violation> many = new ArrayList<>();
    for (int i = 0; i < 8_167; i++) {
      many.add(new Violation("k" + i, Rule.UNKNOWN_FIELD, "a request has only ..."));
    }
    InvalidRequestException e = new InvalidRequestException("PE-1", many);
    assertEquals(50, e.violations().size());
    assertEquals("k49", e.violations().get(49).field());
    assertEquals(8_117, e.omittedViolations());
    assertTrue(e.getMessage().endsWith(" (and 8117 more violations not reported)"),
        e.getMessage());
    assertTrue(e.getMessage().length() <= InvalidRequestException.MAX_MESSAGE_LENGTH);
    assertEquals(8_120, new InvalidRequestException("PE-1", many, 3).omittedViolations());
  }

  @Test
  void theMessageCarriesNoRawNewlineFromTheRequest() {
    Violation v = new Violation("x\nERROR forged", Rule.UNKNOWN_FIELD, "level \"a\r\nb\u202E\"");
    assertEquals("x\\u000AERROR forged", v.field());
    assertEquals("level \"a\\u000D\\u000Ab\\u202E\"", v.message());
    InvalidRequestException e = new InvalidRequestException("PE-1", List.of(v));
    assertFalse(e.getMessage().chars().anyMatch(c -> c < 0x20 || c == 0x202E), e.getMessage());
  }

  @Test
  void anApplicantIdThatBreaksTheIdRulesIsNotKept() {
    Violation v = ScoringRequest.applicantIdViolation("PE-1\nINFO approved").orElseThrow();
    assertEquals(new Violation("applicantId", Rule.MALFORMED, "an applicant id may not contain"
        + " control, format (bidi, zero-width) or separator characters: U+000A at index 4"), v);
    InvalidRequestException e = new InvalidRequestException("PE-1\nINFO approved", List.of(v));
    assertNull(e.applicantId());
    assertEquals("invalid scoring request: applicantId: MALFORMED (" + v.message() + ")",
        e.getMessage());
    assertEquals("PE-1", new InvalidRequestException("PE-1", List.of(v)).applicantId());
  }

  @Test
  void idAndDateRules() {
    assertTrue(ScoringRequest.applicantIdViolation("A".repeat(64)).isEmpty());
    assertEquals("an applicant id has at most 64 characters, this one 65",
        ScoringRequest.applicantIdViolation("A".repeat(65)).orElseThrow().message());
    assertTrue(ScoringRequest.applicantIdViolation("\uD83D\uDE00".repeat(64)).isEmpty());
    assertEquals(Rule.MISSING, ScoringRequest.applicantIdViolation(" ").orElseThrow().rule());
    assertTrue(ScoringRequest.asOfDateViolation(LocalDate.of(1900, 1, 1)).isEmpty());
    assertTrue(ScoringRequest.asOfDateViolation(LocalDate.of(2099, 12, 31)).isEmpty());
    assertEquals(new Violation("asOfDate", Rule.OUT_OF_RANGE,
        "as-of date 2100-01-01 is outside [1900-01-01, 2099-12-31]"),
        ScoringRequest.asOfDateViolation(LocalDate.of(2100, 1, 1)).orElseThrow());
    assertEquals(Rule.OUT_OF_RANGE,
        ScoringRequest.asOfDateViolation(LocalDate.MIN).orElseThrow().rule());
  }

  @Test
  void refusesNoViolationsAndANegativeCount() {
    assertThrows(IllegalArgumentException.class,
        () -> new InvalidRequestException("a", List.of()));
    assertThrows(IllegalArgumentException.class, () -> new InvalidRequestException("a",
        List.of(new Violation("$", Rule.MALFORMED, "x")), -1));
  }
}
