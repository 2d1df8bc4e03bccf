package pe.agriscore.samples.training;

import java.util.List;
import pe.agriscore.internal.bundle.Encoder;

/**
 * Rows encoded for a model: the float matrix every engine scores and every trainer fits, with the
 * outcomes beside it.
 *
 * <pre>{@code
 * EncodedRows train = EncodedRows.encode(encoder, split.train());
 * float first = train.x()[0];          // row 0, column 0
 * }</pre>
 *
 * @param x row-major values, {@code rows * width}
 * @param y outcomes, 0 or 1, one per row
 * @param width columns per row
 */
public record EncodedRows(float[] x, int[] y, int width) {

  /** Validates the shape. */
  public EncodedRows {
    if (width < 1 || x.length != (long) y.length * width) {
      throw new IllegalArgumentException(
          "x has " + x.length + " values; expected " + y.length + " rows x " + width);
    }
  }

  /**
   * Encodes rows with the encoder a bundle will use, so training sees bit-identical inputs to
   * scoring.
   *
   * @throws pe.agriscore.scoring.InvalidRequestException if a row is invalid (validated data
   *     never is)
   */
  public static EncodedRows encode(Encoder encoder, List<LabeledRow> rows) {
    int w = encoder.width();
    float[] x = new float[rows.size() * w];
    int[] y = new int[rows.size()];
    for (int i = 0; i < rows.size(); i++) {
      encoder.encode(rows.get(i).request(), x, i * w);
      y[i] = rows.get(i).defaulted();
    }
    return new EncodedRows(x, y, w);
  }

  /** The number of rows. */
  public int rows() {
    return y.length;
  }
}
