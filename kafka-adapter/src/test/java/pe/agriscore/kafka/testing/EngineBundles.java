package pe.agriscore.kafka.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import pe.agriscore.bundle.BundleWriter;
import pe.agriscore.bundle.GoldenCase;
import pe.agriscore.preprocessing.FeatureTransform;
import pe.agriscore.preprocessing.Preprocessing;
import pe.agriscore.request.ScoringRequest;
import pe.agriscore.testing.FaultyEngine;
import pe.agriscore.testing.TestBundles;

/**
 * Bundles for the test engines that score every row 0.1: {@code test-faulty} (scoring-api's
 * {@link FaultyEngine}: a request with {@code farm_size_ha} = {@link FaultyEngine#THROW_MARKER}
 * makes the whole engine call throw) and {@code test-flaky} ({@link FlakyEngine}). The farm size
 * is encoded unscaled as the first column, so the marker reaches the engine as is.
 */
public final class EngineBundles {

  private EngineBundles() {}

  public static Path write(Path parent, String engine) throws IOException {
    Preprocessing prep = new Preprocessing(List.of(
        new FeatureTransform.Standardize("farm_size_ha", 0, 1),
        new FeatureTransform.Standardize("yield_ratio", 1.0, 0.25),
        new FeatureTransform.Standardize("drought_index", 0.0, 1.0),
        new FeatureTransform.OneHot("main_crop"),
        new FeatureTransform.Binary("irrigated"),
        new FeatureTransform.Standardize("prior_loans_repaid_share", 0.8, 0.2)));
    List<GoldenCase> golden = new ArrayList<>();
    for (ScoringRequest r : TestBundles.randomRequests(1, 3)) {
      golden.add(new GoldenCase("g-" + r.applicantId(), r, 0.1));
    }
    Path model = Files.writeString(parent.resolve(engine + ".bin"), "no weights");
    return BundleWriter.builder().name(engine).version("0.1.0").engine(engine)
        .modelFormat("none").model(model, "model/" + engine + ".bin").input("x", 11).output("p")
        .schema(TestBundles.schema()).preprocessing(prep).scoreScale(TestBundles.scale())
        .reference(TestBundles.reference()).golden(golden, 0)
        .writeTo(parent.resolve(engine + "-bundle"));
  }

  /** A valid request for these bundles, with the given farm size. */
  public static ScoringRequest farm(String id, double farmSizeHa) {
    return ScoringRequest.builder(id, LocalDate.of(2026, 11, 1))
        .set("farm_size_ha", farmSizeHa).set("yield_ratio", 1.0).set("drought_index", 0.0)
        .set("main_crop", "potato").set("irrigated", false)
        .setMissing("prior_loans_repaid_share").build();
  }
}
