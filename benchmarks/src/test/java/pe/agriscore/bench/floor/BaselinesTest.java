package pe.agriscore.bench.floor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import pe.agriscore.CreditScorer;
import pe.agriscore.bench.Fixtures;
import pe.agriscore.bench.ReferenceBundles;
import pe.agriscore.bench.djl.BareDjlModel;
import pe.agriscore.internal.bundle.Encoder;
import pe.agriscore.internal.bundle.ModelBundle;
import pe.agriscore.schema.GoldenCase;
import pe.agriscore.scoring.ScoringRequest;

/**
 * The baselines compute what AgriScore computes: the bare DJL predictor and the plain Java forward
 * pass reproduce the reference bundles' golden probabilities (written by the training pipeline,
 * not by this code) and agree with AgriScore's engines on every benchmark request, to 1e-5.
 * Otherwise the benchmarks would compare AgriScore against some other work.
 */
class BaselinesTest {

  private static final double TOLERANCE = 1e-5;

  @ParameterizedTest
  @ValueSource(strings = {"tensorflow", "pytorch"})
  void bareDjlReproducesTheGoldenCases(String engine) {
    try (ModelBundle bundle = ModelBundle.open(ReferenceBundles.locate(engine));
        BareDjlModel bare = BareDjlModel.load(bundle)) {
      float[] rows = encodeGolden(bundle);
      List<GoldenCase> golden = bundle.goldenCases();
      float[] p = bare.predict(rows, golden.size());
      assertEquals(golden.size(), p.length);
      for (int i = 0; i < p.length; i++) {
        assertEquals(golden.get(i).probability(), p[i], TOLERANCE, golden.get(i).id());
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"tensorflow", "pytorch"})
  void javaForwardPassMatchesGoldenCasesAndTheEngine(String engine) {
    try (CreditScorer scorer = Fixtures.scorer(engine, 0);
        ModelBundle bundle = ModelBundle.open(ReferenceBundles.locate(engine))) {
      MlpWeights weights = Weights.of(bundle);
      assertTrue(weights.layers().size() >= 2, "an MLP has hidden layers: " + weights);
      JavaMlp mlp = new JavaMlp(weights);

      List<GoldenCase> golden = bundle.goldenCases();
      double[] p = mlp.predictAll(encodeGolden(bundle), golden.size());
      for (int i = 0; i < golden.size(); i++) {
        assertEquals(golden.get(i).probability(), p[i], TOLERANCE, golden.get(i).id());
      }

      Encoder encoder = bundle.encoder();
      for (ScoringRequest r : Fixtures.requests(bundle, 256)) {
        assertEquals(scorer.score(r).probabilityOfDefault(), mlp.predict(encoder.encode(r), 0),
            TOLERANCE, r.applicantId());
      }
    }
  }

  private static float[] encodeGolden(ModelBundle bundle) {
    Encoder encoder = bundle.encoder();
    List<GoldenCase> golden = bundle.goldenCases();
    float[] rows = new float[golden.size() * encoder.width()];
    for (int i = 0; i < golden.size(); i++) {
      encoder.encode(golden.get(i).request(), rows, i * encoder.width());
    }
    return rows;
  }
}
