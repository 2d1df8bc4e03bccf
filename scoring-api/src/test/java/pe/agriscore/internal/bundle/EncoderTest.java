package pe.agriscore.internal.bundle;

import pe.agriscore.schema.FeatureTransform;
import pe.agriscore.schema.Preprocessing;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import pe.agriscore.schema.CategoricalFeature;
import pe.agriscore.schema.FeatureSchema;
import pe.agriscore.schema.NumericFeature;
import pe.agriscore.scoring.InvalidRequestException;
import pe.agriscore.scoring.ScoringRequest;
import pe.agriscore.scoring.Violation.Rule;
import pe.agriscore.scoring.Violation;
import pe.agriscore.testing.TestBundles;

class EncoderTest {

  private final Encoder encoder =
      Encoder.compile(TestBundles.schema(), TestBundles.standardPreprocessing());

  private static ScoringRequest.Builder valid() {
    return ScoringRequest.builder("PE-1", LocalDate.of(2026, 1, 1))
        .set("farm_size_ha", 5.0)
        .set("yield_ratio", 0.5)
        .set("drought_index", -1.5)
        .set("main_crop", "cocoa")
        .set("irrigated", true)
        .set("prior_loans_repaid_share", 0.9);
  }

  private static ScoringRequest without(String feature, Consumer<ScoringRequest.Builder> more) {
    ScoringRequest full = valid().build();
    ScoringRequest.Builder b = ScoringRequest.builder("PE-1", LocalDate.of(2026, 1, 1));
    for (Map.Entry<String, Object> e : full.values().entrySet()) {
      if (!e.getKey().equals(feature)) {
        b.setRaw(e.getKey(), e.getValue());
      }
    }
    more.accept(b);
    return b.build();
  }

  @Test
  void encodesWithTheStatedTransforms() {
    float[] row = encoder.encode(valid().build());
    float[] expected = {
      (float) ((5.0 - 3.0) / 2.0), (float) ((0.5 - 1.0) / 0.25), (float) ((-1.5 - 0.0) / 1.0),
      0, 0, 1, 0, 0, // cocoa is the third level
      1, (float) ((0.9 - 0.8) / 0.2), 0 // not missing
    };
    assertArrayEquals(expected, row);
    assertEquals(11, encoder.width());
    assertEquals("main_crop=cocoa", encoder.columnNames().get(5));
    assertEquals("prior_loans_repaid_share#missing", encoder.columnNames().get(10));
  }

  @Test
  void thinFileIsImputedAndFlaggedNotZero() {
    float[] row = encoder.encode(without("prior_loans_repaid_share",
        b -> b.setMissing("prior_loans_repaid_share")));
    assertEquals((float) ((1.0 - 0.8) / 0.2), row[9]);
    assertEquals(1f, row[10]);
    float[] absent = encoder.encode(without("prior_loans_repaid_share", b -> {}));
    assertArrayEquals(row, absent);
  }

  @Test
  void missingValueIsRejectedNamingTheField() {
    assertSingle(without("farm_size_ha", b -> {}), "farm_size_ha", Rule.MISSING);
    assertSingle(without("farm_size_ha", b -> b.setMissing("farm_size_ha")), "farm_size_ha",
        Rule.MISSING);
  }

  @Test
  void outOfRangeNamesTheRangeAndUnit() {
    Violation v = assertSingle(without("farm_size_ha", b -> b.set("farm_size_ha", -3.0)),
        "farm_size_ha", Rule.OUT_OF_RANGE);
    assertEquals("value -3.0 is outside [0.05, 500.0] ha", v.message());
    assertSingle(without("yield_ratio", b -> b.set("yield_ratio", 3.0001)), "yield_ratio",
        Rule.OUT_OF_RANGE);
  }

  @Test
  void nanAndInfinityAreRejectedNeverPassedOn() {
    assertSingle(without("drought_index", b -> b.set("drought_index", Double.NaN)),
        "drought_index", Rule.NOT_FINITE);
    assertSingle(without("drought_index", b -> b.set("drought_index", Double.POSITIVE_INFINITY)),
        "drought_index", Rule.NOT_FINITE);
  }

  @Test
  void unknownCategoryIsRejectedByDefault() {
    Violation v = assertSingle(without("main_crop", b -> b.set("main_crop", "Potato")),
        "main_crop", Rule.UNKNOWN_CATEGORY);
    assertEquals("level \"Potato\" is not one of [potato, coffee, cocoa, quinoa, rice]",
        v.message());
  }

