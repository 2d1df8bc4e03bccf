package pe.agriscore.samples.data;

import java.io.IOException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import pe.agriscore.internal.bundle.Encoder;
import pe.agriscore.schema.BooleanFeature;
import pe.agriscore.schema.CategoricalFeature;
import pe.agriscore.schema.Feature;
import pe.agriscore.schema.FeatureSchema;
import pe.agriscore.schema.NumericFeature;
import pe.agriscore.scoring.ScoringRequest;
import pe.agriscore.scoring.Violation;

/**
 * Reads and writes farmer records as CSV, the shape a bank exports its own loan book in:
 *
 * <pre>
 * applicant_id,as_of_date,&lt;features in schema order&gt;,default_12m,true_pd
 * PE-0000001,2015-03-14,cajamarca,sierra,potato,3420.0,...,,,,...,0,0.0734...
 * </pre>
 *
 * <p>UTF-8, comma separated (a semicolon, tab or bar is detected when reading; a byte order mark
 * is skipped), one header row; {@code as_of_date} is ISO {@code yyyy-MM-dd};
 * booleans are {@code true}/{@code false}; a missing value (a thin file's credit history) is an
 * empty cell; numbers are written with {@link Double#toString(double)}, so they read back to the
 * same double; {@code default_12m} is {@code 0} or {@code 1}. {@code true_pd} is written only
 * for generated data and is optional when reading. Fields are quoted (RFC 4180) only when they
 * hold a comma or a quote.
 *
 * <pre>{@code
 * FarmerCsv.write(records, Path.of("farmers.csv"));
 * List<FarmerRecord> back = FarmerCsv.read(Path.of("farmers.csv"));   // equal to records
 * }</pre>
 */
public final class FarmerCsv {

  /** Column of the applicant id. */
  public static final String APPLICANT_ID = "applicant_id";
  /** Column of the as-of date. */
  public static final String AS_OF_DATE = "as_of_date";
  /** Column of the outcome, 0 or 1. */
  public static final String DEFAULT_12M = "default_12m";
  /** Column of the true probability of default (generated data only). */
  public static final String TRUE_PD = "true_pd";

  private FarmerCsv() {}

  /** The header columns for {@code schema}, with or without {@code true_pd}. */
  public static List<String> header(FeatureSchema schema, boolean withTruePd) {
    List<String> h = new ArrayList<>();
    h.add(APPLICANT_ID);
    h.add(AS_OF_DATE);
    h.addAll(schema.featureNames());
    h.add(DEFAULT_12M);
    if (withTruePd) {
      h.add(TRUE_PD);
    }
    return h;
  }

  /**
   * Writes {@code records} with the {@link FarmerSchema} columns. The {@code true_pd} column is
   * written when every record has a true probability and left out when none has.
   *
   * @throws IllegalArgumentException if some records have a true probability and others do not
   */
  public static void write(List<FarmerRecord> records, Path file) throws IOException {
    FeatureSchema schema = FarmerSchema.schema();
    int known = 0;
    for (FarmerRecord r : records) {
      known += r.hasTruePd() ? 1 : 0;
    }
    if (known != 0 && known != records.size()) {
      throw new IllegalArgumentException(known + " of " + records.size()
          + " records have a true_pd; write generated and real records to separate files");
    }
    boolean withPd = known > 0;
    List<Feature> features = schema.features();
    Iterable<List<String>> rows = () -> records.stream().map(r -> {
      List<String> cells = new ArrayList<>(features.size() + 4);
      cells.add(r.applicantId());
      cells.add(r.asOfDate().toString());
      for (Feature f : features) {
        Object v = r.request().get(f.name());
        if (v instanceof Double d) {
          cells.add(Double.toString(d));
        } else if (v instanceof String str) {
          cells.add(str);
        } else if (v instanceof Boolean bool) {
          cells.add(bool ? "true" : "false");
        } else if (v == null) {
          cells.add("");
        } else {
          throw new IllegalArgumentException(r.applicantId() + ": " + f.name()
              + " holds a " + v.getClass().getSimpleName() + ", which CSV cannot carry");
        }
      }
      cells.add(r.defaulted() ? "1" : "0");
      if (withPd) {
        cells.add(Double.toString(r.truePd()));
      }
      return cells;
    }).iterator();
    Csv.write(file, header(schema, withPd), rows);
  }

