package pe.agriscore.samples.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.YearMonth;
import java.util.List;

/**
 * The derived calibration figures, read from the {@code peru-calibration.json} resource written by
 * {@link CalibrationDeriver}. Immutable; the bundled instance is loaded once.
 */
final class Calibration {

  /** Calibration figures of one crop. */
  record Crop(String id, double nationalYield, double yieldCv, double medianPrice,
      double priceIntraYearCv, double priceYoyLogScale) {}

  /** Calibration figures of one department. */
  record Department(
      String id,
      String name,
      double[] regionShares,
      double[] cropAreaShare,
      double[] yieldMean,
      double[] yieldCv,
      double[] medianPrice,
      double modelledCropAreaHa,
      double[] rainMeanMm,
      double[] rainSdMm,
      double speiOniSlope,
      double speiResidualSd,
      double speiLag1Autocorr,
      double coldMonthShare,
      double elNinoRainRatio) {}

  private static final class Holder {
    static final Calibration BUNDLED = load();
  }

  private final List<Crop> crops;
  private final List<Department> departments;
  private final YearMonth oniFirst;
  private final double[] oni;

  private Calibration(List<Crop> crops, List<Department> departments, YearMonth oniFirst,
      double[] oni) {
    this.crops = crops;
    this.departments = departments;
    this.oniFirst = oniFirst;
    this.oni = oni;
  }

  /** The calibration committed with AgriScore. */
  static Calibration bundled() {
    return Holder.BUNDLED;
  }

  private static Calibration load() {
    try (InputStream in = Calibration.class.getResourceAsStream(CalibrationDeriver.RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("resource " + CalibrationDeriver.RESOURCE
            + " is missing next to " + Calibration.class.getName());
      }
      return fromJson(new ObjectMapper().readTree(in));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + CalibrationDeriver.RESOURCE, e);
    }
  }

  /** Reads the figures; crops and departments in {@link FarmerSchema}'s level order. */
  static Calibration fromJson(JsonNode root) {
    List<String> cropIds = FarmerSchema.CROPS;
    Crop[] crops = new Crop[cropIds.size()];
    for (int k = 0; k < crops.length; k++) {
      String id = cropIds.get(k);
      JsonNode c = require(root.path("crops"), id, "crops");
      crops[k] = new Crop(id, num(c, "nationalYieldTHa"), num(c, "yieldCv"),
          num(c, "medianPricePenKg"), num(c, "priceIntraYearCv"), num(c, "priceYoyLogScale"));
    }
    Department[] departments = new Department[FarmerSchema.DEPARTMENTS.size()];
    for (int i = 0; i < departments.length; i++) {
      String id = FarmerSchema.DEPARTMENTS.get(i);
      JsonNode d = require(root.path("departments"), id, "departments");
      double[] shares = new double[FarmerSchema.NATURAL_REGIONS.size()];
      for (int r = 0; r < shares.length; r++) {
        shares[r] = num(d.path("regionShares"), FarmerSchema.NATURAL_REGIONS.get(r));
      }
      double[] area = new double[crops.length];
      double[] yieldMean = new double[crops.length];
      double[] yieldCv = new double[crops.length];
      double[] price = new double[crops.length];
      for (int k = 0; k < crops.length; k++) {
        String crop = cropIds.get(k);
        area[k] = num(d.path("cropAreaShare"), crop);
        JsonNode y = d.path("yield").path(crop);
        yieldMean[k] = y.isMissingNode() ? crops[k].nationalYield : num(y, "meanTHa");
        yieldCv[k] = y.isMissingNode() ? crops[k].yieldCv : num(y, "cv");
        JsonNode p = d.path("medianPricePenKg").path(crop);
        price[k] = p.isMissingNode() ? crops[k].medianPrice : p.asDouble();
      }
      departments[i] = new Department(id, d.path("name").asText(id), shares, area, yieldMean,
          yieldCv, price, num(d, "modelledCropAreaHa"),
          array(d.path("rainfall").path("monthlyMeanMm"), 12, id + ".rainfall.monthlyMeanMm"),
          array(d.path("rainfall").path("monthlySdMm"), 12, id + ".rainfall.monthlySdMm"),
          num(d.path("drought"), "spei3OniSlope"), num(d.path("drought"), "spei3ResidualSd"),
          num(d.path("drought"), "spei3Lag1Autocorr"), num(d.path("cold"), "coldMonthShare"),
          num(d.path("elNino"), "jfm1998RainRatio"));
    }
    JsonNode oni = root.path("oni");
    JsonNode values = oni.path("monthlyC");
    return new Calibration(List.of(crops), List.of(departments),
        YearMonth.parse(oni.path("firstMonth").asText("1950-01")),
        array(values, values.size(), "oni.monthlyC"));
  }

  List<Crop> crops() {
    return crops;
  }

  List<Department> departments() {
    return departments;
  }

  /** The first month with an ONI value. */
  YearMonth oniFirst() {
    return oniFirst;
  }

  /** The last month with an ONI value. */
  YearMonth oniLast() {
    return oniFirst.plusMonths(oni.length - 1L);
  }

  /**
   * The ONI of the three-month season centred on {@code month}.
   *
   * @throws IllegalArgumentException outside the series
   */
  double oni(YearMonth month) {
    long i = oniFirst.until(month, java.time.temporal.ChronoUnit.MONTHS);
    if (i < 0 || i >= oni.length) {
      throw new IllegalArgumentException("no ONI value for " + month + "; the calibration covers "
          + oniFirst + " to " + oniLast());
    }
    return oni[(int) i];
  }

  private static JsonNode require(JsonNode parent, String key, String where) {
    JsonNode n = parent.path(key);
    if (n.isMissingNode()) {
      throw new IllegalStateException(CalibrationDeriver.RESOURCE + ": " + where + "." + key
          + " is missing");
    }
    return n;
  }

  private static double num(JsonNode parent, String key) {
    JsonNode n = parent.path(key);
    if (!n.isNumber()) {
      throw new IllegalStateException(CalibrationDeriver.RESOURCE + ": '" + key
          + "' is missing or not a number");
    }
    return n.asDouble();
  }

  private static double[] array(JsonNode node, int length, String where) {
    if (!node.isArray() || node.size() != length || length == 0) {
      throw new IllegalStateException(CalibrationDeriver.RESOURCE + ": " + where + " must be an "
          + "array of " + length + " numbers");
    }
    double[] a = new double[length];
    for (int i = 0; i < length; i++) {
      a[i] = node.get(i).asDouble();
    }
    return a;
  }
}
