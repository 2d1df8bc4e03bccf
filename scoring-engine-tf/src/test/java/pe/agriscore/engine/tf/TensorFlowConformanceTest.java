package pe.agriscore.engine.tf;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import pe.agriscore.engine.EngineOptions;
import pe.agriscore.engine.ScoringEngine;
import pe.agriscore.engine.conformance.EngineConformance;

/**
 * The TensorFlow engine passes the conformance kit on the JVM fast path (forced {@code on}, so
 * the load fails rather than falling back): a SavedModel exported by the graph API, with 40
 * golden cases from the Java forward pass, and fewer predictors than the kit's 8 threads so that
 * callers also wait for one another. {@link TensorFlowNativeConformanceTest} runs it on
 * TensorFlow.
 */
class TensorFlowConformanceTest extends EngineConformance {

  @TempDir static Path tmp;

  @Override
  protected ScoringEngine engine() {
    return new TensorFlowEngine();
  }

  @Override
  protected Path bundle() throws Exception {
    Mlp mlp = new Mlp(11, 42);
    return mlp.bundle(mlp.export(tmp), 40).writeTo(tmp.resolve("mlp"));
  }

  @Override
  protected EngineOptions engineOptions() {
    return EngineOptions.builder().set(TensorFlowEngine.PREDICTOR_POOL_SIZE, "3")
        .set(TensorFlowEngine.FAST_PATH, fastPath()).build();
  }

  /** The value of {@value TensorFlowEngine#FAST_PATH} for every load. */
  String fastPath() {
    return "on";
  }
}
