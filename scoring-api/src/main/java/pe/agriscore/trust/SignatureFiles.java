package pe.agriscore.trust;

/**
 * Where signatures live in a bundle: {@code model.sig} at the root (the OpenSSF tool's default
 * name) and {@code signatures/<name>.sig} (AgriScore writes {@code signatures/<key id>.sig}).
 * These paths are outside the signing scope and outside {@code manifest.json}'s {@code files}.
 */
public final class SignatureFiles {

  /** The OpenSSF {@code model_signing} tool's default signature file name. */
  public static final String MODEL_SIG = "model.sig";

  /** The directory of further signatures. */
  public static final String DIRECTORY = "signatures";

  private SignatureFiles() {}

  /** Whether {@code path} (a bundle path) is a signature file. */
  public static boolean isSignature(String path) {
    if (path.equals(MODEL_SIG)) {
      return true;
    }
    if (!path.startsWith(DIRECTORY + "/") || !path.endsWith(".sig")) {
      return false;
    }
    String name = path.substring(DIRECTORY.length() + 1);
    return name.length() > ".sig".length() && name.indexOf('/') < 0;
  }

  /** The path AgriScore writes a signature by the key {@code keyId} to. */
  public static String forKey(String keyId) {
    return DIRECTORY + "/" + keyId + ".sig";
  }
}
