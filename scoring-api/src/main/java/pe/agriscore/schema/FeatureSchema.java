package pe.agriscore.schema;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.RandomAccess;
import pe.agriscore.internal.Json;
import pe.agriscore.internal.KnownProperties;

/**
 * The ordered, named inputs a model scores: the contract between a bank's data and a model.
 *
 * <p>A schema is immutable and thread-safe. It is published as {@code schema.json} inside every
 * model bundle and can be written by hand for a bank's own data:
 *
 * <pre>{@code
 * FeatureSchema schema = FeatureSchema.builder("peru-smallholder", "1")
 *     .add(NumericFeature.of("farm_size_ha", "ha", 0.05, 500))
 *     .add(CategoricalFeature.of("main_crop", List.of("potato", "coffee", "cocoa")))
 *     .add(BooleanFeature.of("irrigated"))
 *     .build();
 * String json = schema.toJson();
 * FeatureSchema same = FeatureSchema.fromJson(json);
 * }</pre>
 *
 * @param name schema name
 * @param version schema version; bump it when features change
 * @param features the features in model order
 */
public record FeatureSchema(String name, String version, List<Feature> features) {


  /** Validates the definition: non-empty, unique names. */
  @JsonCreator
  public FeatureSchema(
      @JsonProperty("name") String name,
      @JsonProperty("version") String version,
      @JsonProperty("features") List<Feature> features) {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("schema 'name' is required");
    }
    if (features == null || features.isEmpty()) {
      throw new IllegalArgumentException("schema '" + name + "' has no features");
    }
    this.name = name;
    this.version = version == null ? "1" : version;
    this.features = new IndexedFeatures(features);
  }

  /**
   * The immutable feature list, with a name index so that {@link #indexOf} is constant time
   * (a record has no other fields to keep it in); it equals any list of the same features.
   */
  private static final class IndexedFeatures extends AbstractList<Feature>
      implements RandomAccess {
    private final Feature[] features;
    private final Map<String, Integer> index;

    IndexedFeatures(List<Feature> list) {
      this.features = list.toArray(new Feature[0]);
      this.index = new HashMap<>(features.length * 2);
      for (int i = 0; i < features.length; i++) {
        Feature f = java.util.Objects.requireNonNull(features[i], "features[" + i + "]");
        if (index.put(f.name(), i) != null) {
          throw new IllegalArgumentException("feature '" + f.name() + "' is defined twice");
        }
      }
    }

    @Override
    public Feature get(int i) {
      return features[i];
    }

    @Override
    public int size() {
      return features.length;
    }

    int indexOf(String name) {
      Integer i = index.get(name);
      return i == null ? -1 : i;
    }
  }

  /** Starts a schema. */
  public static Builder builder(String name, String version) {
    return new Builder(name, version);
  }

  /** The number of features. */
  public int size() {
    return features.size();
  }

  /** The position of {@code featureName}, or -1 when the schema has no such feature. */
  public int indexOf(String featureName) {
    return ((IndexedFeatures) features).indexOf(featureName);
  }

  /** The feature called {@code featureName}, if any. */
  public Optional<Feature> feature(String featureName) {
    int i = indexOf(featureName);
    return i < 0 ? Optional.empty() : Optional.of(features.get(i));
  }

  /** The feature names in model order. */
  @JsonIgnore
  public List<String> featureNames() {
    List<String> names = new ArrayList<>(features.size());
    for (Feature f : features) {
      names.add(f.name());
    }
    return Collections.unmodifiableList(names);
  }

  /** This schema as indented JSON. */
  public String toJson() {
    try {
      return Json.write(this);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Parses a schema. Strict: an unknown property or feature type is refused by name (with the
   * known ones, and a close one when there is: {@code "level"} gets "did you mean 'levels'?")
   * before any value is judged, and no value is coerced into another type.
   *
   * @throws IllegalArgumentException {@code invalid schema JSON: } and what is wrong, naming the
   *     JSON path of the field (for a feature also its name) and the rule it breaks, for example
   *     {@code feature 'crop': unknown property 'level' in 'features[1]' (known: levels,
   *     missing, name, text, unknown, unknownLevel); did you mean 'levels'?}
   */
  public static FeatureSchema fromJson(String json) {
    try {
      KnownProperties.check(Json.readTree(json), FeatureSchema.class);
      return Json.read(json, FeatureSchema.class);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException("invalid schema JSON: " + Json.describe(e), e);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("invalid schema JSON: " + e.getMessage(), e);
    }
  }

  /** Parses a schema from a stream (not closed). */
  public static FeatureSchema fromJson(InputStream in) throws IOException {
    return fromJson(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
  }

  /**
   * Reads a schema file, such as the one a bank writes by hand for its own data, as {@link
   * #fromJson(String)} does, naming the file in every error.
   *
   * <pre>{@code
   * FeatureSchema schema = FeatureSchema.read(Path.of("schema.json"));
   * // IllegalArgumentException: schema.json: invalid schema JSON: feature 'age': 'features[0]'
   * //   has an unknown type 'integer' (known: boolean, categorical, numeric)
   * }</pre>
   *
   * @throws IllegalArgumentException {@code <file>: invalid schema JSON: ...}, as {@link
   *     #fromJson(String)}
   * @throws IOException if the file cannot be read, or is not UTF-8
   */
  public static FeatureSchema read(Path file) throws IOException {
    String json = Files.readString(file);
    try {
      return fromJson(json);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
    }
  }

  /** Builds a {@link FeatureSchema} feature by feature. */
  public static final class Builder {
    private final String name;
    private final String version;
    private final List<Feature> features = new ArrayList<>();

    private Builder(String name, String version) {
      this.name = name;
      this.version = version;
    }

    /** Appends a feature. */
    public Builder add(Feature feature) {
      features.add(feature);
      return this;
    }

    /** The schema. */
    public FeatureSchema build() {
      return new FeatureSchema(name, version, features);
    }
  }
}
