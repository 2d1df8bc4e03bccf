package pe.agriscore.internal.bundle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import pe.agriscore.CreditScorer;
import pe.agriscore.authoring.BundleWriter;
import pe.agriscore.scoring.BundleException;
import pe.agriscore.scoring.BundleLimits;
import pe.agriscore.testing.TestBundles;
import pe.agriscore.authoring.BundleSigner;
import pe.agriscore.trust.SignatureFiles;
import pe.agriscore.trust.TestKeys;
import pe.agriscore.trust.TrustPolicy;
import pe.agriscore.trust.TrustStore;
import pe.agriscore.trust.TrustedKey;

/**
 * Runs every case of {@code src/test/resources/hostile/bundles/} (format: the README there): a
 * base bundle, mutations, an expected outcome. {@link CreditScorer#open} may only open the bundle
 * or throw {@link BundleException}; any other exception type fails the case. Zip cases are also
 * opened with {@link ModelBundle} extracting into a private directory, whose size is watched
 * while extracting and which must be empty afterwards.
 *
 * <p>With {@code -Dhostile.report=<file>} every outcome is also written to that file, one line
 * per case, so that a run on another version of the code can be compared case by case.
 */
class HostileBundleCorpusTest {

  private static final ObjectMapper JSON = JsonMapper.builder()
      .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();

  /** Words that betray a library's internals in an error message. */
  private static final List<String> INTERNALS = List.of("com.fasterxml", "jackson",
      "CoercionConfig", "DeserializationFeature", "DeserializationConfig", "StreamReadConstraints",
      "Exception", "`");

  private static final List<String> FILES = List.of("item02-confinement.json", "item03-zip.json",
      "item07-strict.json", "item09-bounds.json", "item11-docs.json", "item17-trust.json");

  /** The corpus's signing keys: {@code trainer} and {@code approver} are trusted, {@code stranger} not. */
  private static final Map<String, KeyPair> KEYS = Map.of("trainer", TestKeys.p256(),
      "approver", TestKeys.p256(), "stranger", TestKeys.p256());

  private static final TrustStore STORE = TrustStore.builder()
      .add(TrustedKey.of(KEYS.get("trainer").getPublic(), "data-science", "trainer"))
      .add(TrustedKey.of(KEYS.get("approver").getPublic(), "model-risk", "approver")).build();

  @TempDir static Path tmp;

  private static final List<String> report = new ArrayList<>();

  /** The corpus's key-encryption key, {@code corpus-kek}, for the cases that set "encrypt". */
  private static final javax.crypto.SecretKey KEK = new javax.crypto.spec.SecretKeySpec(
      java.util.HexFormat.of().parseHex(
          "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"), "AES");

  private static final pe.agriscore.trust.KeyProvider KEK_PROVIDER = id -> "corpus-kek".equals(id)
      ? java.util.Optional.of(KEK) : java.util.Optional.empty();

  @TestFactory
  Stream<DynamicTest> corpus() throws IOException {
    List<DynamicTest> tests = new ArrayList<>();
    for (String file : FILES) {
      JsonNode root;
      try (InputStream in = resource(file)) {
        root = JSON.readTree(in);
      }
      for (JsonNode c : root.path("cases")) {
        String id = c.path("id").asText();
        tests.add(DynamicTest.dynamicTest(file + " " + id, () -> run(c)));
      }
    }
    return tests.stream();
  }

  @AfterAll
  static void writeReport() throws IOException {
    String target = System.getProperty("hostile.report");
    if (target != null) {
      Files.write(Path.of(target), report, StandardCharsets.UTF_8);
    }
  }

  private static InputStream resource(String name) {
    InputStream in = HostileBundleCorpusTest.class.getResourceAsStream("/hostile/bundles/" + name);
    if (in == null) {
      throw new IllegalStateException("missing corpus file " + name);
    }
    return in;
  }

