package pe.agriscore.internal.bundle;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import pe.agriscore.internal.OrderedValues;
import pe.agriscore.internal.Text;
import pe.agriscore.schema.BooleanFeature;
import pe.agriscore.schema.CategoricalFeature;
import pe.agriscore.schema.Feature;
import pe.agriscore.schema.FeatureSchema;
import pe.agriscore.schema.FeatureTransform;
import pe.agriscore.schema.NumericFeature;
import pe.agriscore.schema.Preprocessing;
import pe.agriscore.scoring.InvalidRequestException;
import pe.agriscore.scoring.ScoringRequest;
import pe.agriscore.scoring.Violation.Rule;
import pe.agriscore.scoring.Violation;

/**
 * Validates a request against a schema and turns it into the model's float vector, in one pass.
 *
 * <p>Compiled once per model from the schema and the fitted {@link Preprocessing}; after that,
 * encoding a valid request allocates nothing but the output array (none at all with {@link
 * #encode(ScoringRequest, float[], int)}): no maps, no boxing. Immutable and thread-safe.
 *
 * <p>Every value is computed in double and rounded to float once, so the same record gives
 * bit-identical vectors in the training pipeline and at scoring time.
 *
 * <pre>{@code
 * Encoder encoder = Encoder.compile(schema, preprocessing);
 * float[] row = encoder.encode(request);          // throws InvalidRequestException
 * List<Violation> problems = encoder.validate(request);
 * }</pre>
 */
public final class Encoder {

  private final FeatureSchema schema;
  private final Column[] columns;
  private final Map<String, Integer> featureIndex;
  private final int width;
  private final List<String> columnNames;
  /** The schema's feature order, which requests read by a schema-aware reader follow. */
  private final OrderedValues.Order order;

