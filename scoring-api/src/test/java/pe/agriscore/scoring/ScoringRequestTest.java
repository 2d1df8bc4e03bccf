package pe.agriscore.scoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ScoringRequestTest {

  private static final LocalDate AS_OF = LocalDate.of(2026, 11, 1);

  @Test
  void keepsValuesAsSentInTheOrderSet() {
    ScoringRequest r = ScoringRequest.builder("PE-1", AS_OF)
        .set("farm_size_ha", 2.5)
        .set("main_crop", "potato")
        .set("irrigated", false)
        .setMissing("prior_loans_repaid_share")
        .setRaw("household_size", 4)
        .setRaw("plots", new ScoringRequest.WrongType("array"))
        .build();

    assertEquals(List.of("farm_size_ha", "main_crop", "irrigated", "prior_loans_repaid_share",
        "household_size", "plots"), List.copyOf(r.values().keySet()));
    assertEquals(2.5, r.get("farm_size_ha"));
    assertEquals(4.0, r.get("household_size"));
    assertEquals(Boolean.FALSE, r.get("irrigated"));
    assertTrue(r.has("prior_loans_repaid_share"));
    assertNull(r.get("prior_loans_repaid_share"));
    assertFalse(r.has("altitude_m"));
  }

  @Test
  void aBuiltRequestDoesNotChangeWhenItsBuilderGoesOn() {
    ScoringRequest.Builder b = ScoringRequest.builder("PE-1", AS_OF).set("farm_size_ha", 2.5);
    ScoringRequest first = b.build();
    ScoringRequest second = b.set("main_crop", "coffee").build();
    ScoringRequest third = b.set("irrigated", true).build();

    assertEquals(Map.of("farm_size_ha", 2.5), first.values());
    assertEquals(Map.of("farm_size_ha", 2.5, "main_crop", "coffee"), second.values());
    assertEquals(3, third.values().size());
    assertEquals(2, second.values().size());
  }

  @Test
  void valuesCannotBeChangedThroughTheRequest() {
    ScoringRequest r = ScoringRequest.builder("PE-1", AS_OF).set("farm_size_ha", 2.5).build();

    assertThrows(UnsupportedOperationException.class, () -> r.values().put("x", 1.0));
  }

  @Test
  void refusesAFeatureSetTwiceNamingIt() {
    ScoringRequest.Builder b = ScoringRequest.builder("PE-1", AS_OF).set("farm_size_ha", 2.5);
    b.build();

    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> b.set("farm_size_ha", 3.0));
    assertEquals("feature 'farm_size_ha' is set twice", e.getMessage());
  }

  @Test
  void refusesARawValueOfAnUnsupportedTypeNamingTheFeature() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ScoringRequest.builder("PE-1", AS_OF).setRaw("plots", List.of(1, 2)));
    assertTrue(e.getMessage().startsWith("plots: unsupported value type"), e.getMessage());
  }
}
