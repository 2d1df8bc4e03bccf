package pe.agriscore.samples.training;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import pe.agriscore.preprocessing.Encoder;
import pe.agriscore.request.ScoringRequest;
import pe.agriscore.request.Violation;
import pe.agriscore.samples.data.Csv;
import pe.agriscore.schema.BooleanFeature;
import pe.agriscore.schema.CategoricalFeature;
import pe.agriscore.schema.Feature;
import pe.agriscore.schema.FeatureSchema;
import pe.agriscore.schema.NumericFeature;

/**
 * Reads labelled training data from CSV, driven by a {@link FeatureSchema}: the generated farmer
 * data, or a bank's own export with a schema written by hand.
 *
 * <p>The file is UTF-8 with a header line naming {@code applicant_id}, {@code as_of_date} (ISO
 * {@code yyyy-MM-dd}), one column per schema feature, {@code default_12m} ({@code 0} or {@code 1})
 * and optionally {@code true_pd} (generated data only), conventionally in that order. Numbers use
 * a dot as decimal separator, booleans are {@code true}/{@code false}, an empty cell is a missing
 * value, and fields may be quoted as in RFC 4180 (without line breaks inside).
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

  private final FeatureSchema schema;
  private final Encoder validator;
  private final int maxReportedProblems;

  private LabeledCsvReader(FeatureSchema schema, int maxReportedProblems) {
    this.schema = schema;
    // Validation does not depend on fitted values, so any preprocessing of the schema will do.
    this.validator = Encoder.validating(schema);
    this.maxReportedProblems = maxReportedProblems;
  }

  /** A reader for {@code schema} that reports up to 20 problems. */
  public static LabeledCsvReader forSchema(FeatureSchema schema) {
    return new LabeledCsvReader(schema, 20);
  }

  /** This reader reporting at most {@code max} problems in detail (all are counted). */
  public LabeledCsvReader maxReportedProblems(int max) {
    if (max < 1) {
      throw new IllegalArgumentException("maxReportedProblems must be at least 1");
    }
    return new LabeledCsvReader(schema, max);
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
    Problems problems = new Problems(maxReportedProblems);
    String headerLine = in.readLine();
    if (headerLine == null) {
      problems.add(new DataProblem(1, "*", "MISSING_COLUMN",
          "the file is empty; expected a header"));
      throw problems.exception(source);
    }
    if (headerLine.startsWith("\uFEFF")) {
      headerLine = headerLine.substring(1);
    }
    Layout layout = layout(headerLine, problems);
    if (layout == null) {
      throw problems.exception(source);
    }
    List<LabeledRow> rows = new ArrayList<>();
    long line = 1;
    for (String text = in.readLine(); text != null; text = in.readLine()) {
      line++;
      if (text.isEmpty()) {
        problems.add(new DataProblem(line, "*", "FIELD_COUNT", "empty line"));
        continue;
      }
      LabeledRow row = parseRow(text, line, layout, problems);
      if (row != null) {
        rows.add(row);
      }
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

  /** Column positions; null when the header is unusable. */
  private record Layout(int columns, int id, int date, int label, int truePd, int[] feature) {}

  private Layout layout(String headerLine, Problems problems) {
    List<String> header = split(headerLine, 1, problems);
    if (header == null) {
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
    List<String> required = new ArrayList<>(List.of(APPLICANT_ID, AS_OF_DATE));
    required.addAll(schema.featureNames());
    required.add(DEFAULT_12M);
    for (String name : required) {
      if (!position.containsKey(name)) {
        problems.add(new DataProblem(1, name, "MISSING_COLUMN",
            "schema '" + schema.name() + "' needs this column; expected header "
                + String.join(",", required) + "[," + TRUE_PD + "]"));
      }
    }
    for (String name : position.keySet()) {
      if (!required.contains(name) && !name.equals(TRUE_PD)) {
        problems.add(new DataProblem(1, name, "UNKNOWN_COLUMN",
            "schema '" + schema.name() + "' has no feature of this name (position "
                + (position.get(name) + 1) + ")"));
      }
    }
    if (problems.total > 0) {
      return null;
    }
    int[] feature = new int[schema.size()];
    for (int i = 0; i < feature.length; i++) {
      feature[i] = position.get(schema.features().get(i).name());
    }
    return new Layout(header.size(), position.get(APPLICANT_ID), position.get(AS_OF_DATE),
        position.get(DEFAULT_12M), position.getOrDefault(TRUE_PD, -1), feature);
  }

  private LabeledRow parseRow(String text, long line, Layout layout, Problems problems) {
    List<String> fields = split(text, line, problems);
    if (fields == null) {
      return null;
    }
    if (fields.size() != layout.columns) {
      problems.add(new DataProblem(line, "*", "FIELD_COUNT",
          fields.size() + " fields but the header has " + layout.columns));
      return null;
    }
    int before = problems.total;
    String id = fields.get(layout.id);
    LocalDate asOf = null;
    String date = fields.get(layout.date).trim();
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
    for (int i = 0; i < features.size(); i++) {
      Feature f = features.get(i);
      Object value = parseValue(f, fields.get(layout.feature[i]));
      b.setRaw(f.name(), value);
    }
    ScoringRequest request = b.build();
    for (Violation v : validator.validate(request)) {
      String column = switch (v.field()) {
        case "applicantId" -> APPLICANT_ID;
        case "asOfDate" -> AS_OF_DATE;
        default -> v.field();
      };
      // A date that is present but malformed was reported above as BAD_DATE.
      if (!column.equals(AS_OF_DATE) || date.isEmpty()) {
        problems.add(new DataProblem(line, column, v.rule().name(), v.message()));
      }
    }
    String label = fields.get(layout.label).trim();
    int defaulted = label.equals("1") ? 1 : label.equals("0") ? 0 : -1;
    if (defaulted < 0) {
      problems.add(new DataProblem(line, DEFAULT_12M, "BAD_LABEL",
          "expected 0 or 1, got '" + abbreviate(label) + "'"));
    }
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
   * The raw value for the request: null for an empty cell, a Double, a String or a Boolean. A
   * cell of the wrong type is kept as text so that validation names it (rule WRONG_TYPE).
   */
  private static Object parseValue(Feature f, String cell) {
    if (cell.isEmpty()) {
      return null;
    }
    if (f instanceof NumericFeature) {
      String t = cell.trim();
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

  /** RFC 4180 fields of one line; null (and a problem) when the quoting is broken. */
  static List<String> split(String text, long line, Problems problems) {
    try {
      return List.of(Csv.split(text, "line " + line));
    } catch (IllegalArgumentException e) {
      problems.add(new DataProblem(line, "*", "BAD_QUOTING", e.getMessage()));
      return null;
    }
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