  private Encoder(FeatureSchema schema, Column[] columns, List<String> columnNames) {
    this.schema = schema;
    this.columns = columns;
    this.columnNames = Collections.unmodifiableList(columnNames);
    this.width = columnNames.size();
    Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < columns.length; i++) {
      index.put(columns[i].feature.name(), i);
    }
    this.featureIndex = index;
    this.order = OrderedValues.Order.of(schema.featureNames());
  }

  /**
   * Compiles the encoder.
   *
   * @throws IllegalArgumentException if the preprocessing does not match the schema feature for
   *     feature, or uses a transform that does not fit a feature's type
   */
  public static Encoder compile(FeatureSchema schema, Preprocessing preprocessing) {
    List<Feature> features = schema.features();
    List<FeatureTransform> transforms = preprocessing.transforms();
    if (features.size() != transforms.size()) {
      throw new IllegalArgumentException(
          "preprocessing has " + transforms.size() + " transforms but the schema has "
              + features.size() + " features");
    }
    Column[] columns = new Column[features.size()];
    List<String> names = new ArrayList<>();
    for (int i = 0; i < columns.length; i++) {
      Feature f = features.get(i);
      FeatureTransform t = transforms.get(i);
      if (!f.name().equals(t.feature())) {
        throw new IllegalArgumentException(
            "preprocessing transform " + i + " is for '" + t.feature() + "' but schema feature "
                + i + " is '" + f.name() + "'");
      }
      columns[i] = Column.of(f, t, names.size());
      columns[i].addNames(names);
    }
    return new Encoder(schema, columns, names);
  }

  /**
   * An encoder for validation only: the schema's rules with identity transforms (numbers as they
   * are, levels by index, booleans as 0/1). For tools that check data before any preprocessing is
   * fitted, such as a CSV reader.
   *
   * <pre>{@code
   * List<Violation> problems = Encoder.validating(schema).validate(request);
   * }</pre>
   */
  public static Encoder validating(FeatureSchema schema) {
    List<FeatureTransform> transforms = new ArrayList<>();
    for (Feature f : schema.features()) {
      transforms.add(f instanceof NumericFeature ? new FeatureTransform.Raw(f.name())
          : f instanceof CategoricalFeature ? new FeatureTransform.Index(f.name())
          : new FeatureTransform.Binary(f.name()));
    }
    return compile(schema, new Preprocessing(transforms));
  }

  /** The schema this encoder validates against. */
  public FeatureSchema schema() {
    return schema;
  }

  /** The number of floats per encoded row: the model's input width. */
  public int width() {
    return width;
  }

  /** Column names, e.g. {@code farm_size_ha}, {@code main_crop=potato}, {@code x#missing}. */
  public List<String> columnNames() {
    return columnNames;
  }

  /** The first column of feature {@code featureIndex} (schema order). */
  public int columnStart(int featureIndex) {
    return columns[featureIndex].start;
  }

  /** The number of columns feature {@code featureIndex} occupies. */
  public int columnCount(int featureIndex) {
    return columns[featureIndex].width;
  }

  /**
   * Validates and encodes into a new array.
   *
   * @throws InvalidRequestException with every violation found
   */
  public float[] encode(ScoringRequest request) {
    float[] out = new float[width];
    encode(request, out, 0);
    return out;
  }

  /**
   * Validates and encodes into {@code out[offset .. offset + width())}. On failure the target
   * range holds partial output and must not be used.
   *
   * @throws InvalidRequestException with every violation found
   */
  public void encode(ScoringRequest request, float[] out, int offset) {
    Problems problems = encodeOrCollect(request, out, offset,
        InvalidRequestException.MAX_VIOLATIONS);
    if (problems != null) {
      throw new InvalidRequestException(request.applicantId(), problems.violations,
          problems.omitted);
    }
  }

  /**
   * Every violation of {@code request}, with no cap (unlike {@link #encode}, which keeps {@value
   * InvalidRequestException#MAX_VIOLATIONS}); empty when it is valid.
   */
  public List<Violation> validate(ScoringRequest request) {
    Problems problems = encodeOrCollect(request, new float[width], 0, Integer.MAX_VALUE);
    return problems == null ? List.of() : problems.violations;
  }

  /**
   * Encodes one valid value of one feature into {@code out[offset ..]} (the feature's columns
   * only). Used for reference baselines.
   *
   * @throws IllegalArgumentException if the value is not valid for the feature
   */
  public void encodeValue(int featureIndex, Object value, float[] out, int offset) {
    List<Violation> v = new ArrayList<>(1);
    Column c = columns[featureIndex];
    if (!c.encode(value, out, offset - c.start, v)) {
      throw new IllegalArgumentException(v.isEmpty() ? c.feature.name() : v.get(0).toString());
    }
  }

  /** The violations found, at most a cap of them, and how many more there were. */
  private static final class Problems {
    final List<Violation> violations;
    final int omitted;

    Problems(List<Violation> violations, int omitted) {
      this.violations = violations;
      this.omitted = omitted;
    }
  }

  /**
   * Returns null when valid (the common case allocates nothing). Schema features give at most one
   * violation each; unknown fields, which a request can send without bound, are counted beyond
   * {@code cap}.
   */
  private Problems encodeOrCollect(ScoringRequest request, float[] out, int offset, int cap) {
    List<Violation> violations = null;
    Optional<Violation> id = ScoringRequest.applicantIdViolation(request.applicantId());
    if (id.isPresent()) {
      violations = add(violations, id.get());
    }
    Optional<Violation> date = ScoringRequest.asOfDateViolation(request.asOfDate());
    if (date.isPresent()) {
      violations = add(violations, date.get());
    }
    Map<String, Object> values = request.values();
    if (values instanceof OrderedValues ordered && order.sameAs(ordered.order())) {
      return encodeOrdered(ordered, out, offset, cap, violations);
    }
    int present = 0;
    for (Column c : columns) {
      Object raw = values.get(c.feature.name());
      if (raw != null || values.containsKey(c.feature.name())) {
        present++;
      }
      violations = encodeColumn(c, raw, out, offset, violations);
    }
    int omitted = 0;
    if (present < values.size()) {
      for (String name : values.keySet()) {
        if (!featureIndex.containsKey(name)) {
          if (violations != null && violations.size() >= cap) {
            omitted++;
          } else {
            violations = add(violations, unknownField(name));
          }
        }
      }
    }
    return violations == null ? null : new Problems(violations, omitted);
  }

  /**
   * {@link #encodeOrCollect} for values already in this schema's order: the same checks in the
   * same order, by index; the names the schema lacks are the extra ones, in the order sent.
   */
  private Problems encodeOrdered(OrderedValues values, float[] out, int offset, int cap,
      List<Violation> found) {
    List<Violation> violations = found;
    for (int i = 0; i < columns.length; i++) {
      Object raw = values.slot(i);
      Column c = columns[i];
      if (raw == OrderedValues.NUMBER) {
        if (violations == null && c instanceof NumericColumn n
            && n.encodeNumber(values.number(i), out, offset)) {
          continue;
        }
        raw = values.number(i);  // boxed for the general path and its messages
      }
      violations = encodeColumn(c, raw == OrderedValues.ABSENT ? null : raw, out, offset,
          violations);
    }
    int omitted = 0;
    for (int e = 0; e < values.extraCount(); e++) {
      if (violations != null && violations.size() >= cap) {
        omitted++;
      } else {
        violations = add(violations, unknownField(values.extraName(e)));
      }
    }
    return violations == null ? null : new Problems(violations, omitted);
  }

  /** Encodes one column; the violations so far, a new list on the first one, else null. */
  private static List<Violation> encodeColumn(Column c, Object raw, float[] out, int offset,
      List<Violation> violations) {
    if (violations == null) {
      if (c.encode(raw, out, offset, null)) {
        return null;
      }
      violations = new ArrayList<>();
    }
    c.encode(raw, out, offset, violations);
    return violations;
  }

  private Violation unknownField(String name) {
    return new Violation(name, Rule.UNKNOWN_FIELD, "schema '" + schema.name()
        + "' has no feature " + Text.quote(name, Violation.MAX_FIELD_LENGTH));
  }

  private static List<Violation> add(List<Violation> list, Violation v) {
    List<Violation> l = list == null ? new ArrayList<>() : list;
    l.add(v);
    return l;
  }

  /** One feature's validation and encoding. */
  private abstract static class Column {
    final Feature feature;
    final int start;
    final int width;
    final boolean indicator;

    Column(Feature feature, int start, int ownWidth) {
      this.feature = feature;
      this.start = start;
      this.indicator = feature.missing().imputes();
      this.width = ownWidth + (indicator ? 1 : 0);
    }

    static Column of(Feature f, FeatureTransform t, int start) {
      if (f instanceof NumericFeature nf) {
        if (t instanceof FeatureTransform.Standardize s) {
          return new NumericColumn(nf, start, s.mean(), s.scale(), null);
        }
        if (t instanceof FeatureTransform.Raw) {
          return new NumericColumn(nf, start, 0, 1, null);
        }
        if (t instanceof FeatureTransform.WoeBins w) {
          return new NumericColumn(nf, start, 0, 1, w);
        }
      } else if (f instanceof CategoricalFeature cf) {
        if (t instanceof FeatureTransform.OneHot) {
          return new CategoricalColumn(cf, start, null, false);
        }
        if (t instanceof FeatureTransform.Index) {
          return new CategoricalColumn(cf, start, null, true);
        }
        if (t instanceof FeatureTransform.WoeLevels w) {
          return new CategoricalColumn(cf, start, w, false);
        }
      } else if (f instanceof BooleanFeature bf && t instanceof FeatureTransform.Binary) {
        return new BooleanColumn(bf, start);
      }
      throw new IllegalArgumentException(
          "transform " + t.getClass().getSimpleName() + " does not apply to feature '" + f.name()
              + "' of type " + f.getClass().getSimpleName());
    }

    void addNames(List<String> names) {
      addOwnNames(names);
      if (indicator) {
        names.add(feature.name() + "#missing");
      }
    }

    void addOwnNames(List<String> names) {
      names.add(feature.name());
    }

    /**
     * Validates {@code raw} and writes this feature's columns at {@code base + start}. With a null
     * sink, stops at the first problem; otherwise appends every violation to it.
     */
    final boolean encode(Object raw, float[] out, int base, List<Violation> sink) {
      int at = base + start;
      if (raw == null) {
        if (!indicator) {
          if (sink != null) {
            sink.add(new Violation(feature.name(), Rule.MISSING, "a value is required"));
          }
          return false;
        }
        out[at + width - 1] = 1f;
        return encodePresent(feature.missing().value(), out, at, sink);
      }
      if (indicator) {
        out[at + width - 1] = 0f;
      }
      return encodePresent(raw, out, at, sink);
    }

    abstract boolean encodePresent(Object raw, float[] out, int at, List<Violation> sink);

    final boolean wrongType(Object raw, String expected, List<Violation> sink) {
      if (sink != null) {
        String got =
            raw instanceof Double ? "number " + raw
                : raw instanceof String s ? "string " + Text.quote(s, ECHO_LENGTH)
                : raw instanceof Boolean ? "boolean " + raw
                : raw instanceof ScoringRequest.WrongType w ? w.jsonType()
                : String.valueOf(raw);
        sink.add(new Violation(feature.name(), Rule.WRONG_TYPE,
            "expected " + expected + ", got " + got));
      }
      return false;
    }

    /** The longest echo of a request string in a message, in code points. */
    static final int ECHO_LENGTH = 40;
  }

  private static final class NumericColumn extends Column {
    private final NumericFeature nf;
    private final double mean;
    private final double scale;
    private final FeatureTransform.WoeBins woe;

    NumericColumn(NumericFeature nf, int start, double mean, double scale,
        FeatureTransform.WoeBins woe) {
      super(nf, start, 1);
      this.nf = nf;
      this.mean = mean;
      this.scale = scale;
      this.woe = woe;
    }

    /**
     * {@link #encode} of a number known to be present, unboxed: true if it is valid and written;
     * false, with nothing reported, for the general path to report.
     */
    boolean encodeNumber(double x, float[] out, int base) {
      if (!Double.isFinite(x) || x < nf.min() || x > nf.max()) {
        return false;
      }
      int at = base + start;
      if (indicator) {
        out[at + width - 1] = 0f;
      }
      out[at] = woe != null ? (float) woe.woeOf(x) : (float) ((x - mean) / scale);
      return true;
    }

    @Override
    boolean encodePresent(Object raw, float[] out, int at, List<Violation> sink) {
      if (!(raw instanceof Double d)) {
        return wrongType(raw, "a number", sink);
      }
      double x = d;
      if (!Double.isFinite(x)) {
        if (sink != null) {
          sink.add(new Violation(nf.name(), Rule.NOT_FINITE, "value " + x + " is not finite"));
        }
        return false;
      }
      if (x < nf.min() || x > nf.max()) {
        if (sink != null) {
          sink.add(new Violation(nf.name(), Rule.OUT_OF_RANGE,
              "value " + x + " is outside [" + nf.min() + ", " + nf.max() + "]"
                  + (nf.unit().isEmpty() ? "" : " " + nf.unit())));
        }
        return false;
      }
      out[at] = woe != null ? (float) woe.woeOf(x) : (float) ((x - mean) / scale);
      return true;
    }
  }

  private static final class CategoricalColumn extends Column {
    private final CategoricalFeature cf;
    private final Map<String, Integer> levelIndex = new HashMap<>();
    private final float[] levelValue;
    private final boolean oneHot;
    private final int ownWidth;

    CategoricalColumn(CategoricalFeature cf, int start, FeatureTransform.WoeLevels woe,
        boolean index) {
      super(cf, start, woe != null || index ? 1 : cf.levels().size());
      this.cf = cf;
      this.oneHot = woe == null && !index;
      this.ownWidth = oneHot ? cf.levels().size() : 1;
      List<String> levels = cf.levels();
      this.levelValue = new float[levels.size()];
      for (int i = 0; i < levels.size(); i++) {
        levelIndex.put(levels.get(i), i);
        if (woe != null) {
          Double w = woe.woe().get(levels.get(i));
          if (w == null) {
            throw new IllegalArgumentException(
                cf.name() + ": woe_levels has no weight of evidence for level '" + levels.get(i)
                    + "'");
          }
          levelValue[i] = (float) (double) w;
        } else {
          levelValue[i] = i;
        }
      }
      if (woe != null) {
        for (String level : woe.woe().keySet()) {
          if (!levelIndex.containsKey(level)) {
            throw new IllegalArgumentException(
                cf.name() + ": woe_levels names level '" + level + "' that the schema lacks");
          }
        }
      }
    }

    @Override
    void addOwnNames(List<String> names) {
      if (oneHot) {
        for (String level : cf.levels()) {
          names.add(cf.name() + "=" + level);
        }
      } else {
        names.add(cf.name());
      }
    }

    @Override
    boolean encodePresent(Object raw, float[] out, int at, List<Violation> sink) {
      if (!(raw instanceof String s)) {
        return wrongType(raw, "a string (one of the levels)", sink);
      }
      Integer idx = levelIndex.get(s);
      if (idx == null) {
        if (cf.unknown() == CategoricalFeature.UnknownPolicy.MAP) {
          idx = levelIndex.get(cf.unknownLevel());
        } else {
          if (sink != null) {
            sink.add(new Violation(cf.name(), Rule.UNKNOWN_CATEGORY,
                "level " + Text.quote(s, ECHO_LENGTH) + " is not one of " + cf.levels()));
          }
          return false;
        }
      }
      if (oneHot) {
        for (int i = 0; i < ownWidth; i++) {
          out[at + i] = 0f;
        }
        out[at + idx] = 1f;
      } else {
        out[at] = levelValue[idx];
      }
      return true;
    }
  }

  private static final class BooleanColumn extends Column {
    BooleanColumn(BooleanFeature bf, int start) {
      super(bf, start, 1);
    }

    @Override
    boolean encodePresent(Object raw, float[] out, int at, List<Violation> sink) {
      if (!(raw instanceof Boolean b)) {
        return wrongType(raw, "true or false", sink);
      }
      out[at] = b ? 1f : 0f;
      return true;
    }
  }
}
