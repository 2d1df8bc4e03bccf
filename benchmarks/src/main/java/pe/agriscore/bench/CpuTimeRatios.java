package pe.agriscore.bench;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntConsumer;
import pe.agriscore.CreditScorer;
import pe.agriscore.bench.djl.BareDjlModel;
import pe.agriscore.engine.EngineOptions;
import pe.agriscore.engine.Engines;
import pe.agriscore.engine.ScoringModel;
import pe.agriscore.internal.bundle.ModelBundle;
import pe.agriscore.scoring.CreditScore;
import pe.agriscore.scoring.ScoringJson;
import pe.agriscore.scoring.ScoringRequest;

/**
 * The bulk-path ratios of issue #16 in <b>CPU time</b> of the whole process rather than wall
 * time, for a machine shared with other work: a JMH run there measures how much of the two cores
 * the benchmark got as much as the code, while the process's CPU time per operation (every thread:
 * the caller, the engines' own threads, the garbage collector) barely moves with the load. Each
 * round runs every case in turn for about {@code 0.3 s} of wall time after a warm-up, so load hits
 * them alike; the figures are medians over the rounds. Not a JMH benchmark; it complements them.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar pe.agriscore.bench.CpuTimeRatios [rounds]
 * </pre>
 */
public final class CpuTimeRatios {

  private static final int BATCH = 1024;
  private static final int POOL = 256;

  private CpuTimeRatios() {}

