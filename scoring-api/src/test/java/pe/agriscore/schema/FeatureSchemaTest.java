package pe.agriscore.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pe.agriscore.testing.TestBundles;

class FeatureSchemaTest {

  @Test
  void jsonRoundTripKeepsEveryDetail() {
    FeatureSchema schema = TestBundles.schema();
    FeatureSchema back = FeatureSchema.fromJson(schema.toJson());
    assertEquals(schema, back);
    NumericFeature loans = (NumericFeature) back.feature("prior_loans_repaid_share").orElseThrow();
    assertTrue(loans.missing().imputes());
    assertEquals(1.0, loans.imputedValue());
    assertEquals("AG01", back.features().get(0).text().reasonCode());
    assertEquals("Chacra de tamaño reducido", back.features().get(0).text().reasonEs());
  }

  @Test
  void handWrittenJsonParses() {
    FeatureSchema s = FeatureSchema.fromJson("""
        {"name": "bank", "version": "2", "features": [
          {"type": "numeric", "name": "farm_size_ha", "unit": "ha", "min": 0.1, "max": 50},
          {"type": "categorical", "name": "crop", "levels": ["potato", "other"],
           "unknown": "map", "unknownLevel": "other"},
          {"type": "boolean", "name": "irrigated",
           "missing": {"policy": "impute", "value": false}}]}
        """);
    assertEquals(List.of("farm_size_ha", "crop", "irrigated"), s.featureNames());
    CategoricalFeature crop = (CategoricalFeature) s.features().get(1);
    assertEquals(CategoricalFeature.UnknownPolicy.MAP, crop.unknown());
    assertEquals("FARM_SIZE_HA", s.features().get(0).text().reasonCode());
  }

  @Test
  void invalidDefinitionsNameTheFeatureAndTheProblem() {
    assertMessage("farm_size_ha: min 5.0 must not exceed max 1.0",
        """
        {"name": "s", "features": [{"type": "numeric", "name": "farm_size_ha", "min": 5,
         "max": 1}]}""");
    assertMessage("feature 'x' is defined twice",
        """
        {"name": "s", "features": [{"type": "boolean", "name": "x"},
         {"type": "boolean", "name": "x"}]}""");
    assertMessage("crop: imputed value maize must be one of the levels",
        """
        {"name": "s", "features": [{"type": "categorical", "name": "crop", "levels": ["potato"],
         "missing": {"policy": "impute", "value": "maize"}}]}""");
    assertMessage("age: imputed value 200.0 must be a number in [18.0, 99.0]",
        """
        {"name": "s", "features": [{"type": "numeric", "name": "age", "min": 18, "max": 99,
         "missing": {"policy": "impute", "value": 200}}]}""");
    assertMessage("unknown property 'maximum' in 'features[0]' (known: max, min, missing, name,"
        + " text, unit)",
        """
        {"name": "s", "features": [{"type": "numeric", "name": "age", "min": 18, "max": 99,
         "maximum": 99}]}
        """);
    assertMessage("missing.policy 'impute' needs a stated 'value'",
        """
        {"name": "s", "features": [{"type": "boolean", "name": "b",
         "missing": {"policy": "impute"}}]}""");
  }

  /**
   * An unknown property or type is refused by name before any value is judged. Before issue
   * #13 the creator's own check came first: "level" for "levels" read as "'levels' must list at
   * least one level", "valu" as a missing 'value', "feature" as a schema with no features.
   */
  @Test
  void aMisspeltPropertyIsRefusedByNameBeforeAnyValueIsJudged() {
    assertMessage("feature 'crop': unknown property 'level' in 'features[0]' (known: levels,"
        + " missing, name, text, unknown, unknownLevel); did you mean 'levels'?",
        """
        {"name": "s", "features": [{"type": "categorical", "name": "crop", "level": ["rice"]}]}""");
    assertMessage("unknown property 'valu' in 'features[0].missing' (known: policy, value);"
        + " did you mean 'value'?",
        """
        {"name": "s", "features": [{"type": "boolean", "name": "b",
         "missing": {"policy": "impute", "valu": true}}]}""");
    assertMessage("invalid schema JSON: unknown property 'feature' (known: features, name,"
        + " version); did you mean 'features'?",
        """
        {"name": "s", "feature": [{"type": "boolean", "name": "b"}]}""");
    assertMessage("feature 'age': 'features[1]' has an unknown type 'integer' (known: boolean,"
        + " categorical, numeric)",
        """
        {"name": "s", "features": [{"type": "boolean", "name": "b"},
         {"type": "integer", "name": "age", "min": 18, "max": 99}]}""");
  }

  @Test
  void readingAFileNamesTheFile(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("schema.json");
    Files.writeString(file, "{\"name\": \"s\", \"features\": [{\"type\": \"numeric\","
        + " \"name\": \"age\", \"min\": 18, \"maxi\": 99}]}");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> FeatureSchema.read(file));
    assertEquals(file + ": invalid schema JSON: feature 'age': unknown property 'maxi' in"
        + " 'features[0]' (known: max, min, missing, name, text, unit); did you mean 'max'?",
        e.getMessage());
    Files.writeString(file, TestBundles.schema().toJson());
    assertEquals(TestBundles.schema(), FeatureSchema.read(file));
  }

  private static void assertMessage(String expectedPart, String json) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> FeatureSchema.fromJson(json));
    assertTrue(e.getMessage().contains(expectedPart),
        () -> "expected '" + expectedPart + "' in: " + e.getMessage());
  }
}
