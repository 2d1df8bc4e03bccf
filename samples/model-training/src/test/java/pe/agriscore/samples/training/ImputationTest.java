package pe.agriscore.samples.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import pe.agriscore.schema.BooleanFeature;
import pe.agriscore.schema.CategoricalFeature;
import pe.agriscore.schema.FeatureSchema;
import pe.agriscore.schema.NumericFeature;
import pe.agriscore.scoring.ScoringRequest;

/** Fitted imputation values, worked out by hand. */
class ImputationTest {

  private static final FeatureSchema SCHEMA = FeatureSchema.builder("t", "1")
      .add(NumericFeature.of("size", "ha", 0, 100))
      .add(CategoricalFeature.of("crop", List.of("potato", "rice", "maize")))
      .add(BooleanFeature.of("irrigated"))
      .build();

  private static LabeledRow row(int i, Double size, String crop, Boolean irrigated) {
    ScoringRequest r = ScoringRequest.builder("A-" + i, LocalDate.of(2026, 1, 1))
        .setRaw("size", size).setRaw("crop", crop).setRaw("irrigated", irrigated).build();
    return new LabeledRow(i + 2, r, i % 2, Double.NaN);
  }

  @Test
  void medianOfNumbersAndMostFrequentLevelIgnoringMissingCells() {
    List<LabeledRow> rows = new ArrayList<>();
    rows.add(row(0, 1.0, "rice", true));
    rows.add(row(1, 10.0, "rice", false));
    rows.add(row(2, 3.0, "maize", false));
    rows.add(row(3, 2.0, null, null));
    rows.add(row(4, null, "potato", false));
    FeatureSchema fitted = Imputation.fit(SCHEMA, rows);
    // Sizes 1, 2, 3, 10: the median is (2 + 3) / 2.
    assertEquals(2.5, fitted.feature("size").orElseThrow().missing().value());
    assertEquals("rice", fitted.feature("crop").orElseThrow().missing().value());
    assertEquals(false, fitted.feature("irrigated").orElseThrow().missing().value());
  }

  @Test
  void placeholdersLetMissingCellsReadAndAnAllMissingFeatureIsRefused() {
    FeatureSchema reading = Imputation.placeholders(SCHEMA);
    assertTrue(reading.features().stream().allMatch(f -> f.missing().imputes()));
    List<LabeledRow> rows = List.of(row(0, null, "rice", true), row(1, null, "maize", false));
    TrainingPipeline.UnusableDataException e = assertThrows(
        TrainingPipeline.UnusableDataException.class, () -> Imputation.fit(SCHEMA, rows));
    assertTrue(e.getMessage().contains("'size'"), e.getMessage());
  }
}
