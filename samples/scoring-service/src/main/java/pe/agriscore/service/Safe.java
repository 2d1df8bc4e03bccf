package pe.agriscore.service;

/** Makes caller-supplied text (a path segment, a header) safe to echo in a problem or a log. */
final class Safe {

  private static final int MAX_ECHO = 64;

  private Safe() {}

  /** At most 64 characters, every character outside printable ASCII as a {@code \\uXXXX}. */
  static String text(String s) {
    if (s == null) {
      return "null";
    }
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < s.length() && i < MAX_ECHO; i++) {
      char c = s.charAt(i);
      if (c >= 0x20 && c < 0x7f) {
        b.append(c);
      } else {
        b.append(String.format("\\u%04X", (int) c));
      }
    }
    if (s.length() > MAX_ECHO) {
      b.append("... (").append(s.length()).append(" characters)");
    }
    return b.toString();
  }
}
