package pe.agriscore.samples.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import pe.agriscore.internal.bundle.Encoder;
import pe.agriscore.schema.BooleanFeature;
import pe.agriscore.schema.CategoricalFeature;
import pe.agriscore.schema.Feature;
import pe.agriscore.schema.FeatureSchema;
import pe.agriscore.schema.NumericFeature;
import pe.agriscore.schema.Preprocessing;

class FarmerSchemaTest {

  private static final Set<String> THIN_FILE_FEATURES =
      Set.of("prior_loans_count", "prior_on_time_share", "prior_max_days_past_due");

  @Test
  void thirtyFeaturesWithStableReasonCodesAndBilingualWording() {
    FeatureSchema schema = FarmerSchema.schema();
    assertEquals("peru-smallholder", schema.name());
    assertEquals(30, schema.size());
    Set<String> es = new HashSet<>();
    for (int i = 0; i < schema.size(); i++) {
      Feature f = schema.features().get(i);
      assertEquals(String.format("AG%02d", i + 1), f.text().reasonCode(), f.name());
      assertFalse(f.text().reasonEs().startsWith("Valor desfavorable"), f.name());
      assertFalse(f.text().reasonEn().startsWith("Unfavourable value"), f.name());
      assertFalse(f.text().description().isBlank(), f.name());
      assertTrue(es.add(f.text().reasonEs()), "Spanish reason repeated: " + f.name());
      if (f instanceof NumericFeature n) {
        assertFalse(n.unit().isEmpty(), f.name() + " has a unit");
      }
    }
  }

  @Test
  void onlyTheCreditHistoryMayBeMissing() {
    for (Feature f : FarmerSchema.schema().features()) {
      assertEquals(THIN_FILE_FEATURES.contains(f.name()), f.missing().imputes(), f.name());
    }
  }

  @Test
  void levelsAndTypesAreTheDocumentedOnes() {
    FeatureSchema schema = FarmerSchema.schema();
    CategoricalFeature dept = (CategoricalFeature) schema.feature("department").orElseThrow();
    assertEquals(24, dept.levels().size());
    assertTrue(dept.levels().containsAll(List.of("tumbes", "piura", "lambayeque", "la_libertad",
        "puno", "san_martin", "madre_de_dios")));
    assertFalse(dept.levels().contains("callao"));
    assertEquals(List.of("costa", "sierra", "selva"),
        ((CategoricalFeature) schema.feature("natural_region").orElseThrow()).levels());
    assertTrue(((CategoricalFeature) schema.feature("main_crop").orElseThrow()).levels()
        .containsAll(List.of("potato", "coffee", "cocoa", "quinoa", "rice", "maize", "avocado",
            "banana")));
    for (String b : List.of("irrigated", "land_title", "cooperative_member")) {
      assertTrue(schema.feature(b).orElseThrow() instanceof BooleanFeature, b);
    }
  }

  @Test
  void standardEncodingHasSixtyNineColumnsWithMissingIndicators() {
    FeatureSchema schema = FarmerSchema.schema();
    Encoder encoder = Encoder.compile(schema, Preprocessing.fitStandard(schema, List.of()));
    // 24 departments + 3 regions + 9 crops + 4 education levels + 3 booleans + 23 numerics
    // + 3 missing indicators.
    assertEquals(24 + 3 + 9 + 4 + 3 + 23 + 3, encoder.width());
    assertTrue(encoder.columnNames().contains("prior_loans_count#missing"));
    assertTrue(encoder.columnNames().contains("main_crop=quinoa"));
  }

  @Test
  void jsonRoundTripKeepsEverything() {
    FeatureSchema schema = FarmerSchema.schema();
    String json = schema.toJson();
    assertEquals(schema, FeatureSchema.fromJson(json));
    assertTrue(json.contains("\"reasonCode\" : \"AG22\""), "reason code in the JSON");
    assertNotEquals(-1, json.indexOf("Sequía en la zona de la chacra"));
  }
}
