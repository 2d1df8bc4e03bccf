package pe.agriscore.samples.training;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Trains the reference PyTorch MLP by running {@code model-training/python/train_mlp.py} with a
 * Python that has PyTorch, on matrices encoded here, and reads back the TorchScript model and its
 * own predictions.
 *
 * <p>Java owns the preprocessing: it writes the encoded training, validation, golden and test
 * rows as little-endian float32 files with a JSON header ({@code matrices.json}), so the network
 * is trained on exactly the columns the {@code pytorch} engine will feed it. The script's
 * golden-row probabilities become the bundle's golden cases, which libtorch in the JVM must then
 * reproduce.
 *
 * <pre>{@code
 * Optional<String> why = PyTorchMlpTrainer.unavailable("/usr/bin/python3");
 * if (why.isEmpty()) {
 *   PyTorchMlpTrainer.Result r = PyTorchMlpTrainer.train("/usr/bin/python3", columns, train,
 *       validation, golden, test, MlpSettings.defaults(), workDir, System.out::println);
 * }
 * }</pre>
 */
public final class PyTorchMlpTrainer {

  /** The default interpreter: Debian's, which has {@code python3-torch}. */
  public static final String DEFAULT_PYTHON = "/usr/bin/python3";

  private static final String SCRIPT = "python/train_mlp.py";
  private static final ObjectMapper JSON = new ObjectMapper();

  private PyTorchMlpTrainer() {}

  /**
   * Why PyTorch training cannot run with {@code python}, or empty when it can.
   */
  public static Optional<String> unavailable(String python) {
    try {
      Process p = new ProcessBuilder(python, "-c", "import torch, numpy; print(torch.__version__)")
          .redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return Optional.of(python + " did not answer within 120 s");
      }
      if (p.exitValue() != 0) {
        String last = out.isEmpty() ? "" : out.substring(out.lastIndexOf('\n') + 1);
        return Optional.of(python + " cannot import torch and numpy (" + last
            + "); on Debian: apt-get install python3-torch python3-numpy");
      }
      return Optional.empty();
    } catch (IOException e) {
      return Optional.of("cannot run " + python + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.of("interrupted while checking " + python);
    }
  }

  /**
   * What Python produced.
   *
   * @param modelFile the TorchScript file
   * @param goldenPd PyTorch's probability for each golden row
   * @param testPd PyTorch's probability for each test row
   * @param bestEpoch the epoch whose weights were kept
   * @param torchVersion the PyTorch version that trained it
   * @param history every epoch's losses
   */
  public record Result(Path modelFile, double[] goldenPd, double[] testPd, int bestEpoch,
      String torchVersion, List<MlpEpoch> history) {}

  /**
   * Writes the matrices into {@code workDir}, runs the script and reads its outputs.
   *
   * @param columns the encoder's column names (documentation for the script)
   * @param progress receives the script's output, line by line
   * @throws IOException if the script fails, naming its exit code and last output lines
   */
  public static Result train(String python, List<String> columns, EncodedRows train,
      EncodedRows validation, EncodedRows golden, EncodedRows test, MlpSettings settings,
      Path workDir, Consumer<String> progress) throws IOException {
    Path data = workDir.resolve("matrices");
    Path out = workDir.resolve("model");
    Files.createDirectories(data);
    Map<String, EncodedRows> sets = new LinkedHashMap<>();
    sets.put("train", train);
    sets.put("validation", validation);
    sets.put("golden", golden);
    sets.put("test", test);
    writeMatrices(data, columns, sets);
    Path script = workDir.resolve("train_mlp.py");
    try (InputStream in = PyTorchMlpTrainer.class.getResourceAsStream(SCRIPT)) {
      if (in == null) {
        throw new IOException("the training script " + SCRIPT + " is not on the classpath");
      }
      Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
    }
    List<String> command = List.of(python, script.toString(),
        "--data", data.toString(), "--out", out.toString(),
        "--seed", Long.toString(settings.seed()),
        "--hidden", String.join(",", settings.hidden().stream().map(String::valueOf).toList()),
        "--lr", Double.toString(settings.learningRate()),
        "--batch", Integer.toString(settings.batchSize()),
        "--max-epochs", Integer.toString(settings.maxEpochs()),
        "--patience", Integer.toString(settings.patience()),
        "--l2", Double.toString(settings.l2()),
        "--threads", Integer.toString(settings.threads()));
    run(command, progress);
    JsonNode predictions = JSON.readTree(out.resolve("predictions.json").toFile());
    JsonNode training = JSON.readTree(out.resolve("training.json").toFile());
    List<MlpEpoch> history = new ArrayList<>();
    for (JsonNode e : training.path("history")) {
      history.add(new MlpEpoch(e.path("epoch").asInt(), e.path("trainLoss").asDouble(),
          e.path("validationLoss").asDouble()));
    }
    return new Result(out.resolve("model.pt"),
        doubles(predictions.path("golden"), golden.rows(), "golden"),
        doubles(predictions.path("test"), test.rows(), "test"),
        training.path("bestEpoch").asInt(), training.path("torchVersion").asText(), history);
  }

