package pe.agriscore.samples.data;

import java.time.LocalDate;
import java.util.Objects;
import pe.agriscore.scoring.ScoringRequest;

/**
 * One loan application of a Peruvian smallholder with its outcome: the {@link ScoringRequest} a
 * bank would score (features of {@link FarmerSchema}), whether the farmer defaulted within 12
 * months of the as-of date, and, for generated data, the true probability of that default.
 *
 * <pre>{@code
 * for (FarmerRecord r : FarmerDataGenerator.builder().seed(7).rows(1_000).build().generate()) {
 *   double score = model.predict(r.request());
 *   boolean bad = r.defaulted();
 * }
 * }</pre>
 *
 * @param applicantId the applicant id (also the request's)
 * @param asOfDate the date the features describe (also the request's)
 * @param request the features
 * @param department the department level (also in the request), for grouping
 * @param naturalRegion costa, sierra or selva (also in the request)
 * @param mainCrop the main crop level (also in the request)
 * @param defaulted {@code true} when the loan defaulted within 12 months ({@code default_12m = 1})
 * @param truePd the probability of default the outcome was drawn from; {@code NaN} for real data
 *     (a bank's export has no true probability)
 */
public record FarmerRecord(
    String applicantId,
    LocalDate asOfDate,
    ScoringRequest request,
    String department,
    String naturalRegion,
    String mainCrop,
    boolean defaulted,
    double truePd) {

  /** Checks that the parts agree with the request. */
  public FarmerRecord {
    Objects.requireNonNull(request, "request");
    if (!Objects.equals(applicantId, request.applicantId())
        || !Objects.equals(asOfDate, request.asOfDate())) {
      throw new IllegalArgumentException("applicant id and as-of date must be the request's");
    }
    if (!(Double.isNaN(truePd) || (truePd >= 0 && truePd <= 1))) {
      throw new IllegalArgumentException(applicantId + ": true_pd " + truePd
          + " must be in [0, 1] or NaN (unknown)");
    }
  }

  /**
   * A record whose grouping fields are read from the request.
   *
   * @throws IllegalArgumentException if the request lacks department, natural region or crop
   */
  public static FarmerRecord of(ScoringRequest request, boolean defaulted, double truePd) {
    return new FarmerRecord(request.applicantId(), request.asOfDate(), request,
        level(request, FarmerSchema.DEPARTMENT), level(request, FarmerSchema.NATURAL_REGION),
        level(request, FarmerSchema.MAIN_CROP), defaulted, truePd);
  }

  /** {@code true} for generated data, where the true probability of default is known. */
  public boolean hasTruePd() {
    return !Double.isNaN(truePd);
  }

  /** {@code true} for a thin-file applicant: no formal loan history. */
  public boolean thinFile() {
    return request.get(FarmerSchema.THIN_FILE_MARKER) == null;
  }

  private static String level(ScoringRequest request, String feature) {
    if (!(request.get(feature) instanceof String s)) {
      throw new IllegalArgumentException(request.applicantId() + ": " + feature
          + " must be a level, got " + request.get(feature));
    }
    return s;
  }
}
