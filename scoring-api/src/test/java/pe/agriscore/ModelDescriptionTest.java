package pe.agriscore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pe.agriscore.authoring.BundleWriter;
import pe.agriscore.testing.TestBundles;

/** {@link CreditScorer#model()}: what a model inventory reads, with no live bundle handed out. */
class ModelDescriptionTest {

  @TempDir Path tmp;

  @Test
  void describesTheModelAnInventoryRecords() throws Exception {
    Path dir = TestBundles.writeScorecardBundle(tmp);
    Map<String, String> expectedChecksums = sha256OfEveryFileButTheManifest(dir);
    try (CreditScorer scorer = CreditScorer.open(dir)) {
      ModelDescription m = scorer.model();
      assertEquals("test-scorecard", m.name());
      assertEquals("1.0.0", m.version());
      assertEquals("scorecard", m.engine());
      assertNull(m.description());
      assertEquals(Instant.parse("2026-11-01T00:00:00Z"), m.createdAt());
      assertEquals(TestBundles.schema(), m.schema());
      assertEquals(TestBundles.scale(), m.scoreScale());
      assertEquals(expectedChecksums, m.fileChecksums());
      assertEquals(List.copyOf(expectedChecksums.keySet()), List.copyOf(m.fileChecksums().keySet()),
          "sorted by path");
      assertTrue(m.manifestSha256().matches("[0-9a-f]{64}"), m.manifestSha256());
      assertEquals(8, m.goldenCaseCount());
      assertSame(m, scorer.model());
    }
  }

  @Test
  void isImmutableAndOutlivesTheScorerOfAZip() throws IOException {
    Path zip = tmp.resolve("b.zip");
    BundleWriter.zip(TestBundles.writeScorecardBundle(tmp), zip);
    ModelDescription m;
    try (CreditScorer scorer = CreditScorer.open(zip)) {
      m = scorer.model();
    }
    assertThrows(UnsupportedOperationException.class,
        () -> m.fileChecksums().put("model/other.bin", "0".repeat(64)));
    assertThrows(UnsupportedOperationException.class, () -> m.schema().features().clear());
    assertThrows(UnsupportedOperationException.class, () -> m.scoreScale().grades().clear());
    assertEquals("test-scorecard", m.name());
    assertTrue(m.fileChecksums().containsKey("model/scorecard.json"), m.fileChecksums()::toString);
  }

  @Test
  void copiesTheChecksumsItIsGiven() {
    Map<String, String> files = new HashMap<>(Map.of("model/m.json", "a".repeat(64)));
    ModelDescription m = new ModelDescription("n", "1", "scorecard", null, Instant.EPOCH,
        TestBundles.schema(), TestBundles.scale(), files, "b".repeat(64), 1);
    files.put("model/later.json", "c".repeat(64));
    assertEquals(Map.of("model/m.json", "a".repeat(64)), m.fileChecksums());
    assertEquals("goldenCaseCount must be >= 1, got 0", assertThrows(
        IllegalArgumentException.class, () -> new ModelDescription("n", "1", "scorecard", null,
            Instant.EPOCH, TestBundles.schema(), TestBundles.scale(), files, "b".repeat(64), 0))
        .getMessage());
    assertEquals("schema", assertThrows(NullPointerException.class,
        () -> new ModelDescription("n", "1", "scorecard", null, Instant.EPOCH, null,
            TestBundles.scale(), files, "b".repeat(64), 1)).getMessage());
  }

  private static Map<String, String> sha256OfEveryFileButTheManifest(Path dir)
      throws IOException, NoSuchAlgorithmException {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        String rel = dir.relativize(f).toString().replace('\\', '/');
        if (!rel.equals("manifest.json")) {
          out.put(rel, HexFormat.of().formatHex(
              MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f))));
        }
      }
    }
    return out;
  }
}