  private static void run(List<String> command, Consumer<String> progress) throws IOException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    Deque<String> tail = new ArrayDeque<>();
    try (BufferedReader r = new BufferedReader(
        new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        progress.accept("  pytorch " + line);
        tail.addLast(line);
        if (tail.size() > 20) {
          tail.removeFirst();
        }
      }
    }
    int code;
    try {
      code = p.waitFor();
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while PyTorch was training", e);
    }
    if (code != 0) {
      throw new IOException("PyTorch training failed (exit code " + code + "): "
          + String.join(" | ", tail));
    }
  }

  /**
   * Writes {@code <set>.x.f32} (and {@code <set>.y.f32}) per set and {@code matrices.json}.
   */
  static void writeMatrices(Path dir, List<String> columns, Map<String, EncodedRows> sets)
      throws IOException {
    ObjectNode header = JSON.createObjectNode();
    int width = sets.values().iterator().next().width();
    header.put("width", width);
    header.putPOJO("columns", columns);
    ObjectNode specs = header.putObject("sets");
    for (Map.Entry<String, EncodedRows> e : sets.entrySet()) {
      EncodedRows rows = e.getValue();
      if (rows.width() != width) {
        throw new IllegalArgumentException("set " + e.getKey() + " has width " + rows.width()
            + ", not " + width);
      }
      String x = e.getKey() + ".x.f32";
      String y = e.getKey() + ".y.f32";
      writeFloats(dir.resolve(x), rows.x());
      float[] labels = new float[rows.rows()];
      for (int i = 0; i < labels.length; i++) {
        labels[i] = rows.y()[i];
      }
      writeFloats(dir.resolve(y), labels);
      specs.putObject(e.getKey()).put("rows", rows.rows()).put("x", x).put("y", y);
    }
    JSON.writerWithDefaultPrettyPrinter().writeValue(dir.resolve("matrices.json").toFile(), header);
  }

  private static void writeFloats(Path file, float[] values) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(64 * 1024).order(ByteOrder.LITTLE_ENDIAN);
    try (OutputStream out = Files.newOutputStream(file)) {
      for (float v : values) {
        if (!buf.hasRemaining()) {
          out.write(buf.array(), 0, buf.position());
          buf.clear();
        }
        buf.putFloat(v);
      }
      out.write(buf.array(), 0, buf.position());
    }
  }

  private static double[] doubles(JsonNode array, int expected, String what) throws IOException {
    if (!array.isArray() || array.size() != expected) {
      throw new IOException("predictions.json: '" + what + "' must hold " + expected
          + " probabilities, got " + (array.isArray() ? array.size() : array.getNodeType()));
    }
    double[] out = new double[expected];
    for (int i = 0; i < expected; i++) {
      out[i] = array.get(i).asDouble(Double.NaN);
      if (!(out[i] >= 0 && out[i] <= 1)) {
        throw new IOException("predictions.json: " + what + "[" + i + "] = " + array.get(i)
            + " is not a probability");
      }
    }
    return out;
  }
}
