package pe.agriscore.samples.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import pe.agriscore.scoring.ScoringRequest;
import pe.agriscore.testing.TestBundles;

class DataSplitTest {

  private static LabeledData data(int n) {
    List<LabeledRow> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ScoringRequest r = ScoringRequest.builder("A" + i, LocalDate.of(2014, 1, 1).plusDays(i))
          .set("farm_size_ha", 1.0).build();
      rows.add(new LabeledRow(i + 2, r, i % 5 == 0 ? 1 : 0, Double.NaN));
    }
    return new LabeledData(TestBundles.schema(), rows);
  }

  private static Set<String> ids(List<LabeledRow> rows) {
    Set<String> s = new HashSet<>();
    rows.forEach(r -> s.add(r.request().applicantId()));
    return s;
  }

  @Test
  void randomSplitIsDisjointCompleteAndSeeded() {
    DataSplit a = DataSplit.random(data(1000), 0.15, 0.15, 1);
    assertEquals(700, a.train().size());
    assertEquals(150, a.validation().size());
    assertEquals(150, a.test().size());
    Set<String> all = ids(a.train());
    all.addAll(ids(a.validation()));
    all.addAll(ids(a.test()));
    assertEquals(1000, all.size());
    assertEquals(ids(a.test()), ids(DataSplit.random(data(1000), 0.15, 0.15, 1).test()));
    assertTrue(!ids(a.test()).equals(ids(DataSplit.random(data(1000), 0.15, 0.15, 2).test())));
  }

  @Test
  void outOfTimeSplitPutsTheLatestRowsInTest() {
    LocalDate cutoff = LocalDate.of(2014, 1, 1).plusDays(800);
    DataSplit s = DataSplit.outOfTime(data(1000), cutoff, 0.2, 1);
    assertEquals(200, s.test().size());
    assertTrue(s.test().stream().noneMatch(r -> r.request().asOfDate().isBefore(cutoff)));
    assertTrue(s.train().stream().allMatch(r -> r.request().asOfDate().isBefore(cutoff)));
    assertTrue(s.validation().stream().allMatch(r -> r.request().asOfDate().isBefore(cutoff)));
    assertEquals(160, s.validation().size());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> DataSplit.outOfTime(data(100), LocalDate.of(2030, 1, 1), 0.2, 1));
    assertTrue(e.getMessage().contains("100 rows before and 0"), e.getMessage());
  }

  @Test
  void stratifiedFoldsPartitionTheRowsAtTheDataDefaultRate() {
    // 1,000 rows, 200 defaults: 4 folds of 250 rows with exactly 50 defaults each.
    List<DataSplit> folds = DataSplit.stratifiedFolds(data(1000), 4, 0.15, 3);
    assertEquals(4, folds.size());
    Set<String> tested = new HashSet<>();
    for (DataSplit f : folds) {
      assertEquals(250, f.test().size());
      assertEquals(50, f.test().stream().filter(r -> r.defaulted() == 1).count());
      assertEquals(750, f.train().size() + f.validation().size());
      assertEquals(113, f.validation().size(), "15% of 750, rounded");
      Set<String> test = ids(f.test());
      assertTrue(ids(f.train()).stream().noneMatch(test::contains), "fold rows never train");
      assertTrue(ids(f.validation()).stream().noneMatch(test::contains));
      tested.addAll(test);
    }
    assertEquals(1000, tested.size(), "every row is tested exactly once");
    assertEquals(ids(folds.get(2).test()),
        ids(DataSplit.stratifiedFolds(data(1000), 4, 0.15, 3).get(2).test()), "seeded");
  }

  @Test
  void allRowsTrainsOnEveryRow() {
    DataSplit s = DataSplit.allRows(data(1000), 0.15, 3);
    assertEquals(1000, s.train().size());
    // A stratified seventh (1 / 0.15 rounds to 7 folds): 143 rows, 29 defaults.
    assertEquals(143, s.test().size());
    assertEquals(29, s.test().stream().filter(r -> r.defaulted() == 1).count());
  }
}
