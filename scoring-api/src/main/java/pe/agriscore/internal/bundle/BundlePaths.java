package pe.agriscore.internal.bundle;

/**
 * The one rule for a path inside a bundle, wherever it comes from (a {@code files} key, the
 * manifest's {@code model}, a zip entry, a file found in a bundle directory): relative to the
 * bundle root, {@code /}-separated, with no empty, {@code .} or {@code ..} segment, no
 * backslash, colon or control character. Such a path cannot leave the bundle.
 */
final class BundlePaths {

  private BundlePaths() {}

  /** What is wrong with {@code path} as a bundle path, or {@code null} if nothing is. */
  static String problem(String path) {
    if (path == null || path.isEmpty()) {
      return "is empty";
    }
    if (path.startsWith("./")) {
      return "starts with './': write paths relative to the bundle root without it (as '"
          + display(path.replaceFirst("^(\\./)+", "")) + "')";
    }
    if (path.startsWith("/")) {
      return "is an absolute path: bundle paths are relative to the bundle root";
    }
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        return String.format("contains the control character U+%04X", (int) c);
      }
      if (c == '\\') {
        return "contains '\\': the separator is '/'";
      }
      if (c == ':') {
        return "contains ':' (a drive letter or stream name)";
      }
    }
    for (String segment : path.split("/", -1)) {
      if (segment.isEmpty()) {
        return "has an empty segment ('//' or a trailing '/')";
      }
      if (segment.equals("..")) {
        return "has a '..' segment: bundle paths may not leave the bundle";
      }
      if (segment.equals(".")) {
        return "has a '.' segment";
      }
    }
    return null;
  }

  /** {@code path} for an error message: control characters escaped, at most 200 chars. */
  static String display(String path) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < path.length() && sb.length() < 200; i++) {
      char c = path.charAt(i);
      if (c < 0x20 || c == 0x7f || Character.getType(c) == Character.FORMAT) {
        sb.append(String.format("\\u%04X", (int) c));
      } else {
        sb.append(c);
      }
    }
    return sb.length() >= 200 ? sb + "..." : sb.toString();
  }
}
