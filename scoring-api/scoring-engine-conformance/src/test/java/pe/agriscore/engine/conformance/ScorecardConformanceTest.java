package pe.agriscore.engine.conformance;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import pe.agriscore.engine.ScoringEngine;
import pe.agriscore.scorecard.ScorecardEngine;
import pe.agriscore.testing.TestBundles;

/** The built-in scorecard engine passes the kit (scoring-api cannot depend on the kit). */
class ScorecardConformanceTest extends EngineConformance {

  @TempDir static Path tmp;

  @Override
  protected ScoringEngine engine() {
    return new ScorecardEngine();
  }

  @Override
  protected Path bundle() throws Exception {
    return TestBundles.writeScorecardBundle(tmp);
  }
}
