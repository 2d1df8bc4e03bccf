package pe.agriscore.schema;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * One named input of a {@link FeatureSchema}: numeric, categorical or boolean.
 *
 * <p>A feature knows its own validity rules (range, levels) and its policy for a missing value.
 * Instances are immutable and safe to share between threads.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
@JsonSubTypes({
  @JsonSubTypes.Type(value = NumericFeature.class, name = "numeric"),
  @JsonSubTypes.Type(value = CategoricalFeature.class, name = "categorical"),
  @JsonSubTypes.Type(value = BooleanFeature.class, name = "boolean")
})
public sealed interface Feature permits NumericFeature, CategoricalFeature, BooleanFeature {

  /** The feature's name, as it appears in requests and CSV headers. */
  String name();

  /** What happens when a request leaves this feature out or sends {@code null}. */
  MissingPolicy missing();

  /** Human-readable description and adverse-action wording; never {@code null}. */
  FeatureText text();

  static void requireName(String name) {
    if (name == null || !name.matches("[A-Za-z][A-Za-z0-9_]*")) {
      throw new IllegalArgumentException(
          "feature name must match [A-Za-z][A-Za-z0-9_]*, got '" + name + "'");
    }
  }
}
