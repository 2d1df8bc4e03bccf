package pe.agriscore.engine.tf;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tensorflow.GraphOperation;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.Signature;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TFloat32;
import pe.agriscore.engine.internal.DenseNetwork;
import pe.agriscore.engine.internal.FastPaths.Unsupported;

/**
 * Reads a SavedModel's network into a {@link DenseNetwork}, the JVM fast path.
 *
 * <p>It walks the graph from the serving signature's output back to its input placeholder and
 * accepts exactly: {@code MatMul} (no transposes) of the value by a constant kernel {@code [in,
 * out]}; {@code BiasAdd}, {@code Add}, {@code AddV2} of the value and a constant vector (after a
 * {@code MatMul}, the layer's bias; elsewhere a per-feature shift); {@code Sub} of a constant
 * vector from the value; {@code Mul} of the value by a constant vector (a per-feature scale:
 * batch normalisation in inference as graphs without Keras compute it, {@code x * (gamma *
 * rsqrt(var + eps)) + (beta - mean * gamma * rsqrt(var + eps))}, the constants folded by
 * TensorFlow itself); {@code Relu}, {@code LeakyRelu} ({@code alpha}), {@code Tanh}, {@code
 * Sigmoid}; {@code Identity} and {@code StopGradient} (dropout in inference); and {@code
 * ConcatV2} along the last axis of the input and the value, in either order. A constant is any
 * float32 subgraph of {@code Const}, variables and arithmetic that does not depend on a
 * placeholder; its value is fetched by running the loaded session, so variables read exactly as
 * TensorFlow reads them. Anything else (a {@code Softmax}, a second input, a convolution, a
 * function call, {@code FusedBatchNormV3}, which needs a 4-D input) throws {@link Unsupported}
 * naming the op.
 */
final class SavedModelNetwork {

  /** Ops a constant operand may be computed with: reads and pure float arithmetic. */
  private static final Set<String> CONSTANT_OPS = Set.of("Const", "VariableV2", "VarHandleOp",
      "ReadVariableOp", "Identity", "Add", "AddV2", "Sub", "Mul", "RealDiv", "Rsqrt", "Sqrt",
      "Neg", "Reciprocal", "Square", "Maximum", "Minimum", "Reshape", "ExpandDims", "Squeeze");

  private final Session session;
  private final GraphOperation input;
  private final Map<GraphOperation, Boolean> dependsOnInput = new HashMap<>();

  private SavedModelNetwork(Session session, GraphOperation input) {
    this.session = session;
    this.input = input;
  }

  /**
   * Reads the network the signature computes.
   *
   * @param dir the SavedModel directory TensorFlow loaded
   * @param tags the meta graph's tags
   * @param signature the signature, already checked against the manifest
   * @param threads the process's TensorFlow thread settings, for the reading session
   * @throws Unsupported naming the first op the fast path does not implement
   */
  static DenseNetwork read(Path dir, List<String> tags, SavedModelSignature signature,
      TensorFlowNatives.Started threads) throws Unsupported {
    ConfigProto config = ConfigProto.newBuilder()
        .setIntraOpParallelismThreads(threads.intraOpThreads())
        .setInterOpParallelismThreads(threads.interOpThreads())
        .build();
    try (SavedModelBundle saved = SavedModelBundle.loader(dir.toString())
        .withTags(tags.toArray(new String[0])).withConfigProto(config).load()) {
      Signature sig = saved.signatures().stream().filter(s -> s.key().equals(signature.key()))
          .findFirst().orElseThrow(() -> new Unsupported("no signature " + signature.key()));
      Signature.TensorDescription in = sig.getInputs().get(signature.input());
      Signature.TensorDescription out = sig.getOutputs().get(signature.output());
      if (in == null || out == null) {
        throw new Unsupported("a signature without " + signature.input() + " or "
            + signature.output());
      }
      GraphOperation placeholder = (GraphOperation) saved.graph().outputOrThrow(in.name).op();
      if (!placeholder.type().equals("Placeholder")) {
        throw new Unsupported(describe(placeholder) + " as the input");
      }
      Output<?> output = saved.graph().outputOrThrow(out.name);
      return new SavedModelNetwork(saved.session(), placeholder)
          .build(output, signature.width());
    }
  }

  /** One step of the chain, input to output: an op and its constant operand, if any. */
  private record Step(GraphOperation op, Output<?> constant, boolean inputFirst) {}

