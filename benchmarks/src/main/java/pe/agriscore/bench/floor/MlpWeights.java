package pe.agriscore.bench.floor;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.tensorflow.GraphOperation;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.Signature;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;

/**
 * The weights of a reference MLP ({@code width -> hidden... -> 1}, ReLU between layers, sigmoid
 * at the end), read out of the model file the engine scores, for {@link JavaMlp}.
 *
 * <pre>{@code
 * MlpWeights w = MlpWeights.fromTorchScript(djlModel);   // pytorch bundle
 * MlpWeights w = MlpWeights.fromSavedModel(bundle.modelPath(), new String[] {"serve"},
 *     "serving_default", "probability");                 // tensorflow bundle
 * }</pre>
 *
 * <p><b>TorchScript</b>: DJL's {@code PtSymbolBlock} lists the module's named parameters in
 * module order ({@code net.0.weight}, {@code net.0.bias}, {@code net.2.weight}...), each {@code
 * nn.Linear} weight {@code [out, in]} followed by its bias; the activations are not in the
 * parameters (ReLU and sigmoid are what the training script builds). <b>SavedModel</b>: the
 * {@code org.tensorflow} API walks the graph from the signature's output and fetches the kernels
 * ({@code [in, out]}, transposed here) and biases it finds, checking the activations on the way
 * (see {@link #fromSavedModel}). {@code BaselinesTest} checks the Java forward pass against the
 * golden cases and the engines to 1e-5.
 *
 * @param layers input to output
 */
public record MlpWeights(List<Layer> layers) {

  /**
   * One dense layer.
   *
   * @param in inputs
   * @param out outputs
   * @param weights row-major {@code [out][in]}: output {@code j}'s weights are contiguous
   * @param bias {@code out} biases
   */
  public record Layer(int in, int out, float[] weights, float[] bias) {
    /** Checks the sizes. */
    public Layer {
      if (weights.length != in * out || bias.length != out) {
        throw new IllegalArgumentException("layer " + in + " -> " + out + " needs " + in * out
            + " weights and " + out + " biases, got " + weights.length + " and " + bias.length);
      }
    }
  }

  /** Checks that the layers chain and end in one output. */
  public MlpWeights {
    if (layers.isEmpty()) {
      throw new IllegalArgumentException("no layers");
    }
    for (int i = 1; i < layers.size(); i++) {
      if (layers.get(i).in() != layers.get(i - 1).out()) {
        throw new IllegalArgumentException("layer " + i + " takes " + layers.get(i).in()
            + " inputs but layer " + (i - 1) + " gives " + layers.get(i - 1).out());
      }
    }
    if (layers.get(layers.size() - 1).out() != 1) {
      throw new IllegalArgumentException("the last layer must have one output");
    }
    layers = List.copyOf(layers);
  }

  /** Inputs of the first layer. */
  public int width() {
    return layers.get(0).in();
  }

  /**
   * From a TorchScript model loaded in DJL's PyTorch engine.
   *
   * @throws IllegalArgumentException if the parameters are not weight/bias pairs of a chain
   */
  public static MlpWeights fromTorchScript(Model model) {
    List<Pair<String, Parameter>> params = new ArrayList<>();
    model.getBlock().getParameters().forEach(params::add);
    if (params.isEmpty() || params.size() % 2 != 0) {
      throw new IllegalArgumentException("expected weight/bias pairs, got parameters "
          + names(params));
    }
    List<Layer> layers = new ArrayList<>();
    for (int i = 0; i < params.size(); i += 2) {
      NDArray w = params.get(i).getValue().getArray();
      NDArray b = params.get(i + 1).getValue().getArray();
      if (w.getShape().dimension() != 2 || b.getShape().dimension() != 1) {
        throw new IllegalArgumentException("expected a 2-D weight then a 1-D bias, got "
            + params.get(i).getKey() + " " + w.getShape() + " and " + params.get(i + 1).getKey()
            + " " + b.getShape());
      }
      int out = (int) w.getShape().get(0);
      int in = (int) w.getShape().get(1);
      layers.add(new Layer(in, out, w.toFloatArray(), b.toFloatArray()));
    }
    return new MlpWeights(layers);
  }

