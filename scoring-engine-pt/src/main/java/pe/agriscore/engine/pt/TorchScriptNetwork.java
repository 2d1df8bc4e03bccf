package pe.agriscore.engine.pt;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import pe.agriscore.engine.internal.DenseNetwork;
import pe.agriscore.engine.pt.TorchScriptArchive.Obj;
import pe.agriscore.engine.pt.TorchScriptArchive.Tensor;
import pe.agriscore.engine.pt.TorchScriptArchive.Unsupported;

/**
 * Reads a TorchScript file's network into a {@link DenseNetwork}, the JVM fast path.
 *
 * <p>It walks the module tree of the loaded file and accepts only: {@code nn.Sequential}; {@code
 * nn.Linear}; {@code nn.BatchNorm1d} (inference: the running statistics); {@code nn.ReLU}, {@code
 * nn.LeakyReLU}, {@code nn.Tanh}, {@code nn.Sigmoid}; {@code nn.Dropout} (the identity in
 * inference); and modules of the model's own classes whose {@code forward} is a chain of those and
 * of {@code torch.relu}, {@code torch.tanh} and {@code torch.sigmoid} on one value, optionally
 * under {@code if} on a boolean attribute, and of {@code torch.cat} of the network's input and
 * such a chain along dimension 1, in either order (a wide-and-deep or skip connection). Any other
 * statement (an addition, an embedding, a second input) throws {@link Unsupported}. Weights come
 * from libtorch's named parameters of the loaded module, batch-norm running statistics (buffers,
 * which libtorch does not list as parameters) from the same file's tensors.
 */
final class TorchScriptNetwork {

  private enum Kind { DENSE, BATCH_NORM, RELU, LEAKY_RELU, TANH, SIGMOID, CONCAT_INPUT }

  /**
   * One operation read from the module tree; {@code value} is LeakyReLU's slope, BN's eps, or for
   * a concatenation 1 if the input comes first.
   */
  private record Step(Kind kind, String path, double value) {}

  private TorchScriptNetwork() {}

  /**
   * Reads the network of a TorchScript file.
   *
   * @param archive the file libtorch loaded
   * @param parameters libtorch's named parameters of the loaded module ({@code body.0.weight})
   * @param width the input width the bundle's schema encodes
   * @throws Unsupported naming the first thing the fast path does not implement
   */
  static DenseNetwork read(TorchScriptArchive archive, Map<String, Tensor> parameters, int width)
      throws Unsupported {
    List<Step> steps = new ArrayList<>();
    new Reader(archive).module(archive.root(), "", steps);
    DenseNetwork.Builder network = DenseNetwork.builder(width);
    for (Step s : steps) {
      switch (s.kind()) {
        case DENSE -> {
          Tensor weight = tensor(parameters, s.path() + ".weight");
          Tensor bias = tensor(parameters, s.path() + ".bias");
          int w = network.values();
          if (weight.shape().length != 2 || weight.shape()[1] != w || bias.shape().length != 1
              || bias.shape()[0] != weight.shape()[0]) {
            throw new Unsupported("linear layer " + s.path() + " of shape "
                + java.util.Arrays.toString(weight.shape()) + " after " + w + " values");
          }
          network.dense((int) weight.shape()[0], doubles(weight), doubles(bias));
        }
        case BATCH_NORM -> {
          try {
            network.batchNorm(doubles(tensor(parameters, s.path() + ".weight")),
                doubles(tensor(parameters, s.path() + ".bias")),
                doubles(buffer(archive, s.path(), "running_mean")),
                doubles(buffer(archive, s.path(), "running_var")), s.value());
          } catch (IllegalArgumentException e) {
            throw new Unsupported(e.getMessage() + " at " + s.path());
          }
        }
        case RELU -> network.relu();
        case LEAKY_RELU -> network.leakyRelu(s.value());
        case TANH -> network.tanh();
        case SIGMOID -> network.sigmoid();
        case CONCAT_INPUT -> network.concatInput(s.value() == 1);
        default -> throw new IllegalStateException(s.kind().name());
      }
    }
    try {
      return network.build();
    } catch (IllegalArgumentException e) {
      throw new Unsupported(e.getMessage());
    }
  }

  private static Tensor tensor(Map<String, Tensor> parameters, String name) throws Unsupported {
    Tensor t = parameters.get(name);
    if (t == null) {
      throw new Unsupported("no float32 parameter " + name);
    }
    return t;
  }

