package pe.agriscore.scoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import pe.agriscore.CreditScorer;
import pe.agriscore.internal.Text;
import pe.agriscore.scoring.CreditScore;
import pe.agriscore.scoring.InvalidRequestException;
import pe.agriscore.scoring.ScoringError;
import pe.agriscore.scoring.ScoringRequest;
import pe.agriscore.scoring.ScoringResult;
import pe.agriscore.testing.HostileRequests.Case;
import pe.agriscore.testing.HostileRequests;
import pe.agriscore.testing.TestBundles;

/**
 * Replays the hostile request corpus through {@link ScoringJson#readRequest} and, for what reads,
 * through {@link CreditScorer#score} and {@link CreditScorer#scoreAll} on the scorecard test
 * bundle: each case must give its documented outcome, only {@link InvalidRequestException}
 * escapes a read, and every error stays safe to log and within its size bound.
 */
class HostileRequestCorpusTest {

  /** The documented bound on any error document (docs/json-formats.md), for the test model. */
  static final int MAX_ERROR_JSON_BYTES = 144 * 1024;

  @TempDir
  static Path dir;

  private static CreditScorer scorer;
  private static ScoringRequest valid;

  @BeforeAll
  static void openScorer() throws IOException {
    scorer = CreditScorer.open(TestBundles.writeScorecardBundle(dir));
    valid = TestBundles.randomRequests(5, 1).get(0);
  }

  @AfterAll
  static void closeScorer() {
    scorer.close();
  }

  @TestFactory
  Stream<DynamicTest> everyCaseGivesItsDocumentedOutcome() {
    List<Case> cases = HostileRequests.load();
    assertTrue(cases.size() > 100, "the corpus has " + cases.size() + " cases");
    return cases.stream().map(c -> DynamicTest.dynamicTest(c.id(), () -> replay(c)));
  }

  private static void replay(Case c) {
    ScoringRequest request;
    try {
      request = read(c);
    } catch (InvalidRequestException e) {
      assertNull(c.read().mismatch(e.applicantId(), e.violations(), e.omittedViolations()),
          () -> c + ": " + e.getMessage());
      assertBounded(c, e, ScoringError.invalidRequest(e, scorer.modelName(),
          scorer.modelVersion(), Instant.EPOCH));
      return;
    } catch (RuntimeException | Error e) {
      throw new AssertionError(c + ": readRequest threw an undocumented " + e, e);
    }
    assertNull(c.read().mismatch(request), c::toString);
    assertScoresAsDocumented(c, request);
  }

  private static ScoringRequest read(Case c) {
    if (c.usesDefaultLimits()) {
      return c.viaString() ? ScoringJson.readRequest(c.text()) : ScoringJson.readRequest(c.bytes());
    }
    return c.viaString() ? ScoringJson.readRequest(c.text(), c.limits())
        : ScoringJson.readRequest(c.bytes(), c.limits());
  }

  private static void assertScoresAsDocumented(Case c, ScoringRequest request) {
    try {
      CreditScore s = scorer.score(request);
      assertNull(c.score().mismatch(s), c::toString);
    } catch (InvalidRequestException e) {
      assertNull(c.score().mismatch(e.applicantId(), e.violations(), e.omittedViolations()),
          () -> c + ": " + e.getMessage());
      assertSafe(c, e.getMessage());
    } catch (RuntimeException | Error e) {
      throw new AssertionError(c + ": score threw an undocumented " + e, e);
    }
    List<ScoringResult> results;
    try {
      results = scorer.scoreAll(List.of(request, valid));
    } catch (RuntimeException | Error e) {
      throw new AssertionError(c + ": scoreAll threw " + e, e);
    }
    assertEquals(2, results.size(), c::toString);
    assertInstanceOf(CreditScore.class, results.get(1), () -> c + ": the valid neighbour");
    if (results.get(0) instanceof ScoringError err) {
      assertEquals(ScoringError.Kind.INVALID_REQUEST, err.kind(), () -> c + ": " + err);
      assertNull(c.score().mismatch(err.applicantId(), err.violations(),
          err.omittedViolations()), () -> c + ": " + err);
      assertBoundedJson(c, err);
    } else {
      assertNull(c.score().mismatch(results.get(0)), c::toString);
    }
  }

  private static void assertBounded(Case c, InvalidRequestException e, ScoringError err) {
    assertSafe(c, e.getMessage());
    assertTrue(!e.getMessage().toLowerCase(java.util.Locale.ROOT).contains("jackson")
        && !e.getMessage().contains("`") && !e.getMessage().contains("Feature '"),
        () -> c + ": the parser's internals in: " + e.getMessage());
    assertTrue(e.violations().size() <= InvalidRequestException.MAX_VIOLATIONS, c::toString);
    e.violations().forEach(v -> {
      assertSafe(c, v.field());
      assertSafe(c, v.message());
    });
    assertBoundedJson(c, err);
  }

