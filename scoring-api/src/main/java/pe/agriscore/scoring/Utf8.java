package pe.agriscore.scoring;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Checks that a payload is well-formed UTF-8 (RFC 3629) before the JSON parser sees it. Jackson
 * guesses UTF-16 and UTF-32 from NUL bytes and byte order marks, skips a UTF-8 byte order mark,
 * and decodes overlong forms ({@code C0 80} to NUL, {@code C1 A3} to "c"), so two different byte
 * strings could read as the same request; the wire format is UTF-8 and nothing else.
 */
final class Utf8 {

  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long HIGH_BITS = 0x8080808080808080L;
  private static final long LOW_BITS = 0x0101010101010101L;

  private Utf8() {}

  /** Why {@code b} is not UTF-8 JSON text, or {@code null} when it is. */
  static String problem(byte[] b) {
    int n = b.length;
    if (n >= 2 && ((b[0] == (byte) 0xFE && b[1] == (byte) 0xFF)
        || (b[0] == (byte) 0xFF && b[1] == (byte) 0xFE))) {
      return "the payload starts with a UTF-16 or UTF-32 byte order mark: the wire format is"
          + " UTF-8";
    }
    if (n >= 4 && b[0] == 0 && b[1] == 0 && b[2] == (byte) 0xFE && b[3] == (byte) 0xFF) {
      return "the payload starts with a UTF-32 byte order mark: the wire format is UTF-8";
    }
    if (n >= 3 && b[0] == (byte) 0xEF && b[1] == (byte) 0xBB && b[2] == (byte) 0xBF) {
      return "the payload starts with a byte order mark: the wire format is UTF-8 without one";
    }
    int i = 0;
    while (i < n) {
      // Fast path: eight ASCII bytes, none of them NUL, at a time.
      if (i + 8 <= n) {
        long w = (long) LONGS.get(b, i);
        if (((w | ((w - LOW_BITS) & ~w)) & HIGH_BITS) == 0) {
          i += 8;
          continue;
        }
      }
      int c = b[i] & 0xFF;
      if (c == 0) {
        return i < 4 ? "the payload contains NUL bytes, as UTF-16 or UTF-32 text does: the wire"
            + " format is UTF-8" : "the payload contains a NUL byte at offset " + i
            + ": JSON text never does (a NUL in a string is written \\u0000)";
      }
      if (c < 0x80) {
        i++;
        continue;
      }
      int len = sequenceLength(b, i);
      if (len < 0) {
        return "the payload is not valid UTF-8: " + describe(b, i) + " at byte offset " + i;
      }
      i += len;
    }
    return null;
  }

  /** The length of the well-formed sequence at {@code i}, or -1 (RFC 3629, table 3-7). */
  private static int sequenceLength(byte[] b, int i) {
    int c = b[i] & 0xFF;
    int len;
    int lo = 0x80;
    int hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      if (c == 0xE0) {
        lo = 0xA0;
      } else if (c == 0xED) {
        hi = 0x9F;
      }
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      if (c == 0xF0) {
        lo = 0x90;
      } else if (c == 0xF4) {
        hi = 0x8F;
      }
    } else {
      return -1;
    }
    if (i + len > b.length) {
      return -1;
    }
    int second = b[i + 1] & 0xFF;
    if (second < lo || second > hi) {
      return -1;
    }
    for (int k = 2; k < len; k++) {
      if ((b[i + k] & 0xC0) != 0x80) {
        return -1;
      }
    }
    return len;
  }

  private static String describe(byte[] b, int i) {
    int c = b[i] & 0xFF;
    String bytes = hex(b, i, Math.min(b.length, i + 4));
    if (c == 0xC0 || c == 0xC1 || (c == 0xE0 && i + 1 < b.length && (b[i + 1] & 0xFF) < 0xA0)
        || (c == 0xF0 && i + 1 < b.length && (b[i + 1] & 0xFF) < 0x90)) {
      return "an overlong encoding (" + bytes + ")";
    }
    if (c == 0xED && i + 1 < b.length && (b[i + 1] & 0xFF) >= 0xA0) {
      return "an encoded surrogate (" + bytes + ")";
    }
    if (c >= 0xF8) {
      return "a byte that never appears in UTF-8 (" + bytes + ")";
    }
    if (c >= 0xF5 || (c == 0xF4 && i + 1 < b.length && (b[i + 1] & 0xFF) > 0x8F)) {
      return "a code point above U+10FFFF (" + bytes + ")";
    }
    if (c < 0xC0) {
      return "a continuation byte without a lead byte (" + bytes + ")";
    }
    return "a truncated or broken sequence (" + bytes + ")";
  }

  private static String hex(byte[] b, int from, int to) {
    StringBuilder sb = new StringBuilder();
    for (int k = from; k < to; k++) {
      sb.append(k == from ? "" : " ").append(String.format("%02X", b[k] & 0xFF));
    }
    return sb.toString();
  }
}
