package pe.agriscore.samples.examples;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import pe.agriscore.CreditScorer;
import pe.agriscore.samples.data.FarmerDataGenerator;
import pe.agriscore.samples.data.FarmerRecord;
import pe.agriscore.samples.data.FarmerSchema;
import pe.agriscore.scoring.CreditScore;
import pe.agriscore.scoring.ReasonCode;
import pe.agriscore.scoring.ScoringError;
import pe.agriscore.scoring.ScoringRequest;
import pe.agriscore.scoring.ScoringResult;

/**
 * The main job: scores a small portfolio of Peruvian farmers with the three reference models
 * (the built-in logistic scorecard, the TensorFlow MLP and the PyTorch MLP) and prints, per
 * farmer, each model's probability of default, points and grade, and the scorecard's main adverse
 * reason in Spanish. One deliberately broken application shows what a bank sees for bad input.
 *
 * <pre>{@code
 * ./mvnw -B -q -pl samples/examples -am -DskipTests package exec:java
 * }</pre>
 *
 * <p>Arguments (all optional): the number of farmers (default 12) and the models directory
 * (default: system property {@code agriscore.models}, else the first of {@code samples/models}
 * (run from the repository root) and {@code ../models} (run from this module) that exists).
 */
public final class PortfolioDemo {

  private static final List<String> MODELS =
      List.of("farmer-scorecard", "farmer-mlp-tf", "farmer-mlp-pt");

  private PortfolioDemo() {}

  public static void main(String[] args) throws Exception {
    int farmers = args.length > 0 ? Integer.parseInt(args[0]) : 12;
    Path models = Path.of(args.length > 1 ? args[1]
        : System.getProperty("agriscore.models",
            Files.isDirectory(Path.of("samples/models")) ? "samples/models" : "../models"));
    if (!Files.isDirectory(models)) {
      throw new IllegalArgumentException("no models directory at " + models.toAbsolutePath()
          + "; pass it as the second argument or -Dagriscore.models=...");
    }

    List<FarmerRecord> portfolio = FarmerDataGenerator.builder()
        .seed(2026)
        .rows(farmers)
        .asOfRange(LocalDate.of(2016, 1, 1), LocalDate.of(2016, 12, 31))
        .idPrefix("DEMO")
        .build()
        .generate();
    List<ScoringRequest> requests = new ArrayList<>();
    for (FarmerRecord r : portfolio) {
      requests.add(r.request());
    }
    requests.add(brokenApplication(portfolio.get(0).request()));

    List<List<ScoringResult>> byModel = new ArrayList<>();
    List<String> headers = new ArrayList<>();
    for (String name : MODELS) {
      try (CreditScorer scorer = CreditScorer.open(models.resolve(name))) {
        headers.add(scorer.model().engine());
        byModel.add(scorer.scoreAll(requests));
        System.out.printf("loaded %s %s (engine %s, %d features, %d golden cases verified)%n",
            scorer.modelName(), scorer.modelVersion(), scorer.model().engine(),
            scorer.model().schema().size(), scorer.model().goldenCaseCount());
      }
    }

    System.out.printf("%nPortfolio of %d generated Peruvian farmers (seed 2026, as of 2016)%n%n",
        farmers);
    StringBuilder head = new StringBuilder(String.format("%-16s %-14s %-8s", "", "", ""));
    StringBuilder sub = new StringBuilder(String.format("%-16s %-14s %-8s", "applicant",
        "department", "crop"));
    for (String h : headers) {
      head.append(String.format(" | %-16s", h));
      sub.append(String.format(" | %-16s", "PD    points gr"));
    }
    head.append(" |");
    sub.append(" | main adverse reason (scorecard)");
    System.out.println(head);
    System.out.println(sub);
    System.out.println("-".repeat(sub.length() + 24));
    for (int i = 0; i < requests.size(); i++) {
      ScoringRequest r = requests.get(i);
      StringBuilder line = new StringBuilder(String.format("%-16s %-14s %-8s", r.applicantId(),
          text(r.get(FarmerSchema.DEPARTMENT)), text(r.get(FarmerSchema.MAIN_CROP))));
      String reason = "";
      for (int m = 0; m < byModel.size(); m++) {
        ScoringResult result = byModel.get(m).get(i);
        if (result instanceof CreditScore s) {
          line.append(String.format(Locale.ROOT, " | %.3f %6d %-3s", s.probabilityOfDefault(),
              s.points(), s.grade()));
          if (m == 0 && !s.reasons().isEmpty()) {
            ReasonCode top = s.reasons().get(0);
            reason = String.format(Locale.ROOT, "%s %s (%.1f pts)", top.code(), top.messageEs(),
                top.points());
          }
        } else {
          line.append(String.format(" | %-16s", "REJECTED"));
          reason = ((ScoringError) result).violations().toString();
        }
      }
      System.out.println(line.append(" | ").append(reason));
    }

    System.out.println();
    for (int m = 0; m < byModel.size(); m++) {
      Map<String, Integer> grades = new TreeMap<>();
      double pd = 0;
      int scored = 0;
      for (ScoringResult result : byModel.get(m)) {
        if (result instanceof CreditScore s) {
          grades.merge(s.grade(), 1, Integer::sum);
          pd += s.probabilityOfDefault();
          scored++;
        }
      }
      System.out.printf(Locale.ROOT, "%-10s scored %d of %d, mean PD %.3f, grades %s%n",
          headers.get(m), scored, requests.size(), pd / scored, grades);
    }
  }

  /** The first farmer's application with three mistakes a bank's export could make. */
  private static ScoringRequest brokenApplication(ScoringRequest good) {
    ScoringRequest.Builder b = ScoringRequest.builder("DEMO-BROKEN", good.asOfDate());
    for (Map.Entry<String, Object> e : good.values().entrySet()) {
      switch (e.getKey()) {
        case FarmerSchema.FARM_SIZE_HA -> b.set(e.getKey(), -2.0);
        case FarmerSchema.MAIN_CROP -> b.set(e.getKey(), "kiwicha");
        case FarmerSchema.IRRIGATED -> b.set(e.getKey(), "si");
        default -> b.setRaw(e.getKey(), e.getValue());
      }
    }
    return b.build();
  }

  private static String text(Object value) {
    return value == null ? "-" : value.toString();
  }
}