  @Test
  void unknownCategoryMapsOnlyWhenTheSchemaSaysSo() {
    FeatureSchema schema = FeatureSchema.builder("s", "1")
        .add(CategoricalFeature.of("crop", List.of("potato", "other")).mappingUnknownTo("other"))
        .build();
    Encoder e = Encoder.compile(schema,
        new Preprocessing(List.of(new FeatureTransform.OneHot("crop"))));
    float[] row = e.encode(ScoringRequest.builder("a", LocalDate.EPOCH).set("crop", "kiwicha")
        .build());
    assertArrayEquals(new float[] {0, 1}, row);
  }

  @Test
  void wrongTypesAreRejectedNotCoerced() {
    Violation v = assertSingle(without("farm_size_ha", b -> b.set("farm_size_ha", "2.5")),
        "farm_size_ha", Rule.WRONG_TYPE);
    assertEquals("expected a number, got string \"2.5\"", v.message());
    assertSingle(without("irrigated", b -> b.setRaw("irrigated", 1)), "irrigated",
        Rule.WRONG_TYPE);
    assertSingle(without("main_crop", b -> b.set("main_crop", true)), "main_crop",
        Rule.WRONG_TYPE);
    assertSingle(without("main_crop",
        b -> b.setRaw("main_crop", new ScoringRequest.WrongType("array"))), "main_crop",
        Rule.WRONG_TYPE);
  }

  @Test
  void unknownFieldIsRejected() {
    assertSingle(valid().set("farm_size_acres", 2.0).build(), "farm_size_acres",
        Rule.UNKNOWN_FIELD);
  }

  @Test
  void applicantIdAndDateAreRequired() {
    ScoringRequest r = ScoringRequest.builder(" ", null).set("farm_size_ha", 1.0).build();
    List<Violation> v = encoder.validate(r);
    assertEquals("applicantId", v.get(0).field());
    assertEquals(Rule.MISSING, v.get(0).rule());
    assertEquals("asOfDate", v.get(1).field());
  }

  @Test
  void everyViolationIsReportedAtOnceInSchemaOrder() {
    ScoringRequest r = ScoringRequest.builder("PE-9", LocalDate.EPOCH)
        .set("farm_size_ha", 0.0)
        .set("yield_ratio", Double.NaN)
        .set("main_crop", "kiwi")
        .set("irrigated", "yes")
        .set("colour", "green")
        .build();
    InvalidRequestException e = assertThrows(InvalidRequestException.class,
        () -> encoder.encode(r));
    assertEquals(List.of("farm_size_ha", "yield_ratio", "drought_index", "main_crop",
        "irrigated", "colour"), e.violations().stream().map(Violation::field).toList());
    assertEquals(List.of(Rule.OUT_OF_RANGE, Rule.NOT_FINITE, Rule.MISSING,
        Rule.UNKNOWN_CATEGORY, Rule.WRONG_TYPE, Rule.UNKNOWN_FIELD),
        e.violations().stream().map(Violation::rule).toList());
    assertEquals("PE-9", e.applicantId());
  }

  @Test
  void aRequestBuiltInCodeMeetsTheEnvelopeRulesWhenScored() {
    ScoringRequest r = ScoringRequest.builder("PE-1\nINFO approved", LocalDate.of(1, 1, 1))
        .set("farm_size_ha", 2.5).set("yield_ratio", 1.0).set("drought_index", 0.0)
        .set("main_crop", "potato").set("irrigated", true).build();
    InvalidRequestException e = assertThrows(InvalidRequestException.class,
        () -> encoder.encode(r));
    assertEquals(List.of(Rule.MALFORMED, Rule.OUT_OF_RANGE),
        e.violations().stream().map(Violation::rule).toList());
    assertNull(e.applicantId());
    assertFalse(e.getMessage().contains("\n"), e.getMessage());
  }

  @Test
  void unknownFieldsBeyondFiftyAreCountedByEncodeAndAllListedByValidate() {
    ScoringRequest.Builder b = valid();
    for (int i = 0; i < 1_000; i++) {
      b.set("k" + i, 1.0);
    }
    ScoringRequest r = b.build();
    InvalidRequestException e = assertThrows(InvalidRequestException.class,
        () -> encoder.encode(r));
    assertEquals(50, e.violations().size());
    assertEquals(950, e.omittedViolations());
    assertEquals(1_000, encoder.validate(r).size());
  }