  private DenseNetwork build(Output<?> output, int width) throws Unsupported {
    List<Step> steps = new ArrayList<>();
    Output<?> value = output;
    while (!value.op().equals(input)) {
      GraphOperation op = (GraphOperation) value.op();
      if (value.index() != 0) {
        throw new Unsupported("output " + value.index() + " of " + describe(op));
      }
      if (op.numControlInputs() != 0) {
        throw new Unsupported("control dependencies of " + describe(op));
      }
      switch (op.type()) {
        case "Identity", "StopGradient" -> value = op.input(0);
        case "Relu", "Tanh", "Sigmoid", "LeakyRelu" -> {
          steps.add(0, new Step(op, null, false));
          value = op.input(0);
        }
        case "MatMul" -> {
          if (op.attributes().getAttrBool("transpose_a")
              || op.attributes().getAttrBool("transpose_b")) {
            throw new Unsupported(describe(op) + ", which transposes an operand");
          }
          steps.add(0, new Step(op, constant(op, op.input(1)), false));
          value = op.input(0);
        }
        case "BiasAdd", "Add", "AddV2", "Mul" -> {
          int chain = chainOperand(op);
          steps.add(0, new Step(op, constant(op, op.input(1 - chain)), false));
          value = op.input(chain);
        }
        case "Sub" -> {
          if (!dependsOnInput(op.input(0))) {
            throw new Unsupported(describe(op) + " of the value from a constant");
          }
          steps.add(0, new Step(op, constant(op, op.input(1)), false));
          value = op.input(0);
        }
        case "ConcatV2" -> {
          if (op.numInputs() != 3 || !isAxisOne(op.input(2))) {
            throw new Unsupported(describe(op) + " of other than two values along axis 1");
          }
          boolean inputFirst = isInput(op.input(0));
          if (!inputFirst && !isInput(op.input(1))) {
            throw new Unsupported(describe(op) + " of values other than the input");
          }
          steps.add(0, new Step(op, null, inputFirst));
          value = op.input(inputFirst ? 1 : 0);
        }
        case "Placeholder" -> throw new Unsupported("a second input, " + describe(op));
        default -> throw new Unsupported(describe(op));
      }
    }
    return assemble(steps, width);
  }

  /** Builds the network from the steps, folding each MatMul's bias into its layer. */
  private DenseNetwork assemble(List<Step> steps, int width) throws Unsupported {
    DenseNetwork.Builder net = DenseNetwork.builder(width);
    try {
      for (int i = 0; i < steps.size(); i++) {
        Step s = steps.get(i);
        GraphOperation op = s.op();
        switch (op.type()) {
          case "Relu" -> net.relu();
          case "Tanh" -> net.tanh();
          case "Sigmoid" -> net.sigmoid();
          case "LeakyRelu" -> net.leakyRelu(op.attributes().getAttrFloat("alpha"));
          case "ConcatV2" -> net.concatInput(s.inputFirst());
          case "MatMul" -> {
            Fetched kernel = fetch(s.constant());
            int in = net.values();
            if (kernel.shape().length != 2 || kernel.shape()[0] != in) {
              throw new Unsupported(describe(op) + " by a kernel of shape "
                  + Arrays.toString(kernel.shape()) + " after " + in + " values");
            }
            int out = (int) kernel.shape()[1];
            double[] weights = new double[in * out];
            for (int r = 0; r < in; r++) {
              for (int c = 0; c < out; c++) {
                weights[c * in + r] = kernel.values()[r * out + c];
              }
            }
            double[] bias = new double[out];
            if (i + 1 < steps.size() && isAdd(steps.get(i + 1).op())) {
              bias = vector(steps.get(++i), out);
            }
            net.dense(out, weights, bias);
          }
          case "Mul" -> {
            int n = net.values();
            double[] scale = vector(s, n);
            double[] shift = new double[n];
            if (i + 1 < steps.size() && isAdd(steps.get(i + 1).op())) {
              shift = vector(steps.get(++i), n);
            } else if (i + 1 < steps.size() && steps.get(i + 1).op().type().equals("Sub")) {
              shift = negate(vector(steps.get(++i), n));
            }
            affine(net, scale, shift);
          }
          case "BiasAdd", "Add", "AddV2" ->
              affine(net, ones(net.values()), vector(s, net.values()));
          case "Sub" -> affine(net, ones(net.values()), negate(vector(s, net.values())));
          default -> throw new Unsupported(describe(op));
        }
      }
      return net.build();
    } catch (IllegalArgumentException e) {
      throw new Unsupported(e.getMessage());
    }
  }

  /**
   * {@code x * scale + shift} per value, as a batch norm whose statistics are the identity (mean
   * 0, variance 1, epsilon 0): the builder then folds it to exactly {@code scale} and {@code
   * shift}, which TensorFlow computed from the graph's constants.
   */
  private static void affine(DenseNetwork.Builder net, double[] scale, double[] shift) {
    int n = scale.length;
    net.batchNorm(scale, shift, new double[n], ones(n), 0);
  }

