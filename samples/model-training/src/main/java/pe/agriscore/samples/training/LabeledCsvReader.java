package pe.agriscore.samples.training;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import pe.agriscore.internal.bundle.Encoder;
import pe.agriscore.samples.data.Csv;
import pe.agriscore.schema.BooleanFeature;
import pe.agriscore.schema.CategoricalFeature;
import pe.agriscore.schema.Feature;
import pe.agriscore.schema.FeatureSchema;
import pe.agriscore.schema.NumericFeature;
import pe.agriscore.scoring.ScoringRequest;
import pe.agriscore.scoring.Violation;

/**
 * Reads labelled training data from CSV, driven by a {@link FeatureSchema}: the generated farmer
 * data, or a bank's own export with a schema written by hand.
 *
 * <p>The file is UTF-8 (a byte order mark is skipped) with a header line naming {@code
 * applicant_id}, {@code as_of_date} (ISO {@code yyyy-MM-dd}), one column per schema feature,
 * {@code default_12m} ({@code 0}/{@code 1}, also {@code 0.0}/{@code 1.0}) and optionally {@code
 * true_pd} (generated data only), in any order. The delimiter (comma, semicolon, tab or bar) is
 * detected from the header unless given. Numbers use a dot as decimal separator unless {@link
 * #decimalComma} is set, booleans are {@code true}/{@code false}, an empty cell (or one of the
 * {@link #missingValues} tokens) is a missing value, and fields may be quoted as in RFC 4180.
 *
 * <p>A bank's own export rarely has these names: {@link #label} names the outcome column and the
 * value that means a default, {@link #idColumn} the applicant id column, {@link #ignoreColumns}
 * columns that are not features; without an as-of date column ({@link #requireAsOfDate} false)
 * every row is as of {@link #asOfDefault}.
 *
 * <p>Every value goes through the same validation as a scoring request ({@link
 * Encoder#validate}), so data the model will refuse at scoring time is refused at training time.
 * Nothing is skipped or guessed: the reader collects every problem, and if there is any it throws
 * a {@link DataFileException} listing the first ones with their line and column.
 *
 * <pre>{@code
 * LabeledData data = LabeledCsvReader.forSchema(FeatureSchema.read(Path.of("schema.json")))
 *     .maxReportedProblems(50)
 *     .read(Path.of("bank-export.csv"));
 * }</pre>
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class LabeledCsvReader {

  /** Column of the applicant id. */
  public static final String APPLICANT_ID = "applicant_id";

  /** Column of the as-of date. */
  public static final String AS_OF_DATE = "as_of_date";

  /** Column of the outcome, 1 for a default within 12 months. */
  public static final String DEFAULT_12M = "default_12m";

  /** Optional column of the generator's true probability of default. */
  public static final String TRUE_PD = "true_pd";

  /** Plain decimal numbers; Java's parser alone would also take {@code 1f} or hex floats. */
  private static final Pattern NUMBER =
      Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");

  /** A number written with a decimal comma (Spanish-locale Excel): {@code 2,5}, {@code -0,75}. */
  private static final Pattern DECIMAL_COMMA = Pattern.compile("[+-]?\\d*,\\d+");

  private final FeatureSchema schema;
  private final Encoder validator;
  private final Options o;

  /** Everything but the schema; the defaults read the generated farmer CSV. */
  private record Options(int maxReportedProblems, Character delimiter, String label,
      String positive, String idColumn, Set<String> ignore, Set<String> missing,
      boolean decimalComma, boolean requireAsOfDate, LocalDate asOfDefault) {}

  private LabeledCsvReader(FeatureSchema schema, Options o) {
    this.schema = schema;
    // Validation does not depend on fitted values, so any preprocessing of the schema will do.
    this.validator = Encoder.validating(schema);
    this.o = o;
  }

  /** A reader for {@code schema} with the defaults: up to 20 problems, the farmer CSV's names. */
  public static LabeledCsvReader forSchema(FeatureSchema schema) {
    return new LabeledCsvReader(schema, new Options(20, null, DEFAULT_12M, null, APPLICANT_ID,
        Set.of(), Set.of(), false, true, null));
  }

  /** This reader reporting at most {@code max} problems in detail (all are counted). */
  public LabeledCsvReader maxReportedProblems(int max) {
    if (max < 1) {
      throw new IllegalArgumentException("maxReportedProblems must be at least 1");
    }
    return with(new Options(max, o.delimiter, o.label, o.positive, o.idColumn, o.ignore,
        o.missing, o.decimalComma, o.requireAsOfDate, o.asOfDefault));
  }

  /** This reader with a fixed delimiter (null: detect it from the header, the default). */
  public LabeledCsvReader delimiter(Character delimiter) {
    if (delimiter != null && (delimiter == '"' || delimiter == '\n' || delimiter == '\r')) {
      throw new IllegalArgumentException("the delimiter cannot be a quote or a line break");
    }
    return with(new Options(o.maxReportedProblems, delimiter, o.label, o.positive, o.idColumn,
        o.ignore, o.missing, o.decimalComma, o.requireAsOfDate, o.asOfDefault));
  }

  /**
   * This reader taking the outcome from {@code column}, where {@code positive} marks a default and
   * the column's one other value a repayment (e.g. {@code bad} and {@code good}). With {@code
   * positive} null (the default) the outcome is {@code 1}/{@code 0} (or {@code 1.0}/{@code 0.0}).
   */
  public LabeledCsvReader label(String column, String positive) {
    requireName(column, "label column");
    return with(new Options(o.maxReportedProblems, o.delimiter, column,
        positive == null || positive.isBlank() ? null : positive.trim(), o.idColumn, o.ignore,
        o.missing, o.decimalComma, o.requireAsOfDate, o.asOfDefault));
  }

  /** This reader taking applicant ids from {@code column} (default {@code applicant_id}). */
  public LabeledCsvReader idColumn(String column) {
    requireName(column, "id column");
    return with(new Options(o.maxReportedProblems, o.delimiter, o.label, o.positive, column,
        o.ignore, o.missing, o.decimalComma, o.requireAsOfDate, o.asOfDefault));
  }

  /** This reader skipping {@code columns} (e.g. a branch code that is not a feature). */
  public LabeledCsvReader ignoreColumns(Collection<String> columns) {
    return with(new Options(o.maxReportedProblems, o.delimiter, o.label, o.positive, o.idColumn,
        Set.copyOf(columns), o.missing, o.decimalComma, o.requireAsOfDate, o.asOfDefault));
  }

  /** This reader treating cells equal to one of {@code tokens} (e.g. {@code NA}, {@code ?}) as missing. */
  public LabeledCsvReader missingValues(Collection<String> tokens) {
    return with(new Options(o.maxReportedProblems, o.delimiter, o.label, o.positive, o.idColumn,
        o.ignore, Set.copyOf(tokens), o.decimalComma, o.requireAsOfDate, o.asOfDefault));
  }

  /** This reader reading numbers with a decimal comma ({@code 2,5}); refused with a hint otherwise. */
  public LabeledCsvReader decimalComma(boolean decimalComma) {
    return with(new Options(o.maxReportedProblems, o.delimiter, o.label, o.positive, o.idColumn,
        o.ignore, o.missing, decimalComma, o.requireAsOfDate, o.asOfDefault));
  }

  /**
   * This reader with the {@code as_of_date} column required (the default, and what an
   * out-of-time split needs) or optional; without the column every row is as of {@code
   * asOfDefault}.
   */
  public LabeledCsvReader requireAsOfDate(boolean required, LocalDate asOfDefault) {
    if (!required && asOfDefault == null) {
      throw new IllegalArgumentException("an optional as_of_date needs a default date");
    }
    return with(new Options(o.maxReportedProblems, o.delimiter, o.label, o.positive, o.idColumn,
        o.ignore, o.missing, o.decimalComma, required, asOfDefault));
  }

  private LabeledCsvReader with(Options options) {
    return new LabeledCsvReader(schema, options);
  }

  private static void requireName(String name, String what) {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("the " + what + " needs a name");
    }
  }

  /**
   * Reads and validates the whole file.
   *
   * @throws DataFileException listing the first problems by line and column
   * @throws IOException if the file cannot be read
   */
  public LabeledData read(Path csv) throws IOException {
    try (BufferedReader in = Files.newBufferedReader(csv, StandardCharsets.UTF_8)) {
      return read(in, csv.getFileName().toString());
    }
  }

  /**
   * Reads and validates CSV text from {@code in} (not closed).
   *
   * @param source the name used in messages
   * @throws DataFileException listing the first problems by line and column
   */
  public LabeledData read(BufferedReader in, String source) throws IOException {
    Problems problems = new Problems(o.maxReportedProblems);
    // The table is not closed here: closing it would close the caller's reader.
    Csv.Table table = Csv.open(in, o.delimiter);
    if (table.header().isEmpty()) {
      problems.add(new DataProblem(1, "*", "MISSING_COLUMN",
          "the file is empty; expected a header"));
      throw problems.exception(source);
    }
    Layout layout = layout(table, problems);
    if (layout == null) {
      throw problems.exception(source);
    }
    List<LabeledRow> rows = new ArrayList<>();
    long line = 1;
    String[] negative = new String[1];
    try {
      for (Csv.Row r = table.next(); r != null; r = table.next()) {
        line = r.line();
        if (r.fields().size() == 1 && r.fields().get(0).isEmpty()) {
          problems.add(new DataProblem(line, "*", "FIELD_COUNT", "empty line"));
          continue;
        }
        LabeledRow row = parseRow(r.fields(), line, layout, problems, negative);
        if (row != null) {
          rows.add(row);
        }
      }
    } catch (Csv.SyntaxException e) {
      problems.add(new DataProblem(e.line(), "*", "BAD_QUOTING",
          e.getMessage().substring(e.getMessage().indexOf(": ") + 2)
              + "; nothing after it was read"));
    }
    if (problems.total > 0) {
      throw problems.exception(source);
    }
    if (rows.isEmpty()) {
      problems.add(new DataProblem(line, "*", "FIELD_COUNT", "the file has no data rows"));
      throw problems.exception(source);
    }
    return new LabeledData(schema, rows);
  }

  /** Column positions (-1: absent); null when the header is unusable. */
  private record Layout(int columns, int id, int date, int label, int truePd, int[] feature) {}

  private Layout layout(Csv.Table table, Problems problems) {
    List<String> header = table.header();
    if (header.size() == 1 && schema.size() > 0) {
      String only = header.get(0);
      char likely = Csv.detectDelimiter(only);
      problems.add(new DataProblem(1, "*", "UNSPLIT_HEADER", "the header is one column ("
          + abbreviate(only) + ") split on the " + Csv.describe(table.delimiter())
          + (only.indexOf(likely) >= 0 ? "; the file looks " + Csv.describe(likely)
              + "-separated: pass --delimiter '" + likely + "'" : "")
          + "; columns are separated by a comma, semicolon, tab or bar"));
      return null;
    }
    Map<String, Integer> position = new HashMap<>();
    for (int i = 0; i < header.size(); i++) {
      String name = header.get(i).trim();
      if (position.putIfAbsent(name, i) != null) {
        problems.add(new DataProblem(1, name, "DUPLICATE_COLUMN",
            "column appears at positions " + (position.get(name) + 1) + " and " + (i + 1)));
      }
    }
    List<String> required = new ArrayList<>();
    required.add(o.idColumn);
    if (o.requireAsOfDate) {
      required.add(AS_OF_DATE);
    }
    required.addAll(schema.featureNames());
    required.add(o.label);
    for (String name : required) {
      if (!position.containsKey(name)) {
        problems.add(new DataProblem(1, name, "MISSING_COLUMN",
            "schema '" + schema.name() + "' needs this column; expected header "
                + String.join(",", required) + "[," + TRUE_PD + "]"));
      }
    }
    for (String name : position.keySet()) {
      if (!required.contains(name) && !name.equals(TRUE_PD) && !name.equals(AS_OF_DATE)
          && !o.ignore.contains(name)) {
        problems.add(new DataProblem(1, name, "UNKNOWN_COLUMN",
            "schema '" + schema.name() + "' has no feature of this name (position "
                + (position.get(name) + 1) + "); name it in --ignore-columns if it is not one"));
      }
    }
    for (String name : o.ignore) {
      if (required.contains(name)) {
        problems.add(new DataProblem(1, name, "IGNORED_REQUIRED_COLUMN",
            "an ignored column cannot also be the id, the label or a feature"));
      }
    }
    if (problems.total > 0) {
      return null;
    }
    int[] feature = new int[schema.size()];
    for (int i = 0; i < feature.length; i++) {
      feature[i] = position.get(schema.features().get(i).name());
    }
    return new Layout(header.size(), position.get(o.idColumn),
        position.getOrDefault(AS_OF_DATE, -1), position.get(o.label),
        position.getOrDefault(TRUE_PD, -1), feature);
  }

  private LabeledRow parseRow(List<String> fields, long line, Layout layout, Problems problems,
      String[] negative) {
    if (fields.size() != layout.columns) {
      problems.add(new DataProblem(line, "*", "FIELD_COUNT",
          fields.size() + " fields but the header has " + layout.columns));
      return null;
    }
    int before = problems.total;
    String id = fields.get(layout.id);
    LocalDate asOf = layout.date < 0 ? o.asOfDefault : null;
    String date = layout.date < 0 ? "" : fields.get(layout.date).trim();
    if (!date.isEmpty()) {
      try {
        asOf = LocalDate.parse(date);
      } catch (DateTimeParseException e) {
        problems.add(new DataProblem(line, AS_OF_DATE, "BAD_DATE",
            "'" + abbreviate(date) + "' is not an ISO date (yyyy-MM-dd)"));
      }
    }
    ScoringRequest.Builder b = ScoringRequest.builder(id.isBlank() ? null : id, asOf);
    List<Feature> features = schema.features();
    boolean decimalCommas = false;
    for (int i = 0; i < features.size(); i++) {
      Feature f = features.get(i);
      String cell = fields.get(layout.feature[i]);
      if (f instanceof NumericFeature && !o.decimalComma
          && DECIMAL_COMMA.matcher(cell.trim()).matches()) {
        problems.add(new DataProblem(line, f.name(), "DECIMAL_COMMA", "'" + abbreviate(cell)
            + "' has a decimal comma; export numbers with a dot, or pass --decimal-comma"));
        decimalCommas = true;
        continue;
      }
      b.setRaw(f.name(), parseValue(f, o.missing.contains(cell.trim()) ? "" : cell));
    }
    if (decimalCommas) {
      // The request lacks those values; validating it would only repeat them as MISSING.
      return null;
    }
    ScoringRequest request = b.build();
    for (Violation v : validator.validate(request)) {
      String column = switch (v.field()) {
        case "applicantId" -> o.idColumn;
        case "asOfDate" -> AS_OF_DATE;
        default -> v.field();
      };
      // A date that is present but malformed was reported above as BAD_DATE.
      if (!column.equals(AS_OF_DATE) || date.isEmpty()) {
        problems.add(new DataProblem(line, column, v.rule().name(), v.message()));
      }
    }
    int defaulted = outcome(fields.get(layout.label).trim(), line, problems, negative);
    double truePd = Double.NaN;
    if (layout.truePd >= 0) {
      String t = fields.get(layout.truePd).trim();
      if (!t.isEmpty()) {
        truePd = NUMBER.matcher(t).matches() ? Double.parseDouble(t) : Double.NaN;
        if (!(truePd >= 0 && truePd <= 1)) {
          problems.add(new DataProblem(line, TRUE_PD, "BAD_TRUE_PD",
              "expected a probability in [0, 1] or an empty cell, got '" + abbreviate(t) + "'"));
        }
      }
    }
    return problems.total > before ? null : new LabeledRow(line, request, defaulted, truePd);
  }

  /**
   * 1 for a default, 0 for a repayment, -1 (and a problem) otherwise. With a positive value, the
   * first other value seen is the repayment and any third value is refused.
   */
  private int outcome(String label, long line, Problems problems, String[] negative) {
    if (o.positive == null) {
      if (NUMBER.matcher(label).matches()) {
        double v = Double.parseDouble(label);
        if (v == 0 || v == 1) {
          return (int) v;
        }
      }
      problems.add(new DataProblem(line, o.label, "BAD_LABEL", "expected 0 or 1, got '"
          + abbreviate(label) + "'" + (label.isEmpty() ? ""
              : "; name the value that means a default with --positive")));
      return -1;
    }
    if (label.equals(o.positive)) {
      return 1;
    }
    if (!label.isEmpty() && !o.missing.contains(label)
        && (negative[0] == null || negative[0].equals(label))) {
      negative[0] = label;
      return 0;
    }
    problems.add(new DataProblem(line, o.label, "BAD_LABEL", "expected '" + o.positive
        + "' (a default)" + (negative[0] == null ? "" : " or '" + negative[0] + "'")
        + ", got '" + abbreviate(label) + "'"));
    return -1;
  }

  /**
   * The raw value for the request: null for an empty cell, a Double, a String or a Boolean. A
   * cell of the wrong type is kept as text so that validation names it (rule WRONG_TYPE).
   */
  private Object parseValue(Feature f, String cell) {
    if (cell.isEmpty()) {
      return null;
    }
    if (f instanceof NumericFeature) {
      String t = cell.trim();
      if (o.decimalComma && DECIMAL_COMMA.matcher(t).matches()) {
        t = t.replace(',', '.');
      }
      if (NUMBER.matcher(t).matches()) {
        return Double.parseDouble(t);
      }
      return switch (t) {
        case "NaN" -> Double.NaN;
        case "Infinity", "+Infinity" -> Double.POSITIVE_INFINITY;
        case "-Infinity" -> Double.NEGATIVE_INFINITY;
        default -> cell;
      };
    }
    if (f instanceof BooleanFeature) {
      String t = cell.trim();
      if (t.equalsIgnoreCase("true")) {
        return Boolean.TRUE;
      }
      if (t.equalsIgnoreCase("false")) {
        return Boolean.FALSE;
      }
      return cell;
    }
    if (f instanceof CategoricalFeature) {
      return cell;
    }
    throw new IllegalStateException("unknown feature type " + f);
  }

  private static String abbreviate(String s) {
    return s.length() <= 40 ? s : s.substring(0, 40) + "...";
  }

  /** The first problems and the total count. */
  static final class Problems {
    private final int max;
    private final List<DataProblem> first = new ArrayList<>();
    private int total;

    Problems(int max) {
      this.max = max;
    }

    void add(DataProblem p) {
      total++;
      if (first.size() < max) {
        first.add(p);
      }
    }

    DataFileException exception(String source) {
      return new DataFileException(source, first, total);
    }
  }
}