  private static Tensor buffer(TorchScriptArchive archive, String path, String name)
      throws Unsupported {
    Obj o = archive.root();
    for (String part : path.isEmpty() ? new String[0] : path.split("\\.")) {
      if (!(o.state().get(part) instanceof Obj child)) {
        throw new Unsupported("no module " + path);
      }
      o = child;
    }
    if (o.state().get(name) instanceof Tensor t) {
      return t;
    }
    throw new Unsupported("no float32 buffer " + path + "." + name);
  }

  private static double[] doubles(Tensor t) {
    double[] d = new double[t.values().length];
    for (int i = 0; i < d.length; i++) {
      d[i] = t.values()[i];
    }
    return d;
  }

  /** Turns the module tree into steps, refusing whatever it does not recognise. */
  private static final class Reader {
    private static final String NN = "__torch__.torch.nn.modules.";
    private static final Pattern MANGLE = Pattern.compile("\\.___torch_mangle_\\d+");
    private static final Pattern FINAL =
        Pattern.compile("^  (\\w+) : Final\\[\\w+\\] = (\\S+)$", Pattern.MULTILINE);
    private static final Pattern LEAKY =
        Pattern.compile("torch\\.leaky_relu\\(\\w+, ([-0-9.e+]+)\\)");
    private static final Pattern TRACED_BN = Pattern.compile("torch\\.batch_norm\\(\\w+, weight,"
        + " bias, running_mean, running_var, False, [-0-9.e+]+, ([-0-9.e+]+), True\\)");
    private static final Pattern ATTR = Pattern.compile("^(\\w+) = self\\.(\\w+)$");
    private static final Pattern GETATTR =
        Pattern.compile("^(\\w+) = getattr\\(self, \"(\\w+)\"\\)$");
    private static final Pattern IF = Pattern.compile("^if (\\w+):$");
    private static final Pattern ASSIGN = Pattern.compile("^(\\w+) = (.+)$");
    private static final Pattern RETURN = Pattern.compile("^return (.+)$");
    private static final Pattern CALL = Pattern.compile("^\\((\\w+)\\)\\.forward\\((.*), \\)$");
    private static final Pattern TORCH_OP = Pattern.compile("^torch\\.(\\w+)\\((.*)\\)$");
    private static final Pattern NAME = Pattern.compile("^\\w+$");

    private final TorchScriptArchive archive;

    Reader(TorchScriptArchive archive) {
      this.archive = archive;
    }

    /** Appends the steps of module {@code o}, found at {@code path}, to {@code out}. */
    void module(Obj o, String path, List<Step> out) throws Unsupported {
      String type = MANGLE.matcher(o.type()).replaceAll("");
      String at = path.isEmpty() ? "the root module" : "'" + path + "'";
      if (!type.startsWith(NN)) {
        if (type.startsWith("__torch__.torch.")) {
          throw new Unsupported("the layer " + type.substring("__torch__.".length()) + " at " + at);
        }
        forward(o, path, out);
        return;
      }
      String cls = classSource(o);
      switch (type.substring(NN.length())) {
        case "container.Sequential" -> {
          for (int i = 0; o.state().get(String.valueOf(i)) instanceof Obj child; i++) {
            module(child, child(path, String.valueOf(i)), out);
          }
        }
        case "linear.Linear" -> out.add(leaf(cls, "torch.linear(", Kind.DENSE, path, 0, at));
        case "activation.ReLU" -> out.add(leaf(cls, "relu(", Kind.RELU, path, 0, at));
        case "activation.Tanh" -> out.add(leaf(cls, "torch.tanh(", Kind.TANH, path, 0, at));
        case "activation.Sigmoid" ->
            out.add(leaf(cls, "torch.sigmoid(", Kind.SIGMOID, path, 0, at));
        case "activation.LeakyReLU" -> {
          String slope = finalValue(cls, "negative_slope");
          if (slope == null) {
            slope = group(LEAKY, cls, at);
          }
          out.add(leaf(cls, "leaky_relu", Kind.LEAKY_RELU, path, Double.parseDouble(slope), at));
        }
        case "dropout.Dropout" -> requireOp(cls, "dropout", at); // the identity in inference
        case "batchnorm.BatchNorm1d" -> {
          String eps = finalValue(cls, "eps");
          if (eps == null) {
            eps = group(TRACED_BN, cls, at);
          } else if (!"True".equals(finalValue(cls, "track_running_stats"))
              || !"True".equals(finalValue(cls, "affine"))) {
            throw new Unsupported("batch norm without running statistics or affine at " + at);
          }
          out.add(leaf(cls, "batch_norm", Kind.BATCH_NORM, path, Double.parseDouble(eps), at));
        }
        default -> throw new Unsupported("the layer " + type.substring(NN.length()) + " at " + at);
      }
    }