  private static boolean isAdd(GraphOperation op) {
    return switch (op.type()) {
      case "BiasAdd", "Add", "AddV2" -> true;
      default -> false;
    };
  }

  private static double[] ones(int n) {
    double[] d = new double[n];
    Arrays.fill(d, 1);
    return d;
  }

  private static double[] negate(double[] v) {
    double[] d = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      d[i] = -v[i];
    }
    return d;
  }

  /** The step's constant as {@code n} values: shape {@code [n]}, {@code [1, n]}, scalar or 1. */
  private double[] vector(Step s, int n) throws Unsupported {
    Fetched f = fetch(s.constant());
    long size = f.values().length;
    long[] shape = f.shape();
    boolean row = shape.length == 1 || shape.length == 2 && shape[0] == 1;
    if (!(size == 1 && shape.length <= 2) && !(row && size == n)) {
      throw new Unsupported(describe(s.op()) + " with a constant of shape "
          + Arrays.toString(shape) + " on " + n + " values");
    }
    double[] d = new double[n];
    for (int i = 0; i < n; i++) {
      d[i] = f.values()[size == 1 ? 0 : i];
    }
    return d;
  }

  /** Which operand of a binary op carries the value; the other must be constant. */
  private int chainOperand(GraphOperation op) throws Unsupported {
    boolean first = dependsOnInput(op.input(0));
    boolean second = dependsOnInput(op.input(1));
    if (first == second) {
      throw new Unsupported(describe(op) + (first ? " of two values" : " of no value"));
    }
    return first ? 0 : 1;
  }

  /** The constant operand {@code operand} of {@code op}, checked to be computable alone. */
  private Output<?> constant(GraphOperation op, Output<?> operand) throws Unsupported {
    checkConstant(op, (GraphOperation) operand.op(), 0);
    return operand;
  }

  private void checkConstant(GraphOperation user, GraphOperation op, int depth)
      throws Unsupported {
    if (depth > 64 || !CONSTANT_OPS.contains(op.type())) {
      throw new Unsupported(describe(user) + " with an operand computed by " + describe(op));
    }
    for (int i = 0; i < op.numInputs(); i++) {
      checkConstant(user, (GraphOperation) op.input(i).op(), depth + 1);
    }
  }

  /** Whether the input placeholder is among {@code value}'s ancestors. */
  private boolean dependsOnInput(Output<?> value) {
    GraphOperation op = (GraphOperation) value.op();
    Boolean known = dependsOnInput.get(op);
    if (known != null) {
      return known;
    }
    dependsOnInput.put(op, false); // graphs are acyclic; this only stops a malformed one
    boolean depends = op.equals(input);
    for (int i = 0; !depends && i < op.numInputs(); i++) {
      depends = dependsOnInput(op.input(i));
    }
    dependsOnInput.put(op, depends);
    return depends;
  }

  /** Whether {@code value} is the input placeholder itself, possibly through identities. */
  private boolean isInput(Output<?> value) {
    GraphOperation op = (GraphOperation) value.op();
    while (op.type().equals("Identity") || op.type().equals("StopGradient")) {
      op = (GraphOperation) op.input(0).op();
    }
    return op.equals(input);
  }

  private boolean isAxisOne(Output<?> axis) throws Unsupported {
    GraphOperation op = (GraphOperation) axis.op();
    if (!op.type().equals("Const")) {
      return false;
    }
    try (Result r = session.runner().fetch(axis).run()) {
      Tensor t = r.get(0);
      long a = t instanceof org.tensorflow.types.TInt32 i ? i.getInt()
          : t instanceof org.tensorflow.types.TInt64 l ? l.getLong() : 0;
      return t.shape().numDimensions() == 0 && (a == 1 || a == -1);
    }
  }

  private record Fetched(float[] values, long[] shape) {}

  /** The constant's float32 values, computed by the loaded session. */
  private Fetched fetch(Output<?> tensor) throws Unsupported {
    try (Result result = session.runner().fetch(tensor).run()) {
      Tensor t = result.get(0);
      if (!(t instanceof TFloat32 f)) {
        throw new Unsupported("a " + t.dataType() + " constant " + tensor.op().name());
      }
      float[] values = new float[(int) f.size()];
      f.copyTo(DataBuffers.of(values, false, false));
      return new Fetched(values, f.shape().asArray());
    }
  }

  private static String describe(GraphOperation op) {
    return "the op '" + op.name() + "' (" + op.type() + ")";
  }
}
