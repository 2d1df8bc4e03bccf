package pe.agriscore.engine.pt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

/** A missing ../shared fixture skips a test on a developer's machine and fails it in CI. */
class SharedFixtureTest {

  @Test
  void aMissingFixtureFailsInCiAndSkipsElsewhere(@TempDir Path tmp) throws Exception {
    Path absent = tmp.resolve("fixtures/torch-2.11");
    AssertionFailedError inCi = assertThrows(AssertionFailedError.class,
        () -> PtFixtures.sharedFixture(absent, "expected.json", "true"));
    assertTrue(inCi.getMessage().contains("no expected.json in " + absent), inCi.getMessage());
    assertThrows(TestAbortedException.class,
        () -> PtFixtures.sharedFixture(absent, "expected.json", null));
    assertThrows(TestAbortedException.class,
        () -> PtFixtures.sharedFixture(absent, "expected.json", "false"));

    Files.createDirectories(absent);
    Files.writeString(absent.resolve("expected.json"), "{}");
    assertEquals(absent, PtFixtures.sharedFixture(absent, "expected.json", "true"));
  }
}