  /**
   * Reads a farmer CSV (generated, or a bank's export without {@code true_pd}). Columns are
   * found by header name, so their order may differ; every schema feature, {@code
   * applicant_id}, {@code as_of_date} and {@code default_12m} must be present and no other
   * column but {@code true_pd}.
   *
   * @throws IOException naming the file, line and column of the first bad value, or every
   *     schema violation of the first invalid row
   */
  public static List<FarmerRecord> read(Path file) throws IOException {
    FeatureSchema schema = FarmerSchema.schema();
    Encoder validator = FarmerSchema.validator();
    List<FarmerRecord> records = new ArrayList<>();
    try (Csv.Table in = Csv.open(file, null)) {
      List<String> header = in.header();
      if (header.isEmpty()) {
        throw new IOException(file + ": empty file, expected a header row");
      }
      Map<String, Integer> column = new HashMap<>();
      for (int i = 0; i < header.size(); i++) {
        if (column.put(header.get(i), i) != null) {
          throw new IOException(file + ":1: column '" + header.get(i) + "' appears twice");
        }
      }
      List<String> required = header(schema, false);
      for (String name : required) {
        if (!column.containsKey(name)) {
          throw new IOException(file + ":1: missing column '" + name + "'");
        }
      }
      for (String name : header) {
        if (!required.contains(name) && !name.equals(TRUE_PD)) {
          throw new IOException(file + ":1: unknown column '" + name + "'");
        }
      }
      Integer pdColumn = column.get(TRUE_PD);
      List<Feature> features = schema.features();
      for (Csv.Row row = in.next(); row != null; row = in.next()) {
        List<String> cells = row.fields();
        if (cells.size() == 1 && cells.get(0).isEmpty()) {
          continue;
        }
        String where = file + ":" + row.line();
        if (cells.size() != header.size()) {
          throw new IOException(where + ": " + cells.size() + " fields, header has "
              + header.size());
        }
        LocalDate asOf;
        try {
          asOf = LocalDate.parse(cells.get(column.get(AS_OF_DATE)));
        } catch (DateTimeParseException e) {
          throw new IOException(where + ": as_of_date '" + cells.get(column.get(AS_OF_DATE))
              + "' is not an ISO date yyyy-MM-dd", e);
        }
        ScoringRequest.Builder b =
            ScoringRequest.builder(cells.get(column.get(APPLICANT_ID)), asOf);
        for (Feature f : features) {
          String cell = cells.get(column.get(f.name()));
          if (cell.isEmpty()) {
            b.setMissing(f.name());
          } else if (f instanceof NumericFeature) {
            b.set(f.name(), parseNumber(cell, where, f.name()));
          } else if (f instanceof BooleanFeature) {
            if (!cell.equals("true") && !cell.equals("false")) {
              throw new IOException(where + ": " + f.name() + " must be true or false, got '"
                  + cell + "'");
            }
            b.set(f.name(), cell.equals("true"));
          } else if (f instanceof CategoricalFeature) {
            b.set(f.name(), cell);
          }
        }
        ScoringRequest request = b.build();
        List<Violation> violations = validator.validate(request);
        if (!violations.isEmpty()) {
          throw new IOException(where + ": invalid row " + violations);
        }
        String outcome = cells.get(column.get(DEFAULT_12M));
        if (!outcome.equals("0") && !outcome.equals("1")) {
          throw new IOException(where + ": default_12m must be 0 or 1, got '" + outcome + "'");
        }
        double pd = Double.NaN;
        if (pdColumn != null && !cells.get(pdColumn).isEmpty()) {
          pd = parseNumber(cells.get(pdColumn), where, TRUE_PD);
          if (!(pd >= 0 && pd <= 1)) {
            throw new IOException(where + ": true_pd " + pd + " is outside [0, 1]");
          }
        }
        records.add(FarmerRecord.of(request, outcome.equals("1"), pd));
      }
    } catch (Csv.SyntaxException e) {
      throw new IOException(file + ": " + e.getMessage(), e);
    }
    return records;
  }

  private static double parseNumber(String cell, String where, String column) throws IOException {
    try {
      return Double.parseDouble(cell);
    } catch (NumberFormatException e) {
      throw new IOException(where + ": " + column + " '" + cell + "' is not a number", e);
    }
  }
}
