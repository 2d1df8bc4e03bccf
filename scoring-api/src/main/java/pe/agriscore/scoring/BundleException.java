package pe.agriscore.scoring;

import pe.agriscore.scoring.AgriScoreException;

/**
 * A model bundle was refused: unreadable, malformed, tampered with, or failing its golden cases.
 * The message always names the bundle file (or golden case) at fault, which {@link #file()} also
 * returns.
 */
public class BundleException extends AgriScoreException {

  private static final long serialVersionUID = 1L;

  private final String file;

  /**
   * @param file the bundle file at fault, relative to the bundle root (e.g. {@code schema.json})
   * @param message what is wrong
   */
  public BundleException(String file, String message) {
    super(file + ": " + message);
    this.file = file;
  }

  /** With a cause. */
  public BundleException(String file, String message, Throwable cause) {
    super(file + ": " + message, cause);
    this.file = file;
  }

  /** The bundle file at fault, relative to the bundle root. */
  public String file() {
    return file;
  }
}
