package pe.agriscore.internal.bundle;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * {@code manifest.json}: what a bundle holds and how to check it. See {@code
 * docs/bundle-format.md}.
 *
 * @param formatVersion bundle format version; this library reads version 1
 * @param name model name, echoed in every score
 * @param version model version, echoed in every score
 * @param engine the {@link pe.agriscore.engine.ScoringEngine} name: {@code scorecard}, {@code
 *     tensorflow} or {@code pytorch}
 * @param modelFormat the model's file format, e.g. {@code tf-savedmodel}, {@code torchscript},
 *     {@code agriscore-scorecard}
 * @param model path of the model file or directory inside the bundle
 * @param input the model's input tensor
 * @param output the model's output tensor
 * @param properties engine-specific settings, e.g. {@code signature} for TensorFlow
 * @param createdAt when the bundle was written
 * @param description free text
 * @param files SHA-256 (lower-case hex) of every other file in the bundle, by relative path with
 *     {@code /} separators
 * @param manifestSha256 SHA-256 of {@code manifest.json}'s own bytes with this value written as
 *     64 zeros: it makes the manifest itself tamper-evident
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BundleManifest(
    int formatVersion,
    String name,
    String version,
    String engine,
    String modelFormat,
    String model,
    TensorSpec input,
    TensorSpec output,
    Map<String, String> properties,
    Instant createdAt,
    String description,
    Map<String, String> files,
    String manifestSha256) {

  /** The bundle format version this library reads and writes. */
  public static final int FORMAT_VERSION = 1;

  /**
   * Validates.
   *
   * @throws IllegalArgumentException naming the field that is missing or wrong: an unsupported
   *     format version, a blank name, a {@code files} key or {@code model} that is not a relative
   *     path inside the bundle, or a {@code model} that {@code files} does not cover
   */
  public BundleManifest {
    if (formatVersion != FORMAT_VERSION) {
      throw new IllegalArgumentException(
          "formatVersion " + formatVersion + " is not supported (this library reads "
              + FORMAT_VERSION + ")");
    }
    require(name, "name");
    require(version, "version");
    require(engine, "engine");
    require(modelFormat, "modelFormat");
    require(model, "model");
    Objects.requireNonNull(input, "input");
    Objects.requireNonNull(output, "output");
    if (input.kind() != null) {
      throw new IllegalArgumentException("'input' takes no 'kind' (only 'output' does)");
    }
    properties = properties == null ? Map.of() : Map.copyOf(new TreeMap<>(properties));
    Objects.requireNonNull(createdAt, "createdAt");
    if (files == null || files.isEmpty()) {
      throw new IllegalArgumentException("'files' must list the checksum of every bundle file");
    }
    for (Map.Entry<String, String> e : files.entrySet()) {
      String problem = BundlePaths.problem(e.getKey());
      if (problem != null) {
        throw new IllegalArgumentException("files: key '" + BundlePaths.display(e.getKey())
            + "' is not a bundle path: it " + problem);
      }
      if (e.getKey().equals(ModelBundle.MANIFEST)) {
        throw new IllegalArgumentException(
            "files: lists manifest.json, whose own checksum is 'manifestSha256'");
      }
      if (e.getValue() == null || !e.getValue().matches("[0-9a-f]{64}")) {
        throw new IllegalArgumentException(
            "files['" + BundlePaths.display(e.getKey()) + "'] must be a lower-case hex SHA-256");
      }
    }
    files = java.util.Collections.unmodifiableMap(new TreeMap<>(files));
    // A directory model may be written with a trailing '/'.
    String modelPath = model.endsWith("/") ? model.substring(0, model.length() - 1) : model;
    String modelProblem = BundlePaths.problem(modelPath);
    if (modelProblem != null) {
      throw new IllegalArgumentException("'model' (" + BundlePaths.display(model)
          + ") must be a relative path inside the bundle, but it " + modelProblem);
    }
    if (!covers(files, modelPath)) {
      throw new IllegalArgumentException("'model' names '" + model + "', which 'files' does not"
          + " list: the model must be a file, or a directory of files, listed in 'files'");
    }
  }

  /** True when {@code path} is a listed file or a directory holding one. */
  private static boolean covers(Map<String, String> files, String path) {
    if (files.containsKey(path)) {
      return true;
    }
    String dir = path + "/";
    String next = new TreeMap<>(files).ceilingKey(dir);
    return next != null && next.startsWith(dir);
  }

  /** Reads a manifest strictly: {@code createdAt} must be an ISO-8601 string. */
  @JsonCreator
  static BundleManifest fromJson(
      @JsonProperty("formatVersion") int formatVersion,
      @JsonProperty("name") String name,
      @JsonProperty("version") String version,
      @JsonProperty("engine") String engine,
      @JsonProperty("modelFormat") String modelFormat,
      @JsonProperty("model") String model,
      @JsonProperty("input") TensorSpec input,
      @JsonProperty("output") TensorSpec output,
      @JsonProperty("properties") Map<String, String> properties,
      @JsonProperty("createdAt") String createdAt,
      @JsonProperty("description") String description,
      @JsonProperty("files") Map<String, String> files,
      @JsonProperty("manifestSha256") String manifestSha256) {
    Instant created;
    try {
      created = createdAt == null ? null : Instant.parse(createdAt);
    } catch (java.time.format.DateTimeParseException e) {
      throw new IllegalArgumentException("'createdAt' must be an ISO-8601 instant such as"
          + " 2026-11-28T20:00:00Z, not '" + BundlePaths.display(createdAt) + "'");
    }
    return new BundleManifest(formatVersion, name, version, engine, modelFormat, model, input,
        output, properties, created, description, files, manifestSha256);
  }

  /** This manifest with other file checksums and no self-checksum (for sealing). */
  BundleManifest withFiles(Map<String, String> newFiles, String newManifestSha256) {
    return new BundleManifest(formatVersion, name, version, engine, modelFormat, model, input,
        output, properties, createdAt, description, newFiles, newManifestSha256);
  }

  private static String require(String v, String field) {
    if (v == null || v.isBlank()) {
      throw new IllegalArgumentException("'" + field + "' is required");
    }
    return v;
  }

  /** True when the output is declared as log-odds ({@code "kind": "logit"}). */
  public boolean outputIsLogit() {
    return TensorSpec.LOGIT.equals(output.kind());
  }

  /**
   * A model tensor.
   *
   * @param name tensor (or signature key) name
   * @param shape its shape, {@code -1} for the batch dimension, e.g. {@code [-1, 42]}
   * @param kind for the output only: {@code probability} (the default, also when absent) or
   *     {@code logit}, for a model exported without its final sigmoid: its output is the
   *     log-odds of default, and AgriScore applies {@code 1 / (1 + exp(-x))}
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record TensorSpec(String name, List<Long> shape, String kind) {

    /** The default output kind. */
    public static final String PROBABILITY = "probability";

    /** The output kind of a model without its final sigmoid. */
    public static final String LOGIT = "logit";

    /** Validates. */
    @JsonCreator
    public TensorSpec(@JsonProperty("name") String name, @JsonProperty("shape") List<Long> shape,
        @JsonProperty("kind") String kind) {
      this.name = require(name, "tensor name");
      this.shape = shape == null ? List.of() : List.copyOf(shape);
      if (kind != null && !kind.equals(PROBABILITY) && !kind.equals(LOGIT)) {
        throw new IllegalArgumentException("'kind' must be 'probability' or 'logit', not '"
            + BundlePaths.display(kind) + "'");
      }
      this.kind = PROBABILITY.equals(kind) ? null : kind;
    }

    /** A tensor of the default kind. */
    public TensorSpec(String name, List<Long> shape) {
      this(name, shape, null);
    }
  }
}
