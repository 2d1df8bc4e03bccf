package pe.agriscore.schema;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A feature that takes one of a fixed list of levels (case-sensitive).
 *
 * <pre>{@code
 * {"type": "categorical", "name": "main_crop", "levels": ["potato", "coffee", "cocoa"],
 *  "unknown": "reject"}
 * }</pre>
 *
 * <p>An unknown level is rejected by default. With {@code "unknown": "map"} it is replaced by
 * {@code unknownLevel}, which must be one of the levels; use that only where the bank has decided
 * that, say, a new crop is best treated as {@code other}.
 *
 * @param name feature name
 * @param levels allowed levels, in a fixed order (the order one-hot columns follow)
 * @param unknown what to do with a level outside {@code levels}
 * @param unknownLevel the level an unknown one maps to when {@code unknown} is {@code MAP}
 * @param missing missing-value policy; an imputed value must be one of the levels
 * @param text description and reason wording
 */
public record CategoricalFeature(
    String name,
    List<String> levels,
    UnknownPolicy unknown,
    String unknownLevel,
    MissingPolicy missing,
    FeatureText text)
    implements Feature {

  /** Policy for a level the schema does not list. */
  public enum UnknownPolicy {
    /** Rule {@code UNKNOWN_CATEGORY} (the default). */
    @JsonProperty("reject")
    REJECT,
    /** Replaced by {@link CategoricalFeature#unknownLevel()}. */
    @JsonProperty("map")
    MAP
  }

  @JsonCreator
  public CategoricalFeature(
      @JsonProperty("name") String name,
      @JsonProperty("levels") List<String> levels,
      @JsonProperty("unknown") UnknownPolicy unknown,
      @JsonProperty("unknownLevel") String unknownLevel,
      @JsonProperty("missing") MissingPolicy missing,
      @JsonProperty("text") FeatureText text) {
    Feature.requireName(name);
    if (levels == null || levels.isEmpty()) {
      throw new IllegalArgumentException(name + ": 'levels' must list at least one level");
    }
    this.name = name;
    this.levels = List.copyOf(levels);
    Set<String> seen = new HashSet<>();
    for (String level : this.levels) {
      if (level.isEmpty() || !seen.add(level)) {
        throw new IllegalArgumentException(name + ": level '" + level + "' is empty or repeated");
      }
    }
    this.unknown = unknown == null ? UnknownPolicy.REJECT : unknown;
    if (this.unknown == UnknownPolicy.MAP && !seen.contains(unknownLevel)) {
      throw new IllegalArgumentException(
          name + ": 'unknownLevel' must be one of the levels when unknown is 'map'");
    }
    if (this.unknown == UnknownPolicy.REJECT && unknownLevel != null) {
      throw new IllegalArgumentException(name + ": 'unknownLevel' needs unknown 'map'");
    }
    this.unknownLevel = unknownLevel;
    this.missing = missing == null ? MissingPolicy.reject() : missing;
    if (this.missing.imputes() && !seen.contains(this.missing.value())) {
      throw new IllegalArgumentException(
          name + ": imputed value " + this.missing.value() + " must be one of the levels");
    }
    this.text = FeatureText.orDefault(text, name);
  }

  /** A categorical feature that rejects missing values and unknown levels. */
  public static CategoricalFeature of(String name, List<String> levels) {
    return new CategoricalFeature(name, levels, UnknownPolicy.REJECT, null, null, null);
  }

  /** This feature with another missing-value policy. */
  public CategoricalFeature withMissing(MissingPolicy policy) {
    return new CategoricalFeature(name, levels, unknown, unknownLevel, policy, text);
  }

  /** This feature with other wording. */
  public CategoricalFeature withText(FeatureText newText) {
    return new CategoricalFeature(name, levels, unknown, unknownLevel, missing, newText);
  }

  /** This feature mapping unknown levels to {@code level}. */
  public CategoricalFeature mappingUnknownTo(String level) {
    return new CategoricalFeature(name, levels, UnknownPolicy.MAP, level, missing, text);
  }
}