  /**
   * From a SavedModel, by walking its graph back from the signature's output: {@code Sigmoid}
   * of a dense layer, each dense layer a {@code MatMul} plus a bias ({@code BiasAdd}, {@code Add}
   * or {@code AddV2}) whose input is a {@code Relu} of the layer below or the input placeholder.
   * The weights are the tensors the graph multiplies and adds, fetched from the loaded session,
   * so the variable kind (ref, resource or constant) and the op names do not matter. TensorFlow
   * must be started (load the bundle through the {@code tensorflow} engine once).
   *
   * @param dir the SavedModel directory
   * @param tags the meta graph's tags, e.g. {@code serve}
   * @param signature the signature key, e.g. {@code serving_default}
   * @param output the signature's output key, e.g. {@code probability}
   * @throws IllegalArgumentException naming the op where the graph is not such an MLP
   */
  public static MlpWeights fromSavedModel(Path dir, String[] tags, String signature,
      String output) {
    try (SavedModelBundle saved = SavedModelBundle.load(dir.toString(), tags)) {
      Signature sig = saved.signatures().stream().filter(s -> s.key().equals(signature))
          .findFirst().orElseThrow(() -> new IllegalArgumentException(dir + " has no signature '"
              + signature + "'"));
      Signature.TensorDescription out = sig.getOutputs().get(output);
      if (out == null) {
        throw new IllegalArgumentException("signature '" + signature + "' has no output '"
            + output + "' (has " + sig.outputNames() + ")");
      }
      GraphOperation op = (GraphOperation) saved.graph().outputOrThrow(out.name).op();
      expect(op, "Sigmoid");
      Output<?> z = op.input(0);
      List<Layer> layers = new ArrayList<>();
      while (true) {
        GraphOperation add = (GraphOperation) z.op();
        expect(add, "BiasAdd", "Add", "AddV2");
        boolean matmulFirst = add.input(0).op().type().equals("MatMul");
        GraphOperation matmul = (GraphOperation) add.input(matmulFirst ? 0 : 1).op();
        expect(matmul, "MatMul");
        if (matmul.attributes().getAttrBool("transpose_a")
            || matmul.attributes().getAttrBool("transpose_b")) {
          throw new IllegalArgumentException(matmul.name() + " transposes an operand");
        }
        float[][] kernel = fetch(saved.session(), matmul.input(1));
        float[][] bias = fetch(saved.session(), add.input(matmulFirst ? 1 : 0));
        int in = (int) kernel[1][0];
        int outs = (int) kernel[1][1];
        float[] transposed = new float[in * outs];
        for (int i = 0; i < in; i++) {
          for (int j = 0; j < outs; j++) {
            transposed[j * in + i] = kernel[0][i * outs + j];
          }
        }
        layers.add(0, new Layer(in, outs, transposed, bias[0]));
        GraphOperation below = (GraphOperation) matmul.input(0).op();
        if (below.type().equals("Placeholder")) {
          return new MlpWeights(layers);
        }
        expect(below, "Relu");
        z = below.input(0);
      }
    }
  }

  private static void expect(GraphOperation op, String... types) {
    if (!List.of(types).contains(op.type())) {
      throw new IllegalArgumentException("not a dense ReLU/sigmoid MLP: op '" + op.name()
          + "' is " + op.type() + ", expected " + String.join(" or ", types));
    }
  }

  /** The tensor's float values and, as floats, its shape. */
  private static float[][] fetch(Session session, Output<?> tensor) {
    try (Result result = session.runner().fetch(tensor).run()) {
      Tensor t = result.get(0);
      if (!(t instanceof TFloat32 f)) {
        throw new IllegalArgumentException(tensor.name() + " is " + t.dataType()
            + ", not float32");
      }
      float[] values = new float[(int) f.size()];
      f.copyTo(DataBuffers.of(values, false, false));
      long[] shape = f.shape().asArray();
      float[] dims = new float[shape.length];
      for (int i = 0; i < shape.length; i++) {
        dims[i] = shape[i];
      }
      return new float[][] {values, dims};
    }
  }

  private static List<String> names(List<Pair<String, Parameter>> params) {
    return params.stream().map(Pair::getKey).toList();
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("MlpWeights[").append(width());
    layers.forEach(l -> sb.append(" -> ").append(l.out()));
    return sb.append(']').toString();
  }
}
