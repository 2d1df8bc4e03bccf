package pe.agriscore.schema;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A yes/no feature. Requests must send JSON {@code true} or {@code false}; strings such as
 * {@code "yes"} or numbers are rule {@code WRONG_TYPE}, never guessed.
 *
 * <pre>{@code
 * {"type": "boolean", "name": "irrigated"}
 * }</pre>
 *
 * @param name feature name
 * @param missing missing-value policy; an imputed value must be {@code true} or {@code false}
 * @param text description and reason wording
 */
public record BooleanFeature(String name, MissingPolicy missing, FeatureText text)
    implements Feature {

  @JsonCreator
  public BooleanFeature(
      @JsonProperty("name") String name,
      @JsonProperty("missing") MissingPolicy missing,
      @JsonProperty("text") FeatureText text) {
    Feature.requireName(name);
    this.name = name;
    this.missing = missing == null ? MissingPolicy.reject() : missing;
    if (this.missing.imputes() && !(this.missing.value() instanceof Boolean)) {
      throw new IllegalArgumentException(
          name + ": imputed value " + this.missing.value() + " must be true or false");
    }
    this.text = FeatureText.orDefault(text, name);
  }

  /** A boolean feature that rejects missing values. */
  public static BooleanFeature of(String name) {
    return new BooleanFeature(name, null, null);
  }

  /** This feature with another missing-value policy. */
  public BooleanFeature withMissing(MissingPolicy policy) {
    return new BooleanFeature(name, policy, text);
  }

  /** This feature with other wording. */
  public BooleanFeature withText(FeatureText newText) {
    return new BooleanFeature(name, missing, newText);
  }
}
