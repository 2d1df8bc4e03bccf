package pe.agriscore.scoring;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The hand-written texts of {@link ScoringJson} are what the general code writes: reason points,
 * a score's repeated texts once cached (the first write is Jackson's own, the third the cached
 * bytes), and the ISO texts (dates and instants in scores and errors, the
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

  @Test
  void reasonPointsAreWrittenAsDoubleToStringWritesThem() {
    for (long k = -300_000; k <= 300_000; k++) {
      double v = k / 100.0;
      assertEquals(k == 0 ? null : Double.toString(v), ScoringJson.hundredths(v), "k=" + k);
    }
    Random rnd = new Random(3);
    for (int i = 0; i < 200_000; i++) {
      double v = (rnd.nextLong() % 1_000_000_000L) / 100.0;
      String text = ScoringJson.hundredths(v);
      assertEquals(v == 0 || Math.abs(v) >= 1e7 ? null : Double.toString(v), text, "v=" + v);
    }
    for (double v : new double[] {0.0, -0.0, Double.NaN, 1e7, -1e7, 0.001, 1.0 / 3, 1e300,
        Double.POSITIVE_INFINITY, 2.345}) {
      assertEquals(null, ScoringJson.hundredths(v), "v=" + v);
    }
  }

  @Test
  void scoreTextsWriteTheSameBytesOnceTheyAreCached() {
    Random rnd = new Random(5);
    String alphabet = "aZ09 -_.é€\"\\\n\t\u0001\u007f\u2028\ud83d\ude00\ud800";
    for (int i = 0; i < 300; i++) {
      String[] t = new String[7];
      for (int j = 0; j < t.length; j++) {
        StringBuilder sb = new StringBuilder("t" + i + "-" + j + ":");
        for (int n = rnd.nextInt(12); n > 0; n--) {
          sb.append(alphabet.charAt(rnd.nextInt(alphabet.length())));
        }
        t[j] = sb.toString();
      }
      CreditScore score = new CreditScore("PE-" + i, LocalDate.of(2026, 11, 1), 0.25, 600, t[0],
          java.util.List.of(new ReasonCode(1, t[1], t[2], -12.5, t[3], t[4])), t[5], t[6],
          Instant.parse("2026-12-02T06:00:00.123Z"));
      byte[] first = ScoringJson.write(score);
      byte[] second = ScoringJson.write(score);
      byte[] third = ScoringJson.write(score);
      org.junit.jupiter.api.Assertions.assertArrayEquals(first, second);
      org.junit.jupiter.api.Assertions.assertArrayEquals(first, third);
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