  /** One measured case: {@code op.accept(i)} is one operation of {@code rows} rows. */
  private record Case(String name, int rows, IntConsumer op) {}

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 7;
    List<AutoCloseable> open = new ArrayList<>();
    List<Case> cases = new ArrayList<>();
    try {
      addJson(cases, open);
      for (String[] m : new String[][] {{"pytorch", "on"}, {"pytorch", "off"},
          {"tensorflow", "auto"}}) {
        addBatch(cases, open, m[0], m[1]);
      }
      for (String engine : List.of("pytorch", "tensorflow")) {
        ModelBundle bundle = ModelBundle.open(ReferenceBundles.locate(engine));
        open.add(bundle);
        BareDjlModel bare = BareDjlModel.load(bundle);
        open.add(bare);
        float[] rows = new float[BATCH * bundle.encoder().width()];
        ScoringRequest[] requests = Fixtures.requests(bundle, BATCH);
        for (int i = 0; i < BATCH; i++) {
          bundle.encoder().encode(requests[i], rows, i * bundle.encoder().width());
        }
        cases.add(new Case("bare DJL " + engine + ", batch " + BATCH, BATCH,
            i -> sink(bare.predict(rows, BATCH))));
        for (String fastPath : engine.equals("pytorch") ? List.of("on", "off") : List.of("auto")) {
          ScoringModel adapter = Engines.load(bundle, EngineOptions.builder()
              .setAll(Fixtures.engineOptions().asMap()).set("pytorch.fast_path", fastPath).build());
          open.add(adapter);
          cases.add(new Case("engine adapter " + engine + (engine.equals("pytorch")
              ? " fastPath=" + fastPath : "") + " (ScoringModel.predict), batch " + BATCH, BATCH,
              i -> sink(adapter.predict(rows, BATCH))));
        }
      }
      Map<String, double[]> perRow = new LinkedHashMap<>();
      for (Case c : cases) {
        perRow.put(c.name, new double[rounds]);
        run(c, 2_000_000_000L);  // warm-up: 2 s each
      }
      for (int r = 0; r < rounds; r++) {
        for (Case c : cases) {
          perRow.get(c.name)[r] = run(c, 300_000_000L);
        }
      }
      System.out.printf("load average at the end: %s%n", Arrays.toString(loadAverage()));
      System.out.println("| case | CPU ns per row (median of " + rounds + " rounds) | min | max |");
      System.out.println("|---|---:|---:|---:|");
      for (Map.Entry<String, double[]> e : perRow.entrySet()) {
        double[] v = e.getValue().clone();
        Arrays.sort(v);
        System.out.printf(Locale.ROOT, "| %s | %.1f | %.1f | %.1f |%n", e.getKey(), v[v.length / 2],
            v[0], v[v.length - 1]);
      }
    } finally {
      for (int i = open.size() - 1; i >= 0; i--) {
        open.get(i).close();
      }
    }
  }

  private static void addJson(List<Case> cases, List<AutoCloseable> open) {
    CreditScorer scorer = Fixtures.scorer("scorecard", 4);
    open.add(scorer);
    ScoringRequest[] requests = Fixtures.requests("scorecard", POOL);
    byte[][] json = new byte[POOL][];
    CreditScore[] scores = new CreditScore[POOL];
    for (int i = 0; i < POOL; i++) {
      json[i] = ScoringJson.writeRequest(requests[i]);
      scores[i] = scorer.score(requests[i]);
    }
    ScoringJson.RequestReader reader =
        ScoringJson.reader(scorer.model().schema().featureNames());
    cases.add(new Case("ScoringJson.readRequest (by name)", 1,
        i -> sink(ScoringJson.readRequest(json[i & (POOL - 1)]))));
    cases.add(new Case("RequestReader.read (schema order)", 1,
        i -> sink(reader.read(json[i & (POOL - 1)]))));
    cases.add(new Case("ScoringJson.write, score with 4 reasons", 1,
        i -> sink(ScoringJson.write(scores[i & (POOL - 1)]))));
  }

  private static void addBatch(List<Case> cases, List<AutoCloseable> open, String engine,
      String fastPath) {
    CreditScorer scorer = Fixtures.scorer(engine, 0, fastPath);
    open.add(scorer);
    List<ScoringRequest> built = Arrays.asList(Fixtures.requests(engine, BATCH));
    ScoringJson.RequestReader reader =
        ScoringJson.reader(scorer.model().schema().featureNames());
    List<ScoringRequest> read = new ArrayList<>();
    for (ScoringRequest r : built) {
      read.add(reader.read(ScoringJson.writeRequest(r)));
    }
    String label = engine + (engine.equals("pytorch") ? " fastPath=" + fastPath : "");
    if (engine.equals("tensorflow")) {
      // Validation and encoding alone, the part of scoreAll the request's form decides.
      try (ModelBundle bundle = ModelBundle.open(ReferenceBundles.locate(engine))) {
        pe.agriscore.internal.bundle.Encoder encoder = bundle.encoder();
        float[] rows = new float[BATCH * encoder.width()];
        for (List<ScoringRequest> batch : List.of(built, read)) {
          cases.add(new Case("Encoder.encode only, " + (batch == built ? "built by name"
              : "read in schema order"), BATCH, i -> {
                for (int k = 0; k < BATCH; k++) {
                  encoder.encode(batch.get(k), rows, k * encoder.width());
                }
                sink(rows);
              }));
        }
      }
    }
    cases.add(new Case("scoreAll " + label + ", built by name", BATCH,
        i -> sink(scorer.scoreAll(built))));
    cases.add(new Case("scoreAll " + label + ", read in schema order", BATCH,
        i -> sink(scorer.scoreAll(read))));
  }

  /** Runs {@code c} for about {@code wallNanos}; returns CPU nanoseconds per row. */
  private static double run(Case c, long wallNanos) {
    com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean)
        ManagementFactory.getOperatingSystemMXBean();
    long cpu0 = os.getProcessCpuTime();
    long start = System.nanoTime();
    long ops = 0;
    while (System.nanoTime() - start < wallNanos || ops < 3) {
      c.op.accept((int) ops++);
    }
    long cpu = os.getProcessCpuTime() - cpu0;
    return (double) cpu / (ops * c.rows);
  }

  private static volatile Object sink;

  private static void sink(Object o) {
    sink = o;
  }

  private static double[] loadAverage() {
    double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    return new double[] {load};
  }
}