    private static Step leaf(String cls, String op, Kind kind, String path, double value,
        String at) throws Unsupported {
      requireOp(cls, op, at);
      return new Step(kind, path, value);
    }

    /** A library layer's code calls the operation its class implies (not a patched class). */
    private static void requireOp(String cls, String op, String at) throws Unsupported {
      if (!cls.contains(op)) {
        throw new Unsupported("a layer whose code does not call " + op + " at " + at);
      }
    }

    private static String group(Pattern p, String source, String at) throws Unsupported {
      Matcher m = p.matcher(source);
      if (!m.find()) {
        throw new Unsupported("a layer whose parameters are not in its code at " + at);
      }
      return m.group(1);
    }

    private static String finalValue(String cls, String name) {
      Matcher m = FINAL.matcher(cls);
      while (m.find()) {
        if (m.group(1).equals(name)) {
          return m.group(2);
        }
      }
      return null;
    }

    /** The source of {@code o}'s class: from its {@code class} line to the next one. */
    private String classSource(Obj o) throws Unsupported {
      String source = archive.sourceOf(o.type());
      String name = o.type().substring(o.type().lastIndexOf('.') + 1);
      int start = source.startsWith("class " + name + "(") ? 0
          : source.indexOf("\nclass " + name + "(");
      if (start < 0) {
        throw new Unsupported("no TorchScript source for " + o.type());
      }
      int end = source.indexOf("\nclass ", start + 1);
      return source.substring(start, end < 0 ? source.length() : end);
    }

    /** A module of the model's own class: interprets its {@code forward} as one chain. */
    private void forward(Obj o, String path, List<Step> out) throws Unsupported {
      String cls = classSource(o);
      int def = cls.indexOf("\n  def forward(");
      if (def < 0) {
        throw new Unsupported("a module without forward: " + o.type());
      }
      int colon = cls.indexOf(":\n", cls.indexOf(") ->", def));
      String signature = cls.substring(def, colon);
      String[] params = signature.substring(signature.indexOf('(') + 1,
          signature.lastIndexOf(") ->")).split(",");
      if (params.length != 2 || !params[1].trim().endsWith(": Tensor")) {
        throw new Unsupported("forward(" + String.join(",", params).trim() + ") of " + o.type());
      }
      List<String> body = new ArrayList<>();
      for (String line : cls.substring(colon + 2).split("\n")) {
        if (!line.startsWith("    ")) {
          break;
        }
        body.add(line.substring(4));
      }
      Map<String, Object> env = new java.util.HashMap<>();
      env.put(params[1].trim().split(":")[0].trim(), List.<Step>of());
      List<Step> result = block(o, path, body, env);
      if (result == null) {
        throw new Unsupported("a forward of " + o.type() + " that does not return");
      }
      // A concatenation joins this forward's input: the network's only if nothing came before.
      if (!out.isEmpty() && result.stream().anyMatch(s -> s.kind() == Kind.CONCAT_INPUT)) {
        throw new Unsupported("torch.cat of a value other than the network's input in forward of "
            + o.type());
      }
      out.addAll(result);
    }

    /** Runs statements; returns the chain of the {@code return}, or null if none ran. */
    private List<Step> block(Obj o, String path, List<String> lines, Map<String, Object> env)
        throws Unsupported {
      for (int i = 0; i < lines.size(); i++) {
        String line = lines.get(i);
        if (line.startsWith(" ")) {
          throw new Unsupported("statement '" + line.trim() + "' in forward of " + o.type());
        }
        Matcher m;
        if (line.equals("pass")) {
          continue;
        } else if ((m = ATTR.matcher(line)).matches()
            || (m = GETATTR.matcher(line)).matches()) {
          Object v = o.state().get(m.group(2));
          if (v instanceof Obj child) {
            env.put(m.group(1), new Module(child, child(path, m.group(2))));
          } else if (v instanceof Boolean flag) {
            env.put(m.group(1), flag);
          } else {
            throw new Unsupported("attribute " + m.group(2) + " read in forward of " + o.type());
          }
        } else if ((m = IF.matcher(line)).matches()) {
          if (!(env.get(m.group(1)) instanceof Boolean flag)) {
            throw new Unsupported("'if " + m.group(1) + "' in forward of " + o.type());
          }
          List<String> then = indented(lines, i + 1);
          i += then.size();
          List<String> otherwise = List.of();
          if (i + 1 < lines.size() && lines.get(i + 1).equals("else:")) {
            otherwise = indented(lines, i + 2);
            i += 1 + otherwise.size();
          }
          List<Step> returned = block(o, path, flag ? then : otherwise, env);
          if (returned != null) {
            return returned;
          }
        } else if ((m = RETURN.matcher(line)).matches()) {
          return expression(m.group(1), env, o);
        } else if ((m = ASSIGN.matcher(line)).matches()) {
          env.put(m.group(1), expression(m.group(2), env, o));
        } else {
          throw new Unsupported("statement '" + line + "' in forward of " + o.type());
        }
      }
      return null;
    }