  private void run(JsonNode c) throws Exception {
    String id = c.path("id").asText();
    Path work = Files.createDirectories(tmp.resolve(id));
    Path outside = Files.createDirectories(work.resolve("outside"));
    Path bundle = TestBundles.writeScorecardBundle(work);
    for (Iterator<Map.Entry<String, JsonNode>> it = c.path("outside").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      Path target = outside.resolve(e.getKey());
      if (e.getValue().has("copyOf")) {
        Files.copy(bundle.resolve(e.getValue().path("copyOf").asText()), target);
      } else {
        Files.writeString(target, e.getValue().path("text").asText());
      }
    }
    Map<String, String> vars = Map.of("${outside}", outside.toString(),
        "${bundle}", bundle.toString());
    if (c.has("encrypt")) {
      pe.agriscore.authoring.BundleEncryption.encrypt(bundle, KEK_PROVIDER, "corpus-kek",
          pe.agriscore.authoring.BundleEncryption.Scope.valueOf(
              c.path("encrypt").asText().toUpperCase(java.util.Locale.ROOT)));
    }
    for (JsonNode m : c.path("mutations")) {
      mutate(bundle, m, vars);
    }
    if (!c.path("seal").isBoolean() || c.path("seal").asBoolean()) {
      seal(bundle, c.path("seal"), c.has("encrypt"));
    }
    for (JsonNode s : c.path("sign")) {
      sign(bundle, s);
    }
    for (JsonNode m : c.path("afterSign")) {
      mutate(bundle, m, vars);
    }
    Path target = bundle;
    boolean zip = c.has("zip") || c.has("plainFile");
    if (c.has("zip")) {
      target = work.resolve("bundle.zip");
      buildZip(bundle, c.path("zip"), target);
    } else if (c.has("plainFile")) {
      target = Files.writeString(work.resolve("bundle.zip"), c.path("plainFile").asText());
    }
    BundleLimits limits = limits(c.path("limits"));
    TrustPolicy policy = switch (c.path("trust").asText(TrustPolicy.UNSIGNED_ALLOWED)) {
      case TrustPolicy.ANY_TRUSTED_KEY -> TrustPolicy.anyTrustedKey(STORE);
      case TrustPolicy.FOUR_EYES -> TrustPolicy.fourEyes(STORE);
      default -> TrustPolicy.unsignedAllowed();
    };

    Throwable thrown = null;
    try {
      openScorer(target, limits, policy, c.has("encrypt") && c.path("keys").asBoolean(true)
          ? KEK_PROVIDER : pe.agriscore.trust.KeyProvider.none());
    } catch (Throwable t) {
      thrown = t;
    }
    String outcome = thrown == null ? "OPENS"
        : thrown.getClass().getSimpleName() + ": " + thrown.getMessage();
    Bytes written = zip ? watchExtraction(target, limits, work) : null;
    report.add(id + "\t" + outcome.replace('\n', ' ')
        + (written == null ? "" : "\t(max extracted " + written.max + " bytes, leftover "
            + written.leftover + ")"));
    if (System.getProperty("hostile.report") != null) {
      return;
    }
    JsonNode expect = c.path("expect");
    if (thrown != null && !(thrown instanceof BundleException)) {
      throw new AssertionError(id + ": CreditScorer.open threw the undocumented "
          + thrown.getClass().getName(), thrown);
    }
    if (expect.path("opens").asBoolean()) {
      assertEquals("OPENS", outcome, id);
      return;
    }
    if (thrown == null) {
      fail(id + ": expected a BundleException, but the bundle opened");
    }
    BundleException e = (BundleException) thrown;
    if (expect.has("file")) {
      assertEquals(expect.path("file").asText(), e.file(), () -> id + ": " + e.getMessage());
    }
    for (JsonNode part : expect.path("contains")) {
      assertTrue(e.getMessage().contains(part.asText()),
          () -> id + ": expected '" + part.asText() + "' in: " + e.getMessage());
    }
    List<String> excluded = new ArrayList<>(INTERNALS);
    expect.path("excludes").forEach(x -> excluded.add(x.asText()));
    for (String word : excluded) {
      assertFalse(e.getMessage().contains(word),
          () -> id + ": '" + word + "' must not appear in: " + e.getMessage());
    }
    if (written != null) {
      long max = expect.path("maxBytesWritten").asLong(limits.maxExtractedBytes());
      assertTrue(written.max <= max, () -> id + ": " + written.max
          + " bytes were extracted, more than " + max);
      assertEquals(0, written.leftover, () -> id + ": the extraction directory was left behind");
    }
  }

