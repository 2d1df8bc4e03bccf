package pe.agriscore.engine;

import java.util.Optional;
import pe.agriscore.internal.CloseGuard;
import pe.agriscore.scoring.BundleException;

/**
 * The core's guard around every engine's model: what each engine would otherwise do itself.
 * Checks each call's rows against the width, applies the sigmoid to a {@code logit} output, and
 * holds a read-write lock that every call takes shared and {@link #close()} exclusively, so the
 * engine frees its memory only when no call runs and exactly once; calls that start after close
 * fail.
 */
final class GuardedModel implements ScoringModel {

  private final ScoringModel engineModel;
  private final String description;
  private final int width;
  private final boolean logit;
  private final CloseGuard guard;

  private GuardedModel(ScoringModel engineModel, ModelFiles files) {
    this.engineModel = engineModel;
    this.description = files.description();
    this.width = files.inputWidth();
    this.logit = files.outputKind() == ModelFiles.OutputKind.LOGIT;
    this.guard = new CloseGuard(() -> new EngineException(description + " is closed"));
  }

  /**
   * Guards {@code model}, after checking it takes the width the schema encodes.
   *
   * @throws BundleException naming the model file if the width differs (the model is closed)
   */
  static ScoringModel wrap(ScoringModel model, ModelFiles files) {
    if (model.inputWidth() != files.inputWidth()) {
      try {
        model.close();
      } catch (RuntimeException e) {
        // The refusal below is what the caller needs; the close failure travels with it.
        BundleException refusal = widthRefusal(model, files);
        refusal.addSuppressed(e);
        throw refusal;
      }
      throw widthRefusal(model, files);
    }
    return new GuardedModel(model, files);
  }

  private static BundleException widthRefusal(ScoringModel model, ModelFiles files) {
    return files.refusal("the model takes " + model.inputWidth()
        + " inputs but schema.json and preprocessing.json encode " + files.inputWidth());
  }

  @Override
  public int inputWidth() {
    return width;
  }

  @Override
  public double[] predict(float[] rows, int rowCount) {
    if (rows == null || rowCount < 0 || (long) rowCount * width > rows.length) {
      throw new EngineException(description + " takes rows of " + width + " floats: "
          + rowCount + " rows need " + (long) rowCount * width + " floats, got "
          + (rows == null ? "none" : rows.length));
    }
    return guard.call(() -> {
      if (rowCount == 0) {
        return new double[0];
      }
      double[] out = engineModel.predict(rows, rowCount);
      if (logit && out != null) {
        // NaN stays NaN, so the core still refuses it; infinite log-odds become 0 or 1.
        for (int i = 0; i < out.length; i++) {
          out[i] = 1 / (1 + Math.exp(-out[i]));
        }
      }
      return out;
    });
  }

  /** A sum of column terms in log-odds stays one under the sigmoid: the coefficients hold. */
  @Override
  public Optional<double[]> logOddsCoefficients() {
    return engineModel.logOddsCoefficients();
  }

  @Override
  public void close() {
    guard.close(engineModel::close);
  }

  @Override
  public String toString() {
    return engineModel.toString();
  }
}
