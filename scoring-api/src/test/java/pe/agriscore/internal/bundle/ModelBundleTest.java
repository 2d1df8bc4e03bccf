package pe.agriscore.internal.bundle;

import pe.agriscore.authoring.BundleWriter;
import pe.agriscore.scoring.BundleException;
import pe.agriscore.scoring.BundleLimits;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import pe.agriscore.CreditScorer;
import pe.agriscore.testing.TestBundles;

class ModelBundleTest {

  @TempDir Path tmp;

  @Test
  void opensAVerifiedBundle() throws IOException {
    Path dir = TestBundles.writeScorecardBundle(tmp);
    try (ModelBundle b = ModelBundle.open(dir)) {
      assertEquals("test-scorecard", b.manifest().name());
      assertEquals(TestBundles.schema(), b.schema());
      assertEquals(11, b.encoder().width());
      assertEquals(8, b.goldenCases().size());
      assertEquals(1e-9, b.goldenTolerance());
      assertEquals(Path.of("model/scorecard.json"), b.root().relativize(b.modelPath()));
      assertEquals(List.of("golden.json", "model/scorecard.json", "preprocessing.json",
          "reference.json", "schema.json", "scorecard.json"),
          List.copyOf(b.manifest().files().keySet()));
    }
  }

  /** One flipped byte anywhere in any file refuses the bundle, naming that file. */
  @ParameterizedTest
  @ValueSource(strings = {"manifest.json", "schema.json", "preprocessing.json",
      "scorecard.json", "reference.json", "golden.json", "model/scorecard.json"})
  void aFlippedByteInAnyFileIsRefusedNamingThatFile(String file) throws IOException {
    Path dir = TestBundles.writeScorecardBundle(tmp);
    Path target = dir.resolve(file);
    byte[] bytes = Files.readAllBytes(target);
    for (int position : new int[] {0, bytes.length / 2, bytes.length - 2}) {
      byte[] copy = bytes.clone();
      copy[position] ^= 0x01;
      Files.write(target, copy);
      BundleException e = assertThrows(BundleException.class, () -> ModelBundle.open(dir));
      assertEquals(file, e.file(), e::getMessage);
      assertTrue(e.getMessage().startsWith(file + ": "), e::getMessage);
    }
  }

  @Test
  void anUnlistedFileIsRefused() throws IOException {
    Path dir = TestBundles.writeScorecardBundle(tmp);
    Files.writeString(dir.resolve("model/notes.txt"), "added later");
    BundleException e = assertThrows(BundleException.class, () -> ModelBundle.open(dir));
    assertEquals("model/notes.txt: present in the bundle but not listed in manifest.json",
        e.getMessage());
  }

  @Test
  void aMissingFileIsRefused() throws IOException {
    Path dir = TestBundles.writeScorecardBundle(tmp);
    Files.delete(dir.resolve("reference.json"));
    BundleException e = assertThrows(BundleException.class, () -> ModelBundle.open(dir));
    assertEquals("reference.json: listed in manifest.json but missing from the bundle",
        e.getMessage());
  }

  @Test
  void resealedButInconsistentFilesAreRefusedNamingTheFile() throws IOException {
    Path dir = TestBundles.writeScorecardBundle(tmp);
    Path ref = dir.resolve("reference.json");
    Files.writeString(ref, Files.readString(ref).replace("\"potato\"", "\"kiwi\""));
    BundleWriter.seal(dir);
    BundleException e = assertThrows(BundleException.class, () -> ModelBundle.open(dir));
    assertEquals("reference.json", e.file());
    assertTrue(e.getMessage().contains("baseline of 'main_crop' is invalid"), e::getMessage);
  }

  @Test
  void aGoldenMismatchIsRefusedNamingTheCase() throws IOException {
    Path dir = TestBundles.writeScorecardBundle(tmp);
    Path golden = dir.resolve("golden.json");
    String text = Files.readString(golden);
    int at = text.indexOf("\"probability\" : ") + "\"probability\" : ".length();
    Files.writeString(golden, text.substring(0, at) + "0.5" + text.substring(
        text.indexOf('\n', at)));
    BundleWriter.seal(dir);
    BundleException e = assertThrows(BundleException.class, () -> CreditScorer.open(dir));
    assertEquals("golden.json", e.file());
    assertTrue(e.getMessage().startsWith("golden.json: golden case 'case-PE-0' failed: expected"
        + " probability 0.5 but engine 'scorecard' computed"), e::getMessage);
  }