  @Test
  void trainingAndScoringGiveBitIdenticalVectors() {
    List<ScoringRequest> rows = TestBundles.randomRequests(3, 500);
    Preprocessing fitted = Preprocessing.fitStandard(TestBundles.schema(), rows);
    Encoder atTraining = Encoder.compile(TestBundles.schema(), fitted);
    Encoder atScoring = Encoder.compile(FeatureSchema.fromJson(TestBundles.schema().toJson()),
        Preprocessing.fromJson(fitted.toJson()));
    float[] batch = new float[rows.size() * atTraining.width()];
    for (int i = 0; i < rows.size(); i++) {
      atTraining.encode(rows.get(i), batch, i * atTraining.width());
    }
    for (int i = 0; i < rows.size(); i++) {
      float[] one = atScoring.encode(ScoringRequestCopies.viaJson(rows.get(i)));
      for (int j = 0; j < one.length; j++) {
        assertEquals(Float.floatToRawIntBits(batch[i * one.length + j]),
            Float.floatToRawIntBits(one[j]), "row " + i + " column " + j);
      }
    }
  }

  @Test
  void aValidatingEncoderAppliesTheSchemaRulesAlone() {
    Encoder v = Encoder.validating(TestBundles.schema());
    assertEquals(List.of(), v.validate(valid().build()));
    assertEquals(7, v.width());
    assertSingle(without("main_crop", b -> b.set("main_crop", "kiwi")), "main_crop",
        Rule.UNKNOWN_CATEGORY);
    assertEquals(Rule.OUT_OF_RANGE, v.validate(without("farm_size_ha",
        b -> b.set("farm_size_ha", 1e9))).get(0).rule());
  }

  @Test
  void standardFitUsesPopulationMeanAndDeviation() {
    FeatureSchema schema = FeatureSchema.builder("s", "1")
        .add(NumericFeature.of("x", "", -100, 100)).build();
    List<ScoringRequest> rows = List.of(
        ScoringRequest.builder("a", LocalDate.EPOCH).set("x", 1.0).build(),
        ScoringRequest.builder("b", LocalDate.EPOCH).set("x", 3.0).build(),
        ScoringRequest.builder("c", LocalDate.EPOCH).set("x", 8.0).build(),
        ScoringRequest.builder("d", LocalDate.EPOCH).set("x", 500.0).build()); // invalid: skipped
    FeatureTransform.Standardize s =
        (FeatureTransform.Standardize) Preprocessing.fitStandard(schema, rows).transforms().get(0);
    assertEquals(4.0, s.mean(), 1e-12);
    assertEquals(Math.sqrt((9 + 1 + 16) / 3.0), s.scale(), 1e-12);
  }

  @Test
  void weightOfEvidenceBinsUseUpperEdgesInclusive() {
    FeatureTransform.WoeBins w = new FeatureTransform.WoeBins("x", new double[] {1, 5},
        new double[] {-0.5, 0.1, 0.7});
    assertEquals(-0.5, w.woeOf(0.2));
    assertEquals(-0.5, w.woeOf(1.0));
    assertEquals(0.1, w.woeOf(1.01));
    assertEquals(0.1, w.woeOf(5.0));
    assertEquals(0.7, w.woeOf(5.01));
  }

  @Test
  void preprocessingThatDoesNotFitTheSchemaIsRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Encoder.compile(TestBundles.schema(), new Preprocessing(List.of(
            new FeatureTransform.OneHot("farm_size_ha"),
            new FeatureTransform.Raw("yield_ratio"), new FeatureTransform.Raw("drought_index"),
            new FeatureTransform.OneHot("main_crop"), new FeatureTransform.Binary("irrigated"),
            new FeatureTransform.Raw("prior_loans_repaid_share")))));
    assertEquals("transform OneHot does not apply to feature 'farm_size_ha' of type"
        + " NumericFeature", e.getMessage());
  }

  private Violation assertSingle(ScoringRequest r, String field, Rule rule) {
    InvalidRequestException e = assertThrows(InvalidRequestException.class,
        () -> encoder.encode(r));
    assertEquals(1, e.violations().size(), e::getMessage);
    Violation v = e.violations().get(0);
    assertEquals(field, v.field());
    assertEquals(rule, v.rule());
    return v;
  }
}
