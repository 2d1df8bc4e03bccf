package pe.agriscore.schema;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A real-valued feature with a unit and an inclusive valid range.
 *
 * <pre>{@code
 * {"type": "numeric", "name": "farm_size_ha", "unit": "ha", "min": 0.05, "max": 500,
 *  "missing": {"policy": "reject"}}
 * }</pre>
 *
 * @param name feature name
 * @param unit unit of measure, e.g. {@code ha}, {@code t/ha}, {@code PEN/kg}, {@code years}
 * @param min smallest valid value (inclusive)
 * @param max largest valid value (inclusive)
 * @param missing missing-value policy; an imputed value must lie in range
 * @param text description and reason wording
 */
public record NumericFeature(
    String name, String unit, double min, double max, MissingPolicy missing, FeatureText text)
    implements Feature {

  @JsonCreator
  public NumericFeature(
      @JsonProperty("name") String name,
      @JsonProperty("unit") String unit,
      @JsonProperty("min") Double min,
      @JsonProperty("max") Double max,
      @JsonProperty("missing") MissingPolicy missing,
      @JsonProperty("text") FeatureText text) {
    this(name, unit, requireBound(name, "min", min), requireBound(name, "max", max), missing, text);
  }

  /** Validates the definition. */
  public NumericFeature {
    Feature.requireName(name);
    unit = unit == null ? "" : unit;
    if (!(min <= max)) {
      throw new IllegalArgumentException(name + ": min " + min + " must not exceed max " + max);
    }
    missing = missing == null ? MissingPolicy.reject() : missing;
    if (missing.imputes()) {
      if (!(missing.value() instanceof Double d) || d < min || d > max) {
        throw new IllegalArgumentException(
            name + ": imputed value " + missing.value() + " must be a number in [" + min + ", "
                + max + "]");
      }
    }
    text = FeatureText.orDefault(text, name);
  }

  /** A numeric feature that rejects missing values. */
  public static NumericFeature of(String name, String unit, double min, double max) {
    return new NumericFeature(name, unit, min, max, MissingPolicy.reject(), null);
  }

  /** This feature with another missing-value policy. */
  public NumericFeature withMissing(MissingPolicy policy) {
    return new NumericFeature(name, unit, min, max, policy, text);
  }

  /** This feature with other wording. */
  public NumericFeature withText(FeatureText newText) {
    return new NumericFeature(name, unit, min, max, missing, newText);
  }

  /** The imputed value; only meaningful when {@link MissingPolicy#imputes()}. */
  public double imputedValue() {
    return missing.imputes() ? (Double) missing.value() : Double.NaN;
  }

  private static double requireBound(String name, String which, Double v) {
    if (v == null || !Double.isFinite(v)) {
      throw new IllegalArgumentException(name + ": '" + which + "' must be a finite number");
    }
    return v;
  }
}
