package pe.agriscore.schema;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The words a bank shows for a feature: its description and the adverse-action reason given
 * when the feature lowers an applicant's score, in Spanish (es-PE) and English.
 *
 * @param reasonCode stable code printed on adverse-action notices (for example {@code AG07});
 *     defaults to the feature name in upper case
 * @param reasonEs the reason in Spanish, e.g. "Rendimiento del cultivo por debajo de lo habitual"
 * @param reasonEn the reason in English, e.g. "Crop yield below typical levels"
 * @param description a short description for documentation and reports
 */
public record FeatureText(String reasonCode, String reasonEs, String reasonEn, String description) {

  @JsonCreator
  public FeatureText(
      @JsonProperty("reasonCode") String reasonCode,
      @JsonProperty("reasonEs") String reasonEs,
      @JsonProperty("reasonEn") String reasonEn,
      @JsonProperty("description") String description) {
    this.reasonCode = reasonCode;
    this.reasonEs = reasonEs;
    this.reasonEn = reasonEn;
    this.description = description == null ? "" : description;
  }

  static FeatureText orDefault(FeatureText text, String featureName) {
    FeatureText t = text == null ? new FeatureText(null, null, null, null) : text;
    return new FeatureText(
        t.reasonCode == null ? featureName.toUpperCase(java.util.Locale.ROOT) : t.reasonCode,
        t.reasonEs == null ? "Valor desfavorable de " + featureName : t.reasonEs,
        t.reasonEn == null ? "Unfavourable value of " + featureName : t.reasonEn,
        t.description);
  }
}
