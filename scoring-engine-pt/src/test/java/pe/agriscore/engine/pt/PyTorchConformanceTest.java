package pe.agriscore.engine.pt;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import pe.agriscore.engine.EngineOptions;
import pe.agriscore.engine.ScoringEngine;
import pe.agriscore.engine.conformance.EngineConformance;

/**
 * The PyTorch engine passes the conformance kit on the JVM fast path (forced {@code on}, so the
 * load fails rather than falling back): the scripted TorchScript fixture with every Python case as
 * a golden case (Python's probabilities), and fewer predictors than the kit's 8 threads so that
 * callers also wait for one another. {@link PyTorchNativeConformanceTest} runs it on libtorch.
 */
class PyTorchConformanceTest extends EngineConformance {

  @TempDir static Path tmp;

  @Override
  protected ScoringEngine engine() {
    return new PyTorchEngine();
  }

  @Override
  protected Path bundle() throws Exception {
    return PtFixtures.farmerBundle(tmp, PtFixtures.SCRIPTED,
        PtFixtures.golden(PtFixtures.pythonCases().size()));
  }

  @Override
  protected EngineOptions engineOptions() {
    return EngineOptions.builder().set(PyTorchEngine.POOL_SIZE, "3")
        .set(PyTorchEngine.FAST_PATH, fastPath()).build();
  }

  /** The value of {@value PyTorchEngine#FAST_PATH} for every load. */
  String fastPath() {
    return "on";
  }
}
