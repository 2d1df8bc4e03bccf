package pe.agriscore.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import org.springframework.stereotype.Component;
import pe.agriscore.scoring.Violation;
import pe.agriscore.scoring.CreditScore;

/**
 * The service's own meters; Prometheus names in brackets ({@code /actuator/prometheus}):
 *
 * <ul>
 *   <li>{@code agriscore.scoring.requests} ({@code agriscore_scoring_requests_total}): HTTP
 *       scoring calls by model, endpoint, outcome and status;
 *   <li>{@code agriscore.scoring.results} ({@code agriscore_scoring_results_total}): applicants
 *       by model and outcome ({@code scored}, {@code invalid_request}, {@code engine_failure}),
 *       a batch counting each of its records;
 *   <li>{@code agriscore.scoring.request.duration} ({@code
 *       agriscore_scoring_request_duration_seconds}): a scoring call from body read to response
 *       written, a histogram by model and endpoint;
 *   <li>{@code agriscore.scoring.scorer.duration} ({@code
 *       agriscore_scoring_scorer_duration_seconds}): the time inside {@code CreditScorer}
 *       (validation, encoding, engine calls, reason codes), separately;
 *   <li>{@code agriscore.scoring.engine.duration} ({@code
 *       agriscore_scoring_engine_duration_seconds}): each engine call alone, by model, as the
 *       scorer's {@link pe.agriscore.EngineCallListener} reports it (a batch may make several);
 *   <li>{@code agriscore.score.points}, {@code agriscore.score.probability.of.default}: histograms
 *       of the scores given;
 *   <li>{@code agriscore.score.grades} ({@code agriscore_score_grades_total}): scores by grade;
 *   <li>{@code agriscore.request.violations} ({@code agriscore_request_violations_total}): broken
 *       rules by model, rule and feature; a field the schema does not have is counted as {@code
 *       (unknown)}, so that callers cannot create labels.
 * </ul>
 *
 * <p>{@link ModelRegistry} adds the model load meters.
 */
@Component
final class ScoringMetrics {

  static final String UNKNOWN_FIELD = "(unknown)";

  private static final double[] PD_BUCKETS = {
    0.005, 0.01, 0.02, 0.03, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.5, 0.75, 1.0
  };

  private final MeterRegistry meters;

  ScoringMetrics(MeterRegistry meters) {
    this.meters = meters;
  }

  void request(String model, String endpoint, String outcome, int status, long nanos) {
    Counter.builder("agriscore.scoring.requests").description("HTTP scoring calls")
        .tags("model", model, "endpoint", endpoint, "outcome", outcome,
            "status", Integer.toString(status))
        .register(meters).increment();
    Timer.builder("agriscore.scoring.request.duration")
        .description("a scoring call, body read to response built")
        .tags("model", model, "endpoint", endpoint).publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(10))
        .register(meters).record(Duration.ofNanos(nanos));
  }

  void scorer(String model, String endpoint, long nanos) {
    Timer.builder("agriscore.scoring.scorer.duration")
        .description("time inside CreditScorer: validation, encoding, engine, reason codes")
        .tags("model", model, "endpoint", endpoint).publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(10))
        .register(meters).record(Duration.ofNanos(nanos));
  }

  /** The timer of {@code model}'s engine calls. */
  Timer engine(String model) {
    return Timer.builder("agriscore.scoring.engine.duration")
        .description("one engine call, inside CreditScorer")
        .tags("model", model).publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofNanos(10_000))
        .maximumExpectedValue(Duration.ofSeconds(10)).register(meters);
  }

  void result(String model, String outcome) {
    Counter.builder("agriscore.scoring.results").description("applicants by outcome")
        .tags("model", model, "outcome", outcome).register(meters).increment();
  }

  void score(ServedModel m, CreditScore s) {
    String model = m.description().name();
    result(model, "scored");
    int min = m.description().scoreScale().minPoints();
    int max = m.description().scoreScale().maxPoints();
    DistributionSummary.builder("agriscore.score.points").description("scores given")
        .baseUnit("points").tags("model", model).serviceLevelObjectives(pointBuckets(min, max))
        .register(meters).record(s.points());
    DistributionSummary.builder("agriscore.score.probability.of.default")
        .description("probabilities of default given").tags("model", model)
        .serviceLevelObjectives(PD_BUCKETS).register(meters).record(s.probabilityOfDefault());
    Counter.builder("agriscore.score.grades").description("scores by grade")
        .tags("model", model, "grade", s.grade()).register(meters).increment();
  }

  void violation(ServedModel m, Violation v) {
    String field = v.field();
    boolean known = m.featureNames().contains(field) || field.equals("$")
        || field.equals("applicantId") || field.equals("asOfDate") || field.equals("features");
    Counter.builder("agriscore.request.violations").description("broken request rules")
        .tags("model", m.description().name(), "rule", v.rule().name(),
            "feature", known ? field : UNKNOWN_FIELD)
        .register(meters).increment();
  }

  /** Ten equal buckets across the scale. */
  private static double[] pointBuckets(int min, int max) {
    double[] b = new double[10];
    for (int i = 0; i < b.length; i++) {
      b[i] = min + (max - min) * (i + 1) / 10.0;
    }
    return b;
  }
}
