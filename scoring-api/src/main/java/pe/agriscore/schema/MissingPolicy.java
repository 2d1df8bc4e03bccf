package pe.agriscore.schema;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Objects;

/**
 * What a feature does with a missing value: reject the request, or impute a stated value.
 *
 * <p>Imputation is explicit on purpose: a thin-file applicant with no prior loan is a fact the
 * model must see, so the preprocessing adds a missing-indicator column beside every imputed
 * feature. Nothing is imputed silently.
 *
 * <pre>{@code
 * "missing": {"policy": "reject"}
 * "missing": {"policy": "impute", "value": 0.0}
 * }</pre>
 *
 * @param policy {@code REJECT} or {@code IMPUTE}
 * @param value the value used instead of a missing one: a number for numeric features, a level for
 *     categorical ones, {@code true}/{@code false} for boolean ones; {@code null} when rejecting
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record MissingPolicy(Policy policy, Object value) {

  /** The two policies. */
  public enum Policy {
    /** A missing value is a violation of rule {@code MISSING}. */
    @JsonProperty("reject")
    REJECT,
    /** A missing value is replaced by {@link MissingPolicy#value()} and flagged to the model. */
    @JsonProperty("impute")
    IMPUTE
  }

  private static final MissingPolicy REJECT_POLICY = new MissingPolicy(Policy.REJECT, null);

  /** Validates the combination. */
  @JsonCreator
  public MissingPolicy(@JsonProperty("policy") Policy policy, @JsonProperty("value") Object value) {
    this.policy = Objects.requireNonNull(policy, "missing.policy");
    if (policy == Policy.IMPUTE && value == null) {
      throw new IllegalArgumentException("missing.policy 'impute' needs a stated 'value'");
    }
    if (policy == Policy.REJECT && value != null) {
      throw new IllegalArgumentException("missing.policy 'reject' takes no 'value'");
    }
    this.value = value instanceof Number n ? (Object) n.doubleValue() : value;
  }

  /** Missing values are rejected (the default). */
  public static MissingPolicy reject() {
    return REJECT_POLICY;
  }

  /** Missing values are replaced by {@code value}; see the class documentation for its type. */
  public static MissingPolicy impute(Object value) {
    return new MissingPolicy(Policy.IMPUTE, value);
  }

  /** {@code true} when missing values are imputed. */
  public boolean imputes() {
    return policy == Policy.IMPUTE;
  }
}
