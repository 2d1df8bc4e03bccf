package pe.agriscore.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

class TextTest {

  private static final String EMOJI = "\uD83D\uDE00";

  @Test
  void safeTextIsReturnedAsIs() {
    String s = "PE-1 potato " + EMOJI + " ñandú";
    assertSame(s, Text.escape(s));
    assertSame(s, Text.truncate(s, 100));
  }

  @Test
  void controlFormatSeparatorAndUnpairedSurrogateCharactersAreEscaped() {
    assertEquals("a\\u000Ab\\u000D\\u0009\\u0000\\u007F\\u0085",
        Text.escape("a\nb\r\t\u0000\u007F\u0085"));
    assertEquals("x\\u202Ey\\u2067\\u200F\\u061C\\u200B\\uFEFF\\u2028",
        Text.escape("x\u202Ey\u2067\u200F\u061C\u200B\uFEFF\u2028"));
    assertEquals("\\uD83D!\\uDE00" + EMOJI, Text.escape("\uD83D!\uDE00" + EMOJI));
    // A supplementary format character (a tag) is escaped as its two halves.
    assertEquals("\\uDB40\\uDC01", Text.escape("\uDB40\uDC01"));
  }

  @Test
  void truncationNeverSplitsASurrogatePairAndIsIdempotent() {
    String s = "x".repeat(39) + EMOJI.repeat(5);
    String cut = Text.truncate(s, 40);
    assertEquals("x".repeat(37) + "...", cut);
    assertEquals(40, cut.codePointCount(0, cut.length()));
    assertSame(cut, Text.truncate(cut, 40));
    String emojis = Text.truncate(EMOJI.repeat(50), 10);
    assertEquals(EMOJI.repeat(7) + "...", emojis);
  }

  @Test
  void aQuotedEchoGivesTheFullLengthWhenCut() {
    assertEquals("\"potato\"", Text.quote("potato", 40));
    assertEquals("\"" + "y".repeat(37) + "...\" (41 characters)", Text.quote("y".repeat(41), 40));
    assertEquals("\"a\\u000Ab\"", Text.quote("a\nb", 40));
  }
}
