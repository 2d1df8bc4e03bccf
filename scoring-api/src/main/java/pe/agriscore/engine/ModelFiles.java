package pe.agriscore.engine;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import pe.agriscore.internal.bundle.BundleManifest;
import pe.agriscore.internal.bundle.ModelBundle;
import pe.agriscore.scoring.BundleException;

/**
 * The read-only view of a bundle's model that an engine loads: where the model's file or
 * directory is, what the schema encodes, and what the manifest declares about the model's
 * tensors. Engines get nothing else of the bundle: not its lifecycle (they cannot close it), not
 * its checksums or manifest internals. Immutable and thread-safe; the files stay readable while
 * the scorer that loads them is open, and engines must not write to them.
 *
 * <p>The core has already checked, before an engine sees it: the checksums, that the engine
 * reads {@link #format()}, and that the declared tensor shapes agree with {@link #inputWidth()}
 * (input {@code [-1, width]}, output {@code [-1, 1]} or {@code [-1]}, or undeclared).
 */
public final class ModelFiles {

  private final String name;
  private final ModelBundle bundle;
  private final String format;
  private final List<String> columnNames;
  private final OutputKind outputKind;
  private final String inputName;
  private final String outputName;
  private final Map<String, String> properties;
  private final String description;
  private final long maxJsonBytes;

  /** What the model's output holds, as the manifest declares it. */
  public enum OutputKind {
    /** The probability of default, in [0, 1]. */
    PROBABILITY,
    /**
     * The log-odds of default (a model exported without its final sigmoid): the core applies
     * {@code 1 / (1 + exp(-x))}, so the engine returns the raw output.
     */
    LOGIT
  }

  private ModelFiles(String name, ModelBundle bundle, String format, List<String> columnNames,
      OutputKind outputKind, String inputName, String outputName, Map<String, String> properties,
      String description, long maxJsonBytes) {
    this.name = name;
    this.bundle = bundle;
    this.format = format;
    this.columnNames = List.copyOf(columnNames);
    this.outputKind = outputKind;
    this.inputName = inputName;
    this.outputName = outputName;
    this.properties = Map.copyOf(properties);
    this.description = description;
    this.maxJsonBytes = maxJsonBytes;
  }

  /**
   * The view of {@code bundle}'s model, after checking that the declared shapes agree with the
   * schema.
   *
   * @throws BundleException naming manifest.json if a declared shape contradicts the schema
   */
  public static ModelFiles of(ModelBundle bundle) {
    BundleManifest m = bundle.manifest();
    int width = bundle.encoder().width();
    List<Long> in = m.input().shape();
    if (!in.isEmpty() && !in.equals(List.of(-1L, (long) width))) {
      throw new BundleException(ModelBundle.MANIFEST, "input '" + m.input().name()
          + "' is declared with shape " + in + " but schema.json and preprocessing.json encode "
          + width + " columns: expected [-1, " + width + "]");
    }
    List<Long> out = m.output().shape();
    if (!out.isEmpty() && !out.equals(List.of(-1L, 1L)) && !out.equals(List.of(-1L))) {
      throw new BundleException(ModelBundle.MANIFEST, "output '" + m.output().name()
          + "' is declared with shape " + out
          + ": an engine returns one value per row, [-1, 1] or [-1]");
    }
    return new ModelFiles(m.model(), bundle, m.modelFormat(),
        bundle.encoder().columnNames(), m.outputIsLogit() ? OutputKind.LOGIT
            : OutputKind.PROBABILITY, m.input().name(), m.output().name(), m.properties(),
        "model '" + m.name() + "' " + m.version(), bundle.limits().maxJsonFileBytes());
  }

  /**
   * These files described with {@code width} input columns (the extra ones named {@code
   * extra_<i>}, or the last ones dropped): what a conformance test hands an engine to check that
   * it refuses a model that does not take the width it is told.
   */
  public ModelFiles withInputWidth(int width) {
    if (width < 1) {
      throw new IllegalArgumentException("width must be >= 1, got " + width);
    }
    List<String> columns = new ArrayList<>(columnNames.subList(0,
        Math.min(width, columnNames.size())));
    while (columns.size() < width) {
      columns.add("extra_" + columns.size());
    }
    return new ModelFiles(name, bundle, format, columns, outputKind, inputName, outputName,
        properties, description, maxJsonBytes);
  }

  /** The model's path inside the bundle as the manifest names it, e.g. {@code model/mlp.pt}. */
  public String name() {
    return name;
  }

  /**
   * The model file or directory, to be read only, for an engine whose runtime loads from files.
   * For an encrypted bundle the first call decrypts the model into a private owner-only directory
   * on a memory-backed filesystem (deleted when the scorer closes): an engine that can load from
   * memory reads {@link #open} instead, which for an encrypted bundle serves decrypted bytes held
   * in memory and writes no plaintext anywhere.
   *
   * @throws BundleException naming the model if the private directory cannot be written
   */
  public Path path() {
    return bundle.modelPath();
  }

  /** Whether the model is a directory (e.g. a SavedModel) rather than one file. */
  public boolean isDirectory() {
    return bundle.modelIsDirectory();
  }

  /** The manifest's {@code modelFormat}, one of the formats the engine declares. */
  public String format() {
    return format;
  }

  /** The number of floats per row the schema and preprocessing encode. */
  public int inputWidth() {
    return columnNames.size();
  }

  /** The encoded column names, {@link #inputWidth()} of them, in row order. */
  public List<String> columnNames() {
    return columnNames;
  }

  /** What the output holds; for {@link OutputKind#LOGIT} the core applies the sigmoid. */
  public OutputKind outputKind() {
    return outputKind;
  }

  /** The input tensor's (or signature input's) name, as the manifest declares it. */
  public String inputName() {
    return inputName;
  }

  /** The output tensor's name, as the manifest declares it. */
  public String outputName() {
    return outputName;
  }

  /** The manifest's engine-specific property {@code key}, e.g. a TensorFlow signature. */
  public Optional<String> property(String key) {
    return Optional.ofNullable(properties.get(key));
  }

  /** The model for messages: {@code model 'farmer-mlp' 1.0.0}. */
  public String description() {
    return description;
  }

  /**
   * Opens the model file, or the file {@code relative} inside a directory model, for reading:
   * from memory for an encrypted bundle (see {@link #path()}), else from the bundle directory.
   *
   * @throws BundleException naming the file if it cannot be opened or lies outside the model
   */
  public InputStream open(String relative) {
    return bundle.openModel(relative);
  }

  /**
   * The model file as UTF-8 text, for models stored as JSON; at most the bundle's JSON file
   * limit ({@code BundleLimits.maxJsonFileBytes}).
   *
   * @throws BundleException naming the file if it is larger than the limit or unreadable
   */
  public String readJson() {
    try (InputStream in = open("")) {
      byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxJsonBytes + 1));
      if (bytes.length > maxJsonBytes) {
        throw refusal("is larger than the limit of " + maxJsonBytes
            + " bytes for a bundle JSON file (BundleLimits.maxJsonFileBytes)");
      }
      return new String(bytes, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw refusal("cannot be read: " + e.getMessage());
    }
  }

  /** A refusal of this model in the SDK's words: a {@link BundleException} naming the file. */
  public BundleException refusal(String message) {
    return new BundleException(name, message);
  }

  /** As {@link #refusal(String)}, with the engine's exception as the cause. */
  public BundleException refusal(String message, Throwable cause) {
    return new BundleException(name, message, cause);
  }

  @Override
  public String toString() {
    return description + " (" + format + " at " + name + ", " + inputWidth() + " inputs)";
  }
}