    private static List<String> indented(List<String> lines, int from) {
      List<String> block = new ArrayList<>();
      for (int i = from; i < lines.size() && lines.get(i).startsWith("  "); i++) {
        block.add(lines.get(i).substring(2));
      }
      return block;
    }

    @SuppressWarnings("unchecked")
    private List<Step> expression(String e, Map<String, Object> env, Obj o) throws Unsupported {
      Matcher m;
      if ((m = CALL.matcher(e)).matches() && env.get(m.group(1)) instanceof Module module) {
        List<Step> chain = new ArrayList<>(expression(m.group(2), env, o));
        module(module.obj(), module.path(), chain);
        return chain;
      }
      if ((m = TORCH_OP.matcher(e)).matches() && m.group(1).equals("cat")) {
        return concat(m.group(2), env, o);
      }
      if ((m = TORCH_OP.matcher(e)).matches()) {
        Kind kind = switch (m.group(1)) {
          case "relu" -> Kind.RELU;
          case "tanh" -> Kind.TANH;
          case "sigmoid" -> Kind.SIGMOID;
          default -> throw new Unsupported("torch." + m.group(1) + " in forward of " + o.type());
        };
        List<Step> chain = new ArrayList<>(expression(m.group(2), env, o));
        chain.add(new Step(kind, "", 0));
        return chain;
      }
      if (NAME.matcher(e).matches() && env.get(e) instanceof List<?> chain) {
        return (List<Step>) chain;
      }
      throw new Unsupported("the expression '" + e + "' in forward of " + o.type());
    }

    /**
     * {@code torch.cat([a, b], 1)} (or a tuple, or {@code dim=1}, or -1) where one of {@code a},
     * {@code b} is this forward's input: the other's chain, then the concatenation.
     */
    private List<Step> concat(String args, Map<String, Object> env, Obj o) throws Unsupported {
      List<String> parts = splitTopLevel(args);
      String unsupported = "torch.cat(" + args + ") in forward of " + o.type();
      if (parts.size() != 2 || !DIM_ONE.matcher(parts.get(1)).matches()) {
        throw new Unsupported(unsupported);
      }
      String list = parts.get(0);
      boolean bracketed = list.startsWith("[") && list.endsWith("]")
          || list.startsWith("(") && list.endsWith(")");
      List<String> values = bracketed ? splitTopLevel(list.substring(1, list.length() - 1))
          : List.of();
      if (values.size() != 2) {
        throw new Unsupported(unsupported);
      }
      List<Step> first = expression(values.get(0), env, o);
      List<Step> second = expression(values.get(1), env, o);
      boolean inputFirst = first.isEmpty();
      if (!inputFirst && !second.isEmpty()) {
        throw new Unsupported(unsupported + ", which joins two values neither of which is the"
            + " input");
      }
      List<Step> chain = new ArrayList<>(inputFirst ? second : first);
      chain.add(new Step(Kind.CONCAT_INPUT, "", inputFirst ? 1 : 0));
      return chain;
    }

    private static final Pattern DIM_ONE = Pattern.compile("^(dim=)?-?1$");

    /** Splits on the commas outside brackets, trimming; a trailing empty part is dropped. */
    private static List<String> splitTopLevel(String s) {
      List<String> parts = new ArrayList<>();
      int depth = 0;
      int start = 0;
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        if (c == '(' || c == '[') {
          depth++;
        } else if (c == ')' || c == ']') {
          depth--;
        } else if (c == ',' && depth == 0) {
          parts.add(s.substring(start, i).trim());
          start = i + 1;
        }
      }
      String last = s.substring(start).trim();
      if (!last.isEmpty()) {
        parts.add(last);
      }
      return parts;
    }

    private static String child(String path, String name) {
      return path.isEmpty() ? name : path + "." + name;
    }

    private record Module(Obj obj, String path) {}
  }
}