  @Test
  void zipBundlesOpenAndCleanUp() throws IOException {
    Path dir = TestBundles.writeScorecardBundle(tmp);
    // A file no other bundle has finds this scorer's extraction among other processes' ones.
    String marker = "notes/" + java.util.UUID.randomUUID() + ".txt";
    Files.createDirectories(dir.resolve("notes"));
    Files.writeString(dir.resolve(marker), "marks this test's extraction directory\n");
    BundleWriter.seal(dir);
    Path zip = tmp.resolve("bundle.zip");
    BundleWriter.zip(dir, zip);
    List<Path> extracted;
    try (CreditScorer scorer = CreditScorer.open(zip)) {
      extracted = extractionsHolding(marker);
      assertEquals(1, extracted.size(), extracted::toString);
      assertEquals("test-scorecard", scorer.modelName());
    }
    assertFalse(Files.exists(extracted.get(0)));
  }

  private static List<Path> extractionsHolding(String file) throws IOException {
    try (Stream<Path> dirs = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
      return dirs.filter(p -> p.getFileName().toString().startsWith("agriscore-bundle-")
          && Files.isRegularFile(p.resolve(file))).toList();
    }
  }

  @Test
  void aCorruptZipIsRefused() throws IOException {
    Path dir = TestBundles.writeScorecardBundle(tmp);
    Path zip = tmp.resolve("bundle.zip");
    BundleWriter.zip(dir, zip);
    byte[] bytes = Files.readAllBytes(zip);
    bytes[bytes.length / 3] ^= 0x10;
    Files.write(zip, bytes);
    assertThrows(BundleException.class, () -> ModelBundle.open(zip));
    try (Stream<Path> left = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
      assertTrue(left.noneMatch(p -> p.getFileName().toString().startsWith("agriscore-bundle-")
          && isEmptyLeftover(p)));
    }
  }

  /**
   * A 3 MB zip that inflates to 3 GiB, its recorded size a lie: extraction stops within the
   * ratio limit (at about 1 MiB), and the extraction directory is gone afterwards.
   */
  @Test
  void aThreeMegabyteZipBombWritesAtMostAMegabyteAndLeavesNothing() throws Exception {
    Path zip = tmp.resolve("bomb.zip");
    RawZip.write(zip, List.of(new RawZip.Entry("model/zeros.bin".getBytes(
        java.nio.charset.StandardCharsets.UTF_8), RawZip.zeros(3L << 30), true, 0, false, 1000)));
    assertTrue(Files.size(zip) > 2_000_000 && Files.size(zip) < 4_000_000, "" + Files.size(zip));
    BundleException e = assertThrows(BundleException.class, () -> ModelBundle.open(zip));
    assertTrue(e.getMessage().contains("refused as a zip bomb"), e::getMessage);
    HostileBundleCorpusTest.Bytes written = HostileBundleCorpusTest.watchExtraction(zip,
        BundleLimits.defaults(), tmp);
    assertTrue(written.max() <= (1 << 20) + (1 << 16), "" + written.max());
    assertEquals(0, written.leftover());
    // With the ratio check off, the entry limit stops it while streaming.
    BundleLimits limits = BundleLimits.defaults().withMaxCompressionRatio(1e9)
        .withMaxEntryBytes(64L << 20);
    HostileBundleCorpusTest.Bytes capped = HostileBundleCorpusTest.watchExtraction(zip, limits,
        Files.createDirectories(tmp.resolve("capped")));
    assertTrue(capped.max() <= 64L << 20, "" + capped.max());
    assertEquals(0, capped.leftover());
  }

  private static boolean isEmptyLeftover(Path p) {
    try (Stream<Path> s = Files.list(p)) {
      return s.findAny().isEmpty();
    } catch (IOException e) {
      return false;
    }
  }

  @Test
  void anEngineThatIsNotOnTheClasspathIsNamedWithItsArtifact() throws IOException {
    Path dir = TestBundles.writeScorecardBundle(tmp);
    Path manifest = dir.resolve("manifest.json");
    Files.writeString(manifest, Files.readString(manifest)
        .replace("\"engine\" : \"scorecard\"", "\"engine\" : \"tensorflow\""));
    BundleWriter.seal(dir);
    BundleException e = assertThrows(BundleException.class, () -> CreditScorer.open(dir));
    assertTrue(e.getMessage().contains("no scoring engine named 'tensorflow'"), e::getMessage);
    assertTrue(e.getMessage().endsWith("add the dependency pe.agriscore:scoring-engine-tf"),
        e::getMessage);
  }
}
