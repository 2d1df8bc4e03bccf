package pe.agriscore.schema;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import pe.agriscore.internal.Json;

/**
 * {@code scorecard.json}: how a probability of default becomes points and a risk grade.
 *
 * <p>Points follow the industry's points-to-double-odds scale: with good:bad odds {@code o = (1 -
 * p) / p}, {@code points = basePoints + pointsToDoubleOdds * log2(o / baseOdds)}, rounded and
 * clamped to [{@code minPoints}, {@code maxPoints}]. So {@code basePoints} is scored at {@code
 * baseOdds}, and every {@code pointsToDoubleOdds} more points halve the odds of default.
 *
 * <pre>{@code
 * {"basePoints": 600, "baseOdds": 30, "pointsToDoubleOdds": 20,
 *  "minPoints": 300, "maxPoints": 850,
 *  "grades": [{"grade": "A", "minPoints": 680}, {"grade": "B", "minPoints": 640},
 *             {"grade": "C", "minPoints": 600}, {"grade": "D", "minPoints": 560},
 *             {"grade": "E", "minPoints": 300}]}
 * }</pre>
 *
 * @param basePoints points at {@code baseOdds}
 * @param baseOdds good:bad odds that score {@code basePoints}
 * @param pointsToDoubleOdds points that double the good:bad odds (PDO)
 * @param minPoints lowest reported score
 * @param maxPoints highest reported score
 * @param grades grade bands, highest first; the last must start at or below {@code minPoints}
 */
