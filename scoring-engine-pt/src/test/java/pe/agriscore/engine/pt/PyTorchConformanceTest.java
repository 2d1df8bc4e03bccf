package pe.agriscore.engine.pt;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import pe.agriscore.engine.EngineOptions;
import pe.agriscore.engine.ScoringEngine;
import pe.agriscore.engine.conformance.EngineConformance;

/**
 * The PyTorch engine passes the conformance kit: the scripted TorchScript fixture with every
 * Python case as a golden case (Python's probabilities), and fewer predictors than the kit's 8
 * threads so that callers also wait for one another.
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
    return EngineOptions.builder().set(PyTorchEngine.POOL_SIZE, "3").build();
  }
}