  // The two calls into the code under test.

  private static void openScorer(Path target, BundleLimits limits, TrustPolicy policy,
      pe.agriscore.trust.KeyProvider keys) {
    CreditScorer.builder(target).bundleLimits(limits).trust(policy).keys(keys).build().close();
  }

  /**
   * Signs the sealed bundle with a corpus key into {@code file} (default {@code model.sig}):
   * with {@code role} claimed, or over the literal {@code statement} text instead of the
   * bundle's own statement.
   */
  private static void sign(Path bundle, JsonNode s) throws IOException {
    KeyPair key = KEYS.get(s.path("key").asText("trainer"));
    String file = s.path("file").asText(SignatureFiles.MODEL_SIG);
    if (s.has("statement")) {
      Files.createDirectories(bundle.resolve(file).getParent());
      Files.write(bundle.resolve(file), TestKeys.signRaw(key,
          s.path("statement").asText().getBytes(StandardCharsets.UTF_8)));
    } else {
      BundleSigner.of(key.getPrivate(), key.getPublic())
          .role(s.has("role") ? s.path("role").asText() : null).sign(bundle, file);
    }
  }

  /** The most bytes seen in the extraction directory, and what was left in it. */
  record Bytes(long max, long leftover) {}

  /**
   * Opens a zip case with ModelBundle extracting under a private directory while another thread
   * measures that directory: the largest size seen, and what is left after the refusal.
   */
  static Bytes watchExtraction(Path zip, BundleLimits limits, Path work)
      throws Exception {
    Path parent = Files.createDirectories(work.resolve("extract"));
    AtomicBoolean done = new AtomicBoolean();
    AtomicLong max = new AtomicLong();
    Thread watcher = new Thread(() -> {
      while (!done.get()) {
        max.accumulateAndGet(size(parent), Math::max);
      }
    });
    watcher.start();
    try (ModelBundle b = ModelBundle.open(zip, limits, parent)) {
      max.accumulateAndGet(size(parent), Math::max);
    } catch (BundleException e) {
      // The outcome was judged through CreditScorer; here only the disk matters.
    } finally {
      done.set(true);
      watcher.join();
    }
    return new Bytes(max.get(), size(parent) + count(parent));
  }