  private static void assertBoundedJson(Case c, ScoringError err) {
    byte[] json = ScoringJson.write(err);
    assertTrue(json.length <= c.maxErrorJsonBytes() && json.length <= MAX_ERROR_JSON_BYTES,
        () -> c + ": the error JSON has " + json.length + " bytes, more than "
            + c.maxErrorJsonBytes());
    assertNull(Utf8.problem(json), () -> c + ": the error JSON is not UTF-8");
    JsonNode tree;
    try {
      tree = new ObjectMapper().readTree(json);
    } catch (IOException e) {
      throw new AssertionError(c + ": the error is not JSON", e);
    }
    tree.forEach(n -> assertTrue(!n.isTextual() || Text.firstUnsafe(n.asText()) < 0,
        () -> c + ": unsafe text in the error JSON: " + n));
    tree.get("violations").forEach(v -> v.forEach(t -> assertEquals(-1,
        Text.firstUnsafe(t.asText()), () -> c + ": unsafe text in a violation: " + t)));
    assertEquals(err, ScoringJson.readResult(json), c::toString);
  }

  private static void assertSafe(Case c, String s) {
    assertEquals(-1, Text.firstUnsafe(s), () -> c + ": unsafe character in: " + s);
    assertTrue(s.codePointCount(0, s.length()) <= InvalidRequestException.MAX_MESSAGE_LENGTH,
        () -> c + ": " + s.length() + " characters");
  }

  /**
   * Thousands of deterministic byte mutations of a valid request (flips, deletions, insertions
   * of bytes that matter to JSON and UTF-8, duplicated spans): whatever they produce, a read
   * either succeeds or throws {@link InvalidRequestException}, and what reads scores without an
   * undocumented exception.
   */
  @Test
  void randomMutationsOfAValidRequestOnlyEverGiveDocumentedOutcomes() {
    byte[] base = ScoringJson.writeRequest(valid);
    byte[] special = {0, '"', '\\', '{', '}', '[', ']', ':', ',', 'n', '-', 'e', '.', '1',
        (byte) 0x80, (byte) 0xC0, (byte) 0xC1, (byte) 0xE0, (byte) 0xED, (byte) 0xF0,
        (byte) 0xF4, (byte) 0xFE, (byte) 0xFF, '\n', 0x7F};
    Random rnd = new Random(20261201L);
    int read = 0;
    int refused = 0;
    for (int i = 0; i < 5000; i++) {
      byte[] b = base.clone();
      for (int m = 1 + rnd.nextInt(3); m > 0; m--) {
        b = mutate(b, rnd, special);
      }
      try {
        ScoringRequest r = ScoringJson.readRequest(b);
        read++;
        try {
          scorer.score(r);
        } catch (InvalidRequestException e) {
          assertEquals(-1, Text.firstUnsafe(e.getMessage()), e.getMessage());
        }
        ScoringResult result = scorer.scoreAll(List.of(r)).get(0);
        assertTrue(ScoringJson.write(result).length <= MAX_ERROR_JSON_BYTES);
      } catch (InvalidRequestException e) {
        refused++;
        assertEquals(-1, Text.firstUnsafe(e.getMessage()), e.getMessage());
        assertTrue(e.violations().size() <= InvalidRequestException.MAX_VIOLATIONS);
      } catch (RuntimeException | Error e) {
        throw new AssertionError("mutation " + i + " (" + hex(b) + "): undocumented " + e, e);
      }
    }
    assertEquals(5000, read + refused);
    assertTrue(read > 100 && refused > 1000, read + " read, " + refused + " refused");
  }

  private static byte[] mutate(byte[] b, Random rnd, byte[] special) {
    int at = rnd.nextInt(b.length);
    switch (rnd.nextInt(5)) {
      case 0 -> {
        byte[] c = b.clone();
        c[at] ^= (byte) (1 << rnd.nextInt(8));
        return c;
      }
      case 1 -> {
        byte[] c = b.clone();
        c[at] = special[rnd.nextInt(special.length)];
        return c;
      }
      case 2 -> {
        byte[] c = new byte[b.length + 1];
        System.arraycopy(b, 0, c, 0, at);
        c[at] = special[rnd.nextInt(special.length)];
        System.arraycopy(b, at, c, at + 1, b.length - at);
        return c;
      }
      case 3 -> {
        if (b.length < 2) {
          return b;
        }
        byte[] c = new byte[b.length - 1];
        System.arraycopy(b, 0, c, 0, at);
        System.arraycopy(b, at + 1, c, at, b.length - at - 1);
        return c;
      }
      default -> {
        int len = Math.min(b.length - at, 1 + rnd.nextInt(16));
        byte[] c = new byte[b.length + len];
        System.arraycopy(b, 0, c, 0, at + len);
        System.arraycopy(b, at, c, at + len, b.length - at);
        return c;
      }
    }
  }

  private static String hex(byte[] b) {
    StringBuilder sb = new StringBuilder();
    for (byte x : b) {
      sb.append(String.format("%02X", x & 0xFF));
    }
    return sb.toString();
  }
}
