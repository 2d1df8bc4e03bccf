package pe.agriscore.internal;

/**
 * Makes request-controlled text safe to echo in messages, logs and error documents. Not public
 * API.
 *
 * <p>Safe means: no character that can forge or hide log lines or reorder what a reader sees
 * (controls such as a newline, format characters such as the bidirectional overrides, line and
 * paragraph separators, unpaired surrogates), and a bounded length cut on a code-point boundary,
 * so that a truncated echo never ends in half a surrogate pair.
 */
public final class Text {

  private static final String ELLIPSIS = "...";
  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private Text() {}

  /**
   * {@code true} for a character that must not appear raw in a message: a control character
   * (C0, DEL, C1), a format character (bidi controls, zero-width characters, the byte order
   * mark...), a line or paragraph separator, or an unpaired surrogate.
   */
  public static boolean isUnsafe(int codePoint) {
    return switch (Character.getType(codePoint)) {
      case Character.CONTROL, Character.FORMAT, Character.LINE_SEPARATOR,
          Character.PARAGRAPH_SEPARATOR, Character.SURROGATE -> true;
      default -> false;
    };
  }

  /**
   * {@code s} with every unsafe character written as a Java/JSON escape {@code \}{@code uXXXX}
   * (a supplementary character as its two escaped halves). Returns {@code s} itself when it is
   * already safe, so the common case allocates nothing.
   */
  public static String escape(String s) {
    int i = firstUnsafe(s);
    if (i < 0) {
      return s;
    }
    StringBuilder sb = new StringBuilder(s.length() + 16).append(s, 0, i);
    while (i < s.length()) {
      int cp = s.codePointAt(i);
      int n = Character.charCount(cp);
      if (isUnsafe(cp)) {
        for (int k = i; k < i + n; k++) {
          char c = s.charAt(k);
          sb.append('\\').append('u').append(HEX[c >> 12]).append(HEX[(c >> 8) & 0xF])
              .append(HEX[(c >> 4) & 0xF]).append(HEX[c & 0xF]);
        }
      } else {
        sb.append(s, i, i + n);
      }
      i += n;
    }
    return sb.toString();
  }

  /** The index of the first unsafe character of {@code s}, or -1. */
  public static int firstUnsafe(String s) {
    for (int i = 0; i < s.length(); ) {
      char c = s.charAt(i);
      if (c >= 0x20 && c < 0x7F) {
        i++;  // printable ASCII, the usual id and level: no table lookup
        continue;
      }
      int cp = s.codePointAt(i);
      if (isUnsafe(cp)) {
        return i;
      }
      i += Character.charCount(cp);
    }
    return -1;
  }

  /**
   * {@code s} cut to at most {@code maxCodePoints} code points, ending in {@code ...} when cut.
   * The cut falls between code points, never inside a surrogate pair. Idempotent.
   *
   * @param maxCodePoints at least 4
   */
  public static String truncate(String s, int maxCodePoints) {
    if (s.length() <= maxCodePoints || s.codePointCount(0, s.length()) <= maxCodePoints) {
      return s;
    }
    int end = s.offsetByCodePoints(0, maxCodePoints - ELLIPSIS.length());
    return s.substring(0, end) + ELLIPSIS;
  }

  /** {@link #escape} then {@link #truncate}: the form in which request text is echoed. */
  public static String safe(String s, int maxCodePoints) {
    return truncate(escape(s), maxCodePoints);
  }

  /**
   * An echo of a request value in a message: {@code "value"} escaped and cut to {@code
   * maxCodePoints}, with its full length when cut, e.g. {@code "abcdef..." (2000 characters)}.
   */
  public static String quote(String s, int maxCodePoints) {
    String escaped = escape(s);
    String cut = truncate(escaped, maxCodePoints);
    return cut == escaped ? '"' + cut + '"'
        : '"' + cut + "\" (" + s.codePointCount(0, s.length()) + " characters)";
  }
}
