package pe.agriscore.engine.tf;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.SavedModel;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.proto.TensorInfo;
import org.tensorflow.proto.TensorShapeProto;
import pe.agriscore.scoring.BundleException;

/**
 * The signature a bundle scores with, read from {@code saved_model.pb} and checked against the
 * manifest and the schema before TensorFlow loads anything.
 *
 * <p>Reading the protobuf first matters because DJL, given a signature key the model lacks,
 * logs a warning and silently serves the first signature it finds.
 *
 * @param key the signature key, e.g. {@code serving_default}
 * @param input the signature's only input key
 * @param width the number of floats per row the input takes
 * @param outputIndex the position of the output in DJL's outputs (sorted by key)
 * @param output the output key
 */
record SavedModelSignature(String key, String input, int width, int outputIndex, String output) {

  /** The proto file DJL and TensorFlow load. */
  static final String SAVED_MODEL_PB = "saved_model.pb";

  /**
   * Reads and checks the signature.
   *
   * @param modelDir the SavedModel directory
   * @param file the model's path inside the bundle, for error messages
   * @param tags the meta graph's tags, e.g. {@code serve}
   * @param key the signature key
   * @param input the input key the manifest names
   * @param output the output key the manifest names
   * @param width the width of the schema's encoded rows
   * @throws BundleException naming {@code file} when the model does not fit
   */
  static SavedModelSignature read(Path modelDir, String file, List<String> tags, String key,
      String input, String output, int width) {
    Path pb = modelDir.resolve(SAVED_MODEL_PB);
    if (!Files.isRegularFile(pb)) {
      throw new BundleException(file, "not a SavedModel directory: it holds no " + SAVED_MODEL_PB);
    }
    SavedModel model;
    try {
      model = SavedModel.parseFrom(Files.readAllBytes(pb));
    } catch (IOException e) {
      throw new BundleException(file, "cannot read " + SAVED_MODEL_PB + ": " + e.getMessage(), e);
    }
    MetaGraphDef graph = null;
    List<List<String>> seen = new ArrayList<>();
    for (MetaGraphDef g : model.getMetaGraphsList()) {
      List<String> t = g.getMetaInfoDef().getTagsList();
      seen.add(t);
      if (t.size() == tags.size() && t.containsAll(tags)) {
        graph = g;
        break;
      }
    }
    if (graph == null) {
      throw new BundleException(file, "no meta graph tagged " + tags + " (found " + seen
          + "); set the manifest property 'tags'");
    }
    Map<String, SignatureDef> signatures = new TreeMap<>(graph.getSignatureDefMap());
    SignatureDef sig = signatures.get(key);
    if (sig == null) {
      throw new BundleException(file, "no signature '" + key + "' (found "
          + signatures.keySet() + "); set the manifest property 'signature'");
    }
    Map<String, TensorInfo> inputs = new TreeMap<>(sig.getInputsMap());
    if (!inputs.containsKey(input) || inputs.size() != 1) {
      throw new BundleException(file, "signature '" + key + "' must take exactly one input, the"
          + " manifest's input '" + input + "', but takes " + inputs.keySet());
    }
    TensorInfo in = inputs.get(input);
    if (in.getDtype() != DataType.DT_FLOAT) {
      throw new BundleException(file, "input '" + input + "' of signature '" + key + "' is "
          + in.getDtype() + ", not DT_FLOAT");
    }
    long[] inShape = dims(in.getTensorShape());
    if (inShape == null || inShape.length != 2) {
      throw new BundleException(file, "input '" + input + "' of signature '" + key
          + "' must have shape [-1, " + width + "], not " + describe(in.getTensorShape()));
    }
    if (inShape[1] != width) {
      throw new BundleException(file, "input '" + input + "' of signature '" + key + "' takes "
          + (inShape[1] < 0 ? "rows of unknown width" : inShape[1] + " columns")
          + " but schema.json and preprocessing.json encode " + width);
    }
    Map<String, TensorInfo> outputs = new TreeMap<>(sig.getOutputsMap());
    TensorInfo out = outputs.get(output);
    if (out == null) {
      throw new BundleException(file, "signature '" + key + "' has no output '" + output
          + "' (found " + outputs.keySet() + ")");
    }
    if (out.getDtype() != DataType.DT_FLOAT && out.getDtype() != DataType.DT_DOUBLE) {
      throw new BundleException(file, "output '" + output + "' of signature '" + key + "' is "
          + out.getDtype() + ", not DT_FLOAT or DT_DOUBLE");
    }
    long[] outShape = dims(out.getTensorShape());
    boolean oneColumn = outShape != null
        && (outShape.length == 1 || outShape.length == 2 && outShape[1] == 1);
    if (!oneColumn) {
      throw new BundleException(file, "output '" + output + "' of signature '" + key
          + "' must have shape [-1, 1] or [-1] (one probability per row), not "
          + describe(out.getTensorShape()));
    }
    int outputIndex = new ArrayList<>(outputs.keySet()).indexOf(output);
    return new SavedModelSignature(key, input, width, outputIndex, output);
  }

  /** The dimensions, -1 where unknown; null if the rank is unknown. */
  private static long[] dims(TensorShapeProto shape) {
    if (shape.getUnknownRank()) {
      return null;
    }
    return shape.getDimList().stream().mapToLong(TensorShapeProto.Dim::getSize).toArray();
  }

  private static String describe(TensorShapeProto shape) {
    long[] d = dims(shape);
    return d == null ? "unknown rank" : java.util.Arrays.toString(d);
  }
}
