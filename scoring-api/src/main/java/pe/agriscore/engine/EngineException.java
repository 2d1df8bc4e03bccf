package pe.agriscore.engine;

import pe.agriscore.scoring.AgriScoreException;

/** The engine failed to score, or returned something that is not a probability. */
public class EngineException extends AgriScoreException {

  private static final long serialVersionUID = 1L;

  /** With a message. */
  public EngineException(String message) {
    super(message);
  }

  /** With a message and a cause. */
  public EngineException(String message, Throwable cause) {
    super(message, cause);
  }
}
