package pe.agriscore.trust;

import pe.agriscore.scoring.BundleException;

/**
 * A bundle was refused by its {@link TrustPolicy}: the message names the file at fault and ends
 * with {@code (trust rule: <id>)}; {@link #rule()} returns the rule.
 */
public final class TrustException extends BundleException {

  private static final long serialVersionUID = 1L;

  private final TrustRule rule;

  /**
   * @param file the bundle file at fault (a signature file or a signed file)
   * @param rule the rule that refused it
   * @param message what is wrong, without the rule suffix
   */
  public TrustException(String file, TrustRule rule, String message) {
    this(file, rule, message, null);
  }

  /** With a cause. */
  public TrustException(String file, TrustRule rule, String message, Throwable cause) {
    super(file, message + " (trust rule: " + rule.id() + ")", cause);
    this.rule = rule;
  }

  /** The rule that refused the bundle. */
  public TrustRule rule() {
    return rule;
  }
}