public record ScoreScale(
    double basePoints,
    double baseOdds,
    double pointsToDoubleOdds,
    int minPoints,
    int maxPoints,
    List<Grade> grades) {

  /** Smallest accepted {@code pointsToDoubleOdds}. */
  public static final double MIN_PDO = 1;

  /** Largest accepted {@code pointsToDoubleOdds}. */
  public static final double MAX_PDO = 1000;

  /** Largest accepted absolute value of {@code basePoints}, {@code minPoints}, {@code maxPoints}. */
  public static final int MAX_ABS_POINTS = 100_000;

  /** Probabilities are kept this far from 0 and 1 so that points stay finite. */
  private static final double P_EPSILON = 1e-12;

  /** Validates. */
  @JsonCreator
  public ScoreScale(
      @JsonProperty("basePoints") double basePoints,
      @JsonProperty("baseOdds") double baseOdds,
      @JsonProperty("pointsToDoubleOdds") double pointsToDoubleOdds,
      @JsonProperty("minPoints") int minPoints,
      @JsonProperty("maxPoints") int maxPoints,
      @JsonProperty("grades") List<Grade> grades) {
    if (!Double.isFinite(basePoints) || Math.abs(basePoints) > MAX_ABS_POINTS) {
      throw new IllegalArgumentException("'basePoints' must be a finite number within +-"
          + MAX_ABS_POINTS + ", got " + basePoints);
    }
    if (!(baseOdds > 0) || Double.isInfinite(baseOdds)) {
      throw new IllegalArgumentException("'baseOdds' must be a finite positive number, got "
          + baseOdds);
    }
    if (!(pointsToDoubleOdds >= MIN_PDO && pointsToDoubleOdds <= MAX_PDO)) {
      throw new IllegalArgumentException("'pointsToDoubleOdds' must be a number in [" + MIN_PDO
          + ", " + MAX_PDO + "], got " + pointsToDoubleOdds);
    }
    if (Math.abs((long) minPoints) > MAX_ABS_POINTS || Math.abs((long) maxPoints) > MAX_ABS_POINTS) {
      throw new IllegalArgumentException("'minPoints' and 'maxPoints' must lie within +-"
          + MAX_ABS_POINTS);
    }
    if (minPoints >= maxPoints) {
      throw new IllegalArgumentException("'minPoints' (" + minPoints + ") must be below"
          + " 'maxPoints' (" + maxPoints + ")");
    }
    checkGrades(grades, minPoints, maxPoints);
    this.basePoints = basePoints;
    this.baseOdds = baseOdds;
    this.pointsToDoubleOdds = pointsToDoubleOdds;
    this.minPoints = minPoints;
    this.maxPoints = maxPoints;
    this.grades = List.copyOf(grades);
  }

  /** The unrounded, unclamped points of probability of default {@code pd}. */
  public double rawPoints(double pd) {
    double p = Math.min(Math.max(pd, P_EPSILON), 1 - P_EPSILON);
    double odds = (1 - p) / p;
    return basePoints + pointsToDoubleOdds * (Math.log(odds / baseOdds) / Math.log(2));
  }

  /**
   * {@code rawPoints} clamped to [{@code minPoints}, {@code maxPoints}] but not rounded: the scale
   * reason-code contributions are measured on, so that no reason claims points beyond the
   * reported range. Infinite points clamp to the nearest end; NaN is refused.
   *
   * @throws IllegalArgumentException if {@code rawPoints} is NaN
   */
  public double clamp(double rawPoints) {
    if (Double.isNaN(rawPoints)) {
      throw new IllegalArgumentException("points are NaN");
    }
    return Math.max(minPoints, Math.min(maxPoints, rawPoints));
  }

  /** The reported score of {@code pd}: rounded and clamped. */
  public int points(double pd) {
    long rounded = Math.round(rawPoints(pd));
    return (int) Math.max(minPoints, Math.min(maxPoints, rounded));
  }

  /** The grade of a reported score. */
  public Grade grade(int points) {
    for (Grade g : grades) {
      if (points >= g.minPoints()) {
        return g;
      }
    }
    return grades.get(grades.size() - 1);
  }

  /**
   * Grade bands, highest first, must cover [{@code minPoints}, {@code maxPoints}] with no gap,
   * overlap or unreachable band: strictly decreasing {@code minPoints} (a repeated one is an
   * empty band), the top band starting at or below {@code maxPoints}, every lower band starting
   * above {@code minPoints} except the last, which starts at or below it; names unique and
   * non-blank.
   */
  private static void checkGrades(List<Grade> grades, int minPoints, int maxPoints) {
    if (grades == null || grades.isEmpty()) {
      throw new IllegalArgumentException("'grades' must list at least one grade");
    }
    java.util.Set<String> names = new java.util.HashSet<>();
    for (int i = 0; i < grades.size(); i++) {
      Grade g = grades.get(i);
      if (g == null) {
        throw new IllegalArgumentException("grades[" + i + "] is null");
      }
      if (!names.add(g.grade())) {
        throw new IllegalArgumentException("grade '" + g.grade() + "' is listed twice");
      }
      if (i > 0) {
        Grade above = grades.get(i - 1);
        if (g.minPoints() > above.minPoints()) {
          throw new IllegalArgumentException("'grades' must be listed from highest minPoints"
              + " down, but '" + g.grade() + "' (" + g.minPoints() + ") follows '" + above.grade()
              + "' (" + above.minPoints() + ")");
        }
        if (g.minPoints() == above.minPoints()) {
          throw new IllegalArgumentException("grades '" + above.grade() + "' and '" + g.grade()
              + "' overlap: both start at " + g.minPoints() + ", so '" + g.grade()
              + "' is empty");
        }
        if (above.minPoints() <= minPoints) {
          throw new IllegalArgumentException("grade '" + g.grade() + "' is unreachable: '"
              + above.grade() + "' already takes every score from minPoints " + minPoints);
        }
      }
    }
    if (grades.get(0).minPoints() > maxPoints) {
      throw new IllegalArgumentException("grade '" + grades.get(0).grade() + "' is unreachable:"
          + " it starts at " + grades.get(0).minPoints() + ", above maxPoints " + maxPoints);
    }
    Grade last = grades.get(grades.size() - 1);
    if (last.minPoints() > minPoints) {
      throw new IllegalArgumentException("the last grade '" + last.grade() + "' starts at "
          + last.minPoints() + ": it must start at or below minPoints " + minPoints
          + " so that every score has a grade (scores " + minPoints + " to "
          + (last.minPoints() - 1) + " would have none)");
    }
  }

  /** This scale as indented JSON. */
  public String toJson() {
    try {
      return Json.write(this);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Parses {@code scorecard.json}.
   *
   * @throws IllegalArgumentException naming what is wrong
   */
  public static ScoreScale fromJson(String json) {
    try {
      return Json.read(json, ScoreScale.class);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException("invalid scorecard JSON: " + Json.describe(e), e);
    }
  }

  /**
   * A risk grade band.
   *
   * @param grade the grade's name, e.g. {@code A}
   * @param minPoints the lowest score in the band
   */
  public record Grade(String grade, int minPoints) {
    /** Validates. */
    @JsonCreator
    public Grade(@JsonProperty("grade") String grade, @JsonProperty("minPoints") int minPoints) {
      if (grade == null || grade.isBlank()) {
        throw new IllegalArgumentException("every grade needs a non-blank 'grade' name");
      }
      this.grade = grade;
      this.minPoints = minPoints;
    }
  }
}
