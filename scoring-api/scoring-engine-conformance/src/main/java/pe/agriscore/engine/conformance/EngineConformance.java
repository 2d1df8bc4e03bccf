package pe.agriscore.engine.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import java.util.jar.JarFile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import pe.agriscore.CreditScorer;
import pe.agriscore.engine.EngineDescriptor;
import pe.agriscore.engine.EngineException;
import pe.agriscore.engine.EngineOptions;
import pe.agriscore.engine.Engines;
import pe.agriscore.engine.ModelFiles;
import pe.agriscore.engine.ScoringEngine;
import pe.agriscore.engine.ScoringModel;
import pe.agriscore.internal.bundle.ModelBundle;
import pe.agriscore.schema.GoldenCase;
import pe.agriscore.scoring.BundleException;
import pe.agriscore.scoring.CreditScore;

/**
 * The contract every AgriScore scoring engine meets, as a JUnit 5 suite: an engine's tests
 * extend this class with one of its bundles, and the engine passes when every test does.
 *
 * <pre>{@code
 * class MyEngineConformanceTest extends EngineConformance {
 *   @TempDir static Path tmp;
 *
 *   protected ScoringEngine engine() { return new MyEngine(); }
 *
 *   protected Path bundle() throws Exception { return MyFixtures.writeBundle(tmp); }
 * }
 * }</pre>
 *
 * <p>What it proves, on the engine's real runtime and the given bundle (its golden cases are the
 * requests scored, so give it a bundle with a few dozen):
 *
 * <ul>
 *   <li>discovery: {@link Engines} finds the engine by the name the bundle carries, its
 *       registration ships in its own jar, its descriptor names that format and an artifact;
 *   <li>the golden cases reproduce within the bundle's tolerance, through the engine and through
 *       {@link CreditScorer};
 *   <li>a model view one column wider or narrower than the model is refused naming the model
 *       file, and calls whose rows do not fit are refused;
 *   <li>8 threads at once get bit-identical results to sequential scoring, at batch size 1 and
 *       in batches, and through {@link CreditScorer} the same scores, points, grades and reason
 *       codes;
 *   <li>in child JVMs (a native fault fails the test, not the build): closing while 8 threads
 *       score ends every call with a result or the closed error and leaks neither threads nor
 *       memory; resident memory stays flat over many records; loading and scoring from an empty
 *       cache, with DJL's offline switch unset and every HTTP(S) connection sent to a trap,
 *       opens no connection at all; an application module that requires only {@code
 *       pe.agriscore} loads the bundle with the engine's named module found through its {@code
 *       provides}.
 * </ul>
 *
 * <p>{@link #engineOptions()} are used for every load, and passed to the child JVMs as system
 * properties. {@code -Dagriscore.conformance.memory_records=N} scales the memory run (default
 * {@value #DEFAULT_MEMORY_RECORDS}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class EngineConformance {

  /** Records the memory run scores unless {@code agriscore.conformance.memory_records} says. */
  public static final long DEFAULT_MEMORY_RECORDS = 100_000;

  /** The most resident memory may grow over the memory run after its warm-up. */
  public static final long MAX_MEMORY_GROWTH_KIB = 150 * 1024;

  /** Threads of the determinism test. */
  static final int THREADS = 8;

  /** The batch size of the determinism test's batched calls. */
  static final int BATCH = 7;

  /** Times each thread scores every golden request through the scorer. */
  static final int SCORER_ROUNDS = 20;

  /** Rows the determinism test scores (golden rows and blends of them). */
  static final int ROWS = 64;

  @TempDir Path kitTmp;

  private Path bundleDir;
  private ModelBundle bundle;

  /** A new instance of the engine under test, as its provider class. */
  protected abstract ScoringEngine engine();

  /**
   * A bundle directory for the engine, with golden cases (the more, the more the concurrency
   * tests vary): called once per test class, before any test, so write it into a {@code static}
   * {@code @TempDir} (an instance one is not injected yet).
   */
  protected abstract Path bundle() throws Exception;

  /** The options every load uses; default none. */
  protected EngineOptions engineOptions() {
    return EngineOptions.defaults();
  }

  @BeforeAll
  final void openBundle() throws Exception {
    bundleDir = bundle();
    bundle = ModelBundle.open(bundleDir);
    assertFalse(bundle.goldenCases().isEmpty(), bundleDir + " has no golden cases");
  }

  @AfterAll
  final void closeBundle() {
    if (bundle != null) {
      bundle.close();
    }
  }

  @Test
  void isFoundByTheNameItsBundlesCarry() throws Exception {
    String name = bundle.manifest().engine();
    EngineDescriptor d = engine().descriptor();
    assertEquals(name, d.name(), "the descriptor's name is the one bundles carry");
    assertTrue(d.modelFormats().contains(bundle.manifest().modelFormat()), d.toString());
    assertInstanceOf(engine().getClass(), Engines.find(name));
    // The registration ships with the engine's own classes, not somewhere on a test classpath.
    String service = "META-INF/services/" + ScoringEngine.class.getName();
    assertEquals(List.of(engine().getClass().getName()), registrations(engine().getClass(),
        service).stream().filter(c -> c.equals(engine().getClass().getName())).toList(),
        "the engine's jar lists it in " + service);
  }

  @Test
  void reproducesTheGoldenCases() {
    double tolerance = bundle.goldenTolerance();
    try (ScoringModel model = Engines.load(engine(), bundle, engineOptions())) {
      for (GoldenCase g : bundle.goldenCases()) {
        double p = model.predict(bundle.encoder().encode(g.request()), 1)[0];
        assertTrue(Math.abs(p - g.probability()) <= tolerance, "golden case '" + g.id()
            + "': the engine scored " + p + ", the bundle expects " + g.probability()
            + " within " + tolerance);
      }
    }
    try (CreditScorer scorer = CreditScorer.builder(bundleDir).engineOptions(engineOptions())
        .build()) {
      for (GoldenCase g : bundle.goldenCases()) {
        assertEquals(g.probability(), scorer.score(g.request()).probabilityOfDefault(),
            tolerance, g.id());
      }
    }
  }

  @Test
  void refusesAModelViewOfAnotherWidthNamingTheModel() {
    ModelFiles files = ModelFiles.of(bundle);
    int width = files.inputWidth();
    List<Integer> wrong = new ArrayList<>(List.of(width + 1));
    if (width > 1) {
      wrong.add(width - 1);
    }
    for (int w : wrong) {
      BundleException e = assertThrows(BundleException.class,
          () -> Engines.load(engine(), files.withInputWidth(w), engineOptions()).close(),
          "a model taking " + width + " inputs was loaded as taking " + w);
      assertEquals(bundle.manifest().model(), e.file(), e.getMessage());
    }
  }

  @Test
  void refusesRowsThatDoNotFitAndCallsAfterClose() {
    ScoringModel model = Engines.load(engine(), bundle, engineOptions());
    int width = model.inputWidth();
    assertEquals(bundle.encoder().width(), width);
    assertEquals(0, model.predict(new float[0], 0).length);
    EngineException shortRows = assertThrows(EngineException.class,
        () -> model.predict(new float[2 * width - 1], 2));
    assertTrue(shortRows.getMessage().contains("2 rows need " + 2 * width + " floats"),
        shortRows.getMessage());
    float[] row = bundle.encoder().encode(bundle.goldenCases().get(0).request());
    double before = model.predict(row, 1)[0];
    // Extra floats after the rows are ignored.
    float[] padded = Arrays.copyOf(row, width + 3);
    assertEquals(before, model.predict(padded, 1)[0]);
    model.close();
    model.close();
    EngineException closed = assertThrows(EngineException.class, () -> model.predict(row, 1));
    assertTrue(closed.getMessage().endsWith(" is closed"), closed.getMessage());
  }

  @Test
  void eightThreadsGetBitIdenticalResultsToSequentialScoring() throws Exception {
    float[][] rows = determinismRows();
    try (ScoringModel model = Engines.load(engine(), bundle, engineOptions())) {
      double[][] sequential = scoreAll(model, rows, 0);
      double[][][] byThread = new double[THREADS][][];
      onEightThreadsAtOnce(id -> byThread[id] = scoreAll(model, rows, id * (ROWS / THREADS)));
      for (int t = 0; t < THREADS; t++) {
        for (int mode = 0; mode < 2; mode++) {
          for (int r = 0; r < ROWS; r++) {
            long want = Double.doubleToRawLongBits(sequential[mode][r]);
            long got = Double.doubleToRawLongBits(byThread[t][mode][r]);
            if (want != got) {
              fail("thread " + t + ", row " + r + (mode == 0 ? " alone" : " in a batch of "
                  + BATCH) + ": " + byThread[t][mode][r] + ", sequentially "
                  + sequential[mode][r]);
            }
          }
        }
      }
    }
  }

  @Test
  void eightThreadsGetTheSequentialScoresReasonCodesIncludedThroughCreditScorer()
      throws Exception {
    List<GoldenCase> golden = bundle.goldenCases();
    try (CreditScorer scorer = CreditScorer.builder(bundleDir).engineOptions(engineOptions())
        .build()) {
      List<CreditScore> sequential = new ArrayList<>();
      for (GoldenCase g : golden) {
        sequential.add(scorer.score(g.request()));
      }
      onEightThreadsAtOnce(id -> {
        for (int round = 0; round < SCORER_ROUNDS; round++) {
          for (int k = 0; k < golden.size(); k++) {
            int i = (k + id + round) % golden.size();
            CreditScore want = sequential.get(i);
            CreditScore got = scorer.score(golden.get(i).request());
            if (Double.doubleToRawLongBits(want.probabilityOfDefault())
                != Double.doubleToRawLongBits(got.probabilityOfDefault())
                || want.points() != got.points() || !want.grade().equals(got.grade())
                || !want.reasons().equals(got.reasons())) {
              throw new AssertionError("thread " + id + ", golden case '" + golden.get(i).id()
                  + "': " + got + ", sequentially " + want);
            }
          }
        }
      });
    }
  }

  /**
   * Runs {@code body} on {@value #THREADS} new threads ({@code conformance-<id>}) released at
   * once; fails with the first failure after all ended.
   */
  private static void onEightThreadsAtOnce(IntConsumer body) throws InterruptedException {
    ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
    CyclicBarrier start = new CyclicBarrier(THREADS);
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      int id = t;
      Thread thread = new Thread(() -> {
        try {
          start.await();
          body.accept(id);
        } catch (Throwable e) {
          failures.add(e);
        }
      }, "conformance-" + t);
      threads.add(thread);
      thread.start();
    }
    for (Thread thread : threads) {
      thread.join();
    }
    if (!failures.isEmpty()) {
      throw new AssertionError(failures.size() + " of " + THREADS + " threads failed; first: "
          + failures.peek().getMessage(), failures.peek());
    }
  }

  @Test
  void closingWhileEightThreadsScoreIsCleanInAChildJvm() throws Exception {
    for (String mode : List.of("scorer", "model")) {
      CloseWhileScoring.assertCleanRunInChildJvm(bundle.manifest().engine(), mode, bundleDir,
          optionsAsProperties());
    }
  }

  @Test
  void residentMemoryStaysFlatInAChildJvm() throws Exception {
    long records = Long.getLong("agriscore.conformance.memory_records", DEFAULT_MEMORY_RECORDS);
    List<String> args = new ArrayList<>(MemoryFlatness.JVM_ARGS);
    args.addAll(optionsAsProperties());
    String out = ChildJvm.start(MemoryFlatness.class, args, bundleDir.toString(),
        Long.toString(records)).await();
    out.lines().filter(l -> l.startsWith("memory flatness: ")).forEach(System.out::println);
    long[] f = Arrays.stream(line(out, MemoryFlatness.RESULT).split(" ")).skip(1)
        .mapToLong(Long::parseLong).toArray();
    assertEquals(records, f[2], "records scored");
    assertEquals(0, f[3], "scores that missed their golden probability:\n" + out);
    assertTrue(f[1] - f[0] < MAX_MEMORY_GROWTH_KIB, "resident memory grew by " + (f[1] - f[0])
        + " KiB over " + records + " records:\n" + out);
  }

  @Test
  void loadsOfflineFromAnEmptyCacheWithoutOpeningAConnectionInAChildJvm() throws Exception {
    try (ConnectionTrap trap = new ConnectionTrap()) {
      List<String> args = new ArrayList<>(trap.proxyProperties());
      Path home = Files.createDirectories(kitTmp.resolve("offline-home"));
      args.add("-Duser.home=" + home);
      args.add("-Dagriscore.cache_dir=" + kitTmp.resolve("offline-cache"));
      args.add("-DDJL_CACHE_DIR=" + kitTmp.resolve("offline-djl"));
      args.addAll(optionsAsProperties().stream()
          .filter(a -> !a.startsWith("-Dagriscore.cache_dir=")).toList());
      // DJL's own switches are left unset: the engine must keep DJL off the network itself.
      List<String> unset = List.of("DJL_OFFLINE", "DJL_CACHE_DIR", "ENGINE_CACHE_DIR",
          "http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY");
      // The trap works: a download attempted in such a child is seen.
      ChildJvm.start(OfflineLoad.class, args, unset, "control").await();
      assertTrue(trap.connections() > 0, "the control fetch of " + OfflineLoad.CONTROL_URL
          + " did not reach the trap: the check below could not fail");
      int seen = trap.connections();
      String out = ChildJvm.start(OfflineLoad.class, args, unset, "load", bundleDir.toString())
          .await();
      assertTrue(out.contains(OfflineLoad.LOADED), out);
      assertEquals(seen, trap.connections(), "loading engine '" + bundle.manifest().engine()
          + "' from an empty cache opened a network connection:\n" + out);
    }
  }

  @Test
  void isFoundThroughItsModulesProvidesOnTheModulePathInAChildJvm() throws Exception {
    String module = ModulePathRun.moduleOf(engine().getClass()).orElseThrow(() ->
        new AssertionError(engine().getClass() + " is not in a module (no module-info.java)"));
    String out = ModulePathRun.run(Files.createDirectories(kitTmp.resolve("module-path")),
        bundleDir, optionsAsProperties());
    assertTrue(out.contains(ModulePathRun.LOADED + engine().getClass().getName() + " module "
        + module), "the engine was not loaded from its named module " + module + ":\n" + out);
  }

  /** The engine options as child JVM system properties ({@code -Dkey=value}). */
  private List<String> optionsAsProperties() {
    List<String> props = new ArrayList<>();
    for (Map.Entry<String, String> e : engineOptions().asMap().entrySet()) {
      props.add("-D" + e.getKey() + "=" + e.getValue());
    }
    return props;
  }

  /** The golden rows, then blends of two of them, {@value #ROWS} in all. */
  private float[][] determinismRows() {
    List<GoldenCase> golden = bundle.goldenCases();
    float[][] base = new float[golden.size()][];
    for (int i = 0; i < base.length; i++) {
      base[i] = bundle.encoder().encode(golden.get(i).request());
    }
    float[][] rows = new float[ROWS][];
    for (int r = 0; r < ROWS; r++) {
      float[] a = base[r % base.length];
      float[] b = base[(r * 7 + 3) % base.length];
      float t = r < base.length ? 0f : (r % 10) / 10f;
      rows[r] = new float[a.length];
      for (int c = 0; c < a.length; c++) {
        rows[r][c] = a[c] * (1 - t) + b[c] * t;
      }
    }
    return rows;
  }

  /**
   * Every row alone ([0]) and in the fixed batches of {@value #BATCH} ([1]), starting at batch
   * {@code offset} and wrapping, so threads run different rows at the same moment.
   */
  private static double[][] scoreAll(ScoringModel model, float[][] rows, int offset) {
    int width = rows[0].length;
    double[][] out = {new double[ROWS], new double[ROWS]};
    for (int k = 0; k < ROWS; k++) {
      int r = (k + offset) % ROWS;
      out[0][r] = model.predict(rows[r], 1)[0];
    }
    int batches = (ROWS + BATCH - 1) / BATCH;
    for (int k = 0; k < batches; k++) {
      int b = (k + offset) % batches;
      int from = b * BATCH;
      int n = Math.min(BATCH, ROWS - from);
      float[] batch = new float[n * width];
      for (int i = 0; i < n; i++) {
        System.arraycopy(rows[from + i], 0, batch, i * width, width);
      }
      double[] p = model.predict(batch, n);
      System.arraycopy(p, 0, out[1], from, n);
    }
    return out;
  }

  /** The class names listed in {@code service} in the jar or directory {@code type} came from. */
  private static List<String> registrations(Class<?> type, String service)
      throws IOException, URISyntaxException {
    Path source = Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
    String text;
    if (Files.isDirectory(source)) {
      Path file = source.resolve(service);
      text = Files.isRegularFile(file) ? Files.readString(file) : "";
    } else {
      try (JarFile jar = new JarFile(source.toFile())) {
        var entry = jar.getJarEntry(service);
        if (entry == null) {
          return List.of();
        }
        try (InputStream in = jar.getInputStream(entry)) {
          text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
      }
    }
    return text.lines().map(l -> l.replaceAll("#.*", "").trim()).filter(l -> !l.isEmpty())
        .toList();
  }

  private static String line(String out, String prefix) {
    return out.lines().filter(l -> l.startsWith(prefix)).findFirst()
        .orElseThrow(() -> new AssertionError("no " + prefix + "line in\n" + out));
  }

  /**
   * A local server posing as the HTTP(S) proxy: it counts connections and closes them. {@link
   * #connections()} first connects a sentinel and waits until it is accepted, so every connection
   * made before the call is counted (the kernel hands them over in order).
   */
  static final class ConnectionTrap implements AutoCloseable {
    private final ServerSocket server;
    private final AtomicInteger connections = new AtomicInteger();
    private final Set<Integer> acceptedPorts = ConcurrentHashMap.newKeySet();
    private final Thread acceptor;

    ConnectionTrap() throws IOException {
      server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      acceptor = new Thread(() -> {
        while (!server.isClosed()) {
          try (Socket s = server.accept()) {
            acceptedPorts.add(s.getPort());
            connections.incrementAndGet();
          } catch (IOException e) {
            return; // closed
          }
        }
      }, "conformance-connection-trap");
      acceptor.setDaemon(true);
      acceptor.start();
    }

    /** Every JVM switch that sends HTTP and HTTPS through the trap. */
    List<String> proxyProperties() {
      String port = Integer.toString(server.getLocalPort());
      return List.of("-Dhttp.proxyHost=127.0.0.1", "-Dhttp.proxyPort=" + port,
          "-Dhttps.proxyHost=127.0.0.1", "-Dhttps.proxyPort=" + port,
          "-Djava.net.useSystemProxies=false");
    }

    /** Connections so far, sentinels left out. */
    int connections() throws IOException, InterruptedException {
      int port;
      try (Socket sentinel = new Socket(InetAddress.getLoopbackAddress(),
          server.getLocalPort())) {
        port = sentinel.getLocalPort();
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!acceptedPorts.contains(port)) {
          if (System.nanoTime() > deadline) {
            throw new AssertionError("the connection trap accepted no sentinel in 60 s");
          }
          Thread.sleep(5);
        }
      }
      sentinels++;
      return connections.get() - sentinels;
    }

    private int sentinels;

    @Override
    public void close() throws Exception {
      server.close();
      acceptor.join(10_000);
    }
  }
}
