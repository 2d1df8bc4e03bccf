package pe.agriscore.scoring;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The hand-written ISO texts of {@link ScoringJson} (dates and instants in scores and errors, the
 * as-of date of a request) are exactly what {@code java.time} writes and reads.
 */
class WireTextTest {

  @Test
  void instantsAreWrittenAsInstantToStringWrites() {
    Random rnd = new Random(7);
    for (int i = 0; i < 50_000; i++) {
      long seconds = switch (i % 4) {
        case 0 -> rnd.nextLong() % 400_000_000_000L;  // negative years and beyond 9999 too
        case 1 -> Math.floorMod(rnd.nextLong(), 253_402_300_800L);
        default -> 1_700_000_000L + rnd.nextInt(200_000_000);
      };
      int nanos = switch (rnd.nextInt(5)) {
        case 0 -> 0;
        case 1 -> rnd.nextInt(1000) * 1_000_000;
        case 2 -> rnd.nextInt(1_000_000) * 1000;
        default -> rnd.nextInt(1_000_000_000);
      };
      Instant t = Instant.ofEpochSecond(seconds, nanos);
      assertEquals(t.toString(), ScoringJson.instantText(t));
    }
    for (Instant t : new Instant[] {Instant.EPOCH, Instant.parse("9999-12-31T23:59:59.999999999Z"),
        Instant.parse("+10000-01-01T00:00:00Z"), Instant.ofEpochSecond(-1), Instant.MAX,
        Instant.MIN, Instant.parse("2024-02-29T12:00:00.100Z")}) {
      assertEquals(t.toString(), ScoringJson.instantText(t));
    }
  }

  @Test
  void asOfDatesAreReadAsLocalDateParseReadsThem() {
    Random rnd = new Random(11);
    String alphabet = "0123456789-+ /\u0660x";
    for (int i = 0; i < 100_000; i++) {
      char[] c;
      if (i % 3 == 0) {
        c = new char[10];
        for (int k = 0; k < 10; k++) {
          c[k] = alphabet.charAt(rnd.nextInt(alphabet.length()));
        }
      } else {
        // Near-valid dates: every year, month 00-13, day 00-32.
        c = String.format("%04d-%02d-%02d", rnd.nextInt(10_000), rnd.nextInt(14),
            rnd.nextInt(33)).toCharArray();
        if (i % 7 == 0) {
          c[rnd.nextInt(10)] = alphabet.charAt(rnd.nextInt(alphabet.length()));
        }
      }
      String text = new String(c);
      assertEquals(javaTime(text), ScoringJson.isoDate(text), text);
    }
    for (String text : new String[] {"2024-02-29", "2023-02-29", "1900-02-29", "2000-02-29",
        "0000-01-01", "+999-01-01", "-999-01-01", "2026-1-1", "2026-11-01", "2026-11-31"}) {
      assertEquals(javaTime(text), ScoringJson.isoDate(text), text);
    }
  }

  @Test
  void theAsciiShortcutOfTheSafetyCheckAgreesWithTheCharacterTable() {
    for (int c = 0; c < 0x80; c++) {
      String s = "ab" + (char) c + "cd";
      assertEquals(pe.agriscore.internal.Text.isUnsafe(c) ? 2 : -1,
          pe.agriscore.internal.Text.firstUnsafe(s), "U+" + Integer.toHexString(c));
    }
  }

  private static LocalDate javaTime(String text) {
    try {
      return text.length() == 10 ? LocalDate.parse(text) : null;
    } catch (java.time.format.DateTimeParseException e) {
      return null;
    }
  }
}