  private static long count(Path dir) {
    try (Stream<Path> s = Files.list(dir)) {
      return s.count();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static long size(Path dir) {
    long total = 0;
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        try {
          if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
            total += Files.size(p);
          }
        } catch (IOException gone) {
          // deleted while walking
        }
      }
    } catch (IOException | UncheckedIOException gone) {
      // a directory deleted while walking
    }
    return total;
  }

  private static BundleLimits limits(JsonNode l) {
    BundleLimits d = BundleLimits.defaults();
    return new BundleLimits(
        l.path("maxExtractedBytes").asLong(d.maxExtractedBytes()),
        l.path("maxEntryBytes").asLong(d.maxEntryBytes()),
        l.path("maxEntries").asInt(d.maxEntries()),
        l.path("maxCompressionRatio").asDouble(d.maxCompressionRatio()),
        l.path("maxJsonFileBytes").asLong(d.maxJsonFileBytes()));
  }

  // Mutations.

  private static String subst(String s, Map<String, String> vars) {
    for (Map.Entry<String, String> v : vars.entrySet()) {
      s = s.replace(v.getKey(), v.getValue());
    }
    return s;
  }

  private static void mutate(Path bundle, JsonNode m, Map<String, String> vars)
      throws IOException {
    String op = m.path("op").asText();
    Path file = bundle.resolve(m.path("file").asText());
    switch (op) {
      case "set" -> {
        JsonNode tree = JSON.readTree(file.toFile());
        JsonNode value = m.has("raw") ? JSON.readTree(m.path("raw").asText())
            : JSON.readTree(subst(JSON.writeValueAsString(m.path("value")), vars));
        JsonPointer at = JsonPointer.compile(m.path("at").asText());
        JsonNode parent = tree.at(at.head());
        if (parent instanceof ObjectNode o) {
          o.set(at.last().getMatchingProperty(), value);
        } else if (parent instanceof ArrayNode a) {
          a.set(at.last().getMatchingIndex(), value);
        } else {
          throw new IllegalArgumentException("no parent for " + at);
        }
        Files.writeString(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(tree));
      }
      case "remove" -> {
        JsonNode tree = JSON.readTree(file.toFile());
        JsonPointer at = JsonPointer.compile(m.path("at").asText());
        ((ObjectNode) tree.at(at.head())).remove(at.last().getMatchingProperty());
        Files.writeString(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(tree));
      }
      case "replace" -> {
        String text = Files.readString(file);
        String find = m.path("find").asText();
        if (!text.contains(find)) {
          throw new IllegalArgumentException(file + " has no '" + find + "'");
        }
        Files.writeString(file, text.replace(find, subst(m.path("with").asText(), vars)));
      }
      case "write" -> {
        Files.createDirectories(file.getParent());
        try (Writer w = Files.newBufferedWriter(file)) {
          w.write(m.path("prefix").asText(m.path("text").asText()));
          for (long i = 0; i < m.path("times").asLong(0); i++) {
            w.write(m.path("repeat").asText());
          }
          w.write(m.path("suffix").asText());
        }
      }
      case "flipByte" -> {
        byte[] bytes = Files.readAllBytes(file);
        bytes[m.path("at").asInt(bytes.length / 2)] ^= 0x01;
        Files.write(file, bytes);
      }
      case "appendHex" -> Files.write(file, HexFormat.of().parseHex(m.path("hex").asText()),
          java.nio.file.StandardOpenOption.APPEND);
      case "delete" -> ModelBundle.deleteTree(file);
      case "symlink" -> {
        ModelBundle.deleteTree(file);
        Files.createSymbolicLink(file, Path.of(subst(m.path("target").asText(), vars)));
      }
      case "move" -> Files.move(file, Path.of(subst(m.path("to").asText(), vars)));
      case "wideSchema" -> wideSchema(bundle, m.path("features").asInt());
      default -> throw new IllegalArgumentException("unknown op " + op);
    }
  }

  /** Replaces the bundle files with a valid schema of {@code n} numeric features. */
  private static void wideSchema(Path bundle, int n) throws IOException {
    StringBuilder schema = new StringBuilder("{\"name\":\"wide\",\"version\":\"1\",\"features\":[");
    StringBuilder prep = new StringBuilder("{\"transforms\":[");
    StringBuilder ref = new StringBuilder("{\"rows\":1000,\"features\":{");
    StringBuilder req = new StringBuilder();
    for (int i = 0; i < n; i++) {
      String sep = i == 0 ? "" : ",";
      schema.append(sep).append("{\"type\":\"numeric\",\"name\":\"f").append(i)
          .append("\",\"min\":0,\"max\":1}");
      prep.append(sep).append("{\"transform\":\"raw\",\"feature\":\"f").append(i).append("\"}");
      ref.append(sep).append("\"f").append(i).append("\":{\"baseline\":0.5}");
      req.append(sep).append("\"f").append(i).append("\":0.5");
    }
    Files.writeString(bundle.resolve("schema.json"), schema.append("]}"));
    Files.writeString(bundle.resolve("preprocessing.json"), prep.append("]}"));
    Files.writeString(bundle.resolve("reference.json"), ref.append("}}"));
    Files.writeString(bundle.resolve("golden.json"), "{\"tolerance\":1e-5,\"cases\":[{\"id\":\"c\","
        + "\"request\":{\"applicantId\":\"W-1\",\"asOfDate\":\"2026-11-01\",\"features\":{" + req
        + "}},\"probability\":0.5}]}");
  }

  // Sealing, written here from the format's description rather than with BundleWriter, so that
  // manifests the SDK refuses to write can still be sealed.

  private static void seal(Path bundle, JsonNode options, boolean encrypted) throws IOException {
    Path manifestFile = bundle.resolve("manifest.json");
    ObjectNode manifest = (ObjectNode) JSON.readTree(manifestFile.toFile());
    if (!options.path("keepFiles").asBoolean()) {
      ObjectNode files = manifest.putObject("files");
      String prefix = options.path("keyPrefix").asText("");
      try (Stream<Path> paths = Files.walk(bundle)) {
        for (Path p : paths.sorted().toList()) {
          String rel = bundle.relativize(p).toString();
          // The wrapped key an "encrypt" step wrote stays outside the checksums, as sealing
          // does; a case that lists one anyway writes it itself.
          if (Files.isRegularFile(p) && !rel.equals("manifest.json")
              && !(encrypted && pe.agriscore.trust.BundleCrypto.isWrappedKey(rel))) {
            files.put(prefix + rel, sha256(p));
          }
        }
      }
      options.path("extraFiles").fields().forEachRemaining(e -> files.set(e.getKey(), e.getValue()));
    }
    String zeros = "0".repeat(64);
    JsonPointer self = JsonPointer.compile(options.path("selfAt").asText("/manifestSha256"));
    ((ObjectNode) manifest.at(self.head())).put(self.last().getMatchingProperty(), zeros);
    String text = JSON.writerWithDefaultPrettyPrinter().writeValueAsString(manifest) + "\n";
    if (text.indexOf(zeros) != text.lastIndexOf(zeros)) {
      throw new IllegalStateException("the manifest holds 64 zeros twice");
    }
    String hash = sha256(text.getBytes(StandardCharsets.UTF_8));
    Files.writeString(manifestFile, text.replace(zeros, hash));
  }

  private static String sha256(Path p) throws IOException {
    try (InputStream in = Files.newInputStream(p)) {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[1 << 16];
      for (int n = in.read(buf); n > 0; n = in.read(buf)) {
        md.update(buf, 0, n);
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  // Zips.

  private static void buildZip(Path bundle, JsonNode spec, Path zip) throws IOException {
    List<RawZip.Entry> entries = new ArrayList<>();
    if (spec.path("bundle").asBoolean(true)) {
      Map<String, Path> files = new TreeMap<>();
      try (Stream<Path> paths = Files.walk(bundle)) {
        paths.filter(Files::isRegularFile)
            .forEach(p -> files.put(bundle.relativize(p).toString(), p));
      }
      for (Map.Entry<String, Path> f : files.entrySet()) {
        entries.add(new RawZip.Entry(f.getKey().getBytes(StandardCharsets.UTF_8),
            RawZip.bytes(Files.readAllBytes(f.getValue())), true, 0, false, -1));
      }
    }
    for (JsonNode e : spec.path("entries")) {
      byte[] name = e.has("nameHex") ? HexFormat.of().parseHex(e.path("nameHex").asText())
          : e.path("name").asText().getBytes(StandardCharsets.UTF_8);
      RawZip.Content content = e.has("zeros") ? RawZip.zeros(e.path("zeros").asLong())
          : e.has("copyOf") ? RawZip.bytes(Files.readAllBytes(bundle.resolve(
              e.path("copyOf").asText())))
          : RawZip.bytes(e.path("text").asText().getBytes(StandardCharsets.UTF_8));
      int mode = e.path("symlink").asBoolean() ? 0120777 : e.path("mode").asInt(0);
      entries.add(new RawZip.Entry(name, content, !e.path("stored").asBoolean(), mode,
          e.path("encrypted").asBoolean(), e.path("declaredSize").asLong(-1)));
    }
    RawZip.write(zip, entries);
    if (spec.has("truncateTo")) {
      byte[] bytes = Files.readAllBytes(zip);
      Files.write(zip, java.util.Arrays.copyOf(bytes, spec.path("truncateTo").asInt()));
    }
  }
}
