package pe.agriscore.scoring;

/**
 * The root of AgriScore's exceptions. Unchecked, like Jackson's and Kafka's: callers catch the
 * specific subclasses they can act on.
 */
public class AgriScoreException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** With a message. */
  public AgriScoreException(String message) {
    super(message);
  }

  /** With a message and a cause. */
  public AgriScoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
