package pe.agriscore.bundle;

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

  /** Validates. */
  @JsonCreator
  public BundleManifest(
      @JsonProperty("formatVersion") int formatVersion,
      @JsonProperty("name") String name,
      @JsonProperty("version") String version,
      @JsonProperty("engine") String engine,
      @JsonProperty("modelFormat") String modelFormat,
      @JsonProperty("model") String model,
      @JsonProperty("input") TensorSpec input,
      @JsonProperty("output") TensorSpec output,
      @JsonProperty("properties") Map<String, String> properties,
      @JsonProperty("createdAt") Instant createdAt,
      @JsonProperty("description") String description,
      @JsonProperty("files") Map<String, String> files,
      @JsonProperty("manifestSha256") String manifestSha256) {
    if (formatVersion != FORMAT_VERSION) {
      throw new IllegalArgumentException(
          "formatVersion " + formatVersion + " is not supported (this library reads "
              + FORMAT_VERSION + ")");
    }
    this.formatVersion = formatVersion;
    this.name = require(name, "name");
    this.version = require(version, "version");
    this.engine = require(engine, "engine");
    this.modelFormat = require(modelFormat, "modelFormat");
    this.model = require(model, "model");
    this.input = Objects.requireNonNull(input, "'input' is required");
    this.output = Objects.requireNonNull(output, "'output' is required");
    this.properties = properties == null ? Map.of() : Map.copyOf(new TreeMap<>(properties));
    this.createdAt = Objects.requireNonNull(createdAt, "'createdAt' is required");
    this.description = description;
    if (files == null || files.isEmpty()) {
      throw new IllegalArgumentException("'files' must list the checksum of every bundle file");
    }
    for (Map.Entry<String, String> e : files.entrySet()) {
      if (e.getValue() == null || !e.getValue().matches("[0-9a-f]{64}")) {
        throw new IllegalArgumentException(
            "files['" + e.getKey() + "'] must be a lower-case hex SHA-256");
      }
    }
    this.files = java.util.Collections.unmodifiableMap(new TreeMap<>(files));
    this.manifestSha256 = manifestSha256;
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

  /**
   * A model tensor.
   *
   * @param name tensor (or signature key) name
   * @param shape its shape, {@code -1} for the batch dimension, e.g. {@code [-1, 42]}
   */
  public record TensorSpec(String name, List<Long> shape) {
    /** Validates. */
    @JsonCreator
    public TensorSpec(@JsonProperty("name") String name, @JsonProperty("shape") List<Long> shape) {
      this.name = require(name, "tensor name");
      this.shape = shape == null ? List.of() : List.copyOf(shape);
    }
  }
}
