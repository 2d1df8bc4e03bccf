package pe.agriscore.engine.conformance;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.AssertionFailedError;
import pe.agriscore.engine.ScoringEngine;
import pe.agriscore.testing.TestBundles;

/**
 * The kit's checks can fail: each runs against an engine that breaks its rule (a scorecard in
 * disguise, see {@link BrokenEngines}) and must report it.
 */
class KitCatchesBrokenEnginesTest {

  @TempDir Path tmp;

  /** The kit on {@code engine}, with a scorecard bundle naming it, set up as JUnit would. */
  private EngineConformance kit(ScoringEngine engine) throws Exception {
    String name = engine.descriptor().name();
    Path dir = TestBundles.writeScorecardBundle(Files.createDirectories(tmp.resolve(name)), name);
    EngineConformance kit = new EngineConformance() {
      @Override
      protected ScoringEngine engine() {
        return engine;
      }

      @Override
      protected Path bundle() {
        return dir;
      }
    };
    kit.kitTmp = Files.createDirectories(tmp.resolve(name + "-kit"));
    kit.openBundle();
    return kit;
  }

  @Test
  void aResultThatDependsOnTheThreadFailsTheDeterminismCheck() throws Exception {
    EngineConformance kit = kit(new BrokenEngines.ThreadDependent());
    try {
      AssertionFailedError e = assertThrows(AssertionFailedError.class,
          kit::eightThreadsGetBitIdenticalResultsToSequentialScoring);
      assertTrue(e.getMessage().startsWith("thread 3, row 0 alone: "), e.getMessage());
    } finally {
      kit.closeBundle();
    }
  }

  @Test
  void anEngineThatTakesAnyWidthFailsTheWidthCheck() throws Exception {
    EngineConformance kit = kit(new BrokenEngines.WidthBlind());
    try {
      AssertionFailedError e = assertThrows(AssertionFailedError.class,
          kit::refusesAModelViewOfAnotherWidthNamingTheModel);
      assertTrue(e.getMessage().contains("a model taking 11 inputs was loaded as taking 12"),
          e.getMessage());
    } finally {
      kit.closeBundle();
    }
  }

  @Test
  void anEngineThatFetchesAUrlWhileItLoadsFailsTheOfflineCheck() throws Exception {
    EngineConformance kit = kit(new BrokenEngines.Online());
    try {
      AssertionFailedError e = assertThrows(AssertionFailedError.class,
          kit::loadsOfflineFromAnEmptyCacheWithoutOpeningAConnectionInAChildJvm);
      assertTrue(e.getMessage().contains("loading engine 'test-online' from an empty cache opened"
          + " a network connection"), e.getMessage());
    } finally {
      kit.closeBundle();
    }
  }
}
