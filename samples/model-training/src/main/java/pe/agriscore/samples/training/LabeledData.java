package pe.agriscore.samples.training;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import pe.agriscore.schema.FeatureSchema;
import pe.agriscore.scoring.ScoringRequest;

/**
 * Validated training data: every row's values are valid under {@code schema}.
 *
 * <pre>{@code
 * LabeledData data = LabeledCsvReader.forSchema(schema).read(Path.of("farmers.csv"));
 * System.out.println(data.size() + " rows, default rate " + data.defaultRate());
 * }</pre>
 *
 * @param schema the schema the rows were validated against
 * @param rows the rows, in file order
 */
public record LabeledData(FeatureSchema schema, List<LabeledRow> rows) {

  /** Validates. */
  public LabeledData {
    Objects.requireNonNull(schema, "schema");
    rows = List.copyOf(rows);
  }

  /** The number of rows. */
  public int size() {
    return rows.size();
  }

  /** The share of rows that defaulted. */
  public double defaultRate() {
    return defaultRate(rows);
  }

  /** {@code true} when every row carries the generator's true probability of default. */
  public boolean hasTruePd() {
    return hasTruePd(rows);
  }

  static double defaultRate(List<LabeledRow> rows) {
    long bad = 0;
    for (LabeledRow r : rows) {
      bad += r.defaulted();
    }
    return rows.isEmpty() ? Double.NaN : (double) bad / rows.size();
  }

  static boolean hasTruePd(List<LabeledRow> rows) {
    for (LabeledRow r : rows) {
      if (Double.isNaN(r.truePd())) {
        return false;
      }
    }
    return !rows.isEmpty();
  }

  static List<ScoringRequest> requests(List<LabeledRow> rows) {
    List<ScoringRequest> out = new ArrayList<>(rows.size());
    for (LabeledRow r : rows) {
      out.add(r.request());
    }
    return out;
  }
}
