package pe.agriscore.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import pe.agriscore.bench.report.MarkdownReport.TargetRow;
import pe.agriscore.bench.report.MarkdownReport.Verdict;

/**
 * Reads a hand-written JMH result file (src/test/resources/jmh-fixture.json) whose medians were
 * chosen so that every verdict occurs; the expected ratios below are worked out by hand.
 */
class MarkdownReportTest {

  private static final MachineInfo MACHINE =
      new MachineInfo(2, "Test CPU @ 2.0GHz", 23.4, "Linux 6.1", "0.10 0.20 0.30");
  private static List<JmhResult> results;

  @BeforeAll
  static void read() throws Exception {
    results = JmhResult.read(fixture());
  }

  private static Path fixture() throws URISyntaxException {
    return Path.of(MarkdownReportTest.class.getResource("/jmh-fixture.json").toURI());
  }

  @Test
  void parsesJmhJson() {
    assertEquals(21, results.size());
    JmhResult score = MarkdownReport.find(results, MarkdownReport.SCORE, "model", "tensorflow",
        "reasonCodes", "0").orElseThrow();
    assertEquals("pe.agriscore.bench.ScoreBenchmark.score", score.benchmark());
    assertEquals("ScoreBenchmark", score.className());
    assertEquals("score", score.method());
    assertEquals(100.0, score.median());
    assertEquals(300.0, score.p99());
    assertEquals(110.0, score.score());
    assertEquals(4.0, score.error());
    assertEquals("us/op", score.unit());
    assertEquals(Map.of("model", "tensorflow", "reasonCodes", "0"), score.params());
    assertEquals(2, score.run().forks());
    assertEquals("1 s", score.run().measurementTime());
    JmhResult json = MarkdownReport.find(results, "JsonBenchmark.readRequest").orElseThrow();
    assertTrue(Double.isNaN(json.error()), "JMH writes a single iteration's error as \"NaN\"");
    assertTrue(Double.isNaN(json.p99()), "p99 is reported for sampled benchmarks only");
  }

  @Test
  void computesEveryTargetFromMedians() {
    List<TargetRow> t = MarkdownReport.targets(results);
    // TensorFlow: 100 us end to end / 80 us bare = 1.25 > 1.10 (no fastPath param: native).
    assertTarget(t.get(0), "TensorFlow: end to end", 1.25, Verdict.MISSED);
    // PyTorch: 50 / 45 = 1.111 > 1.10.
    assertTarget(t.get(1), "PyTorch: end to end", 50.0 / 45.0, Verdict.MISSED);
    // TensorFlow over PyTorch natively: 100 / 50 = 2.0 <= 2.
    assertTarget(t.get(2), "TensorFlow ÷ PyTorch, one request", 2.0, Verdict.MET);
    // The fixture has fast-path rows for PyTorch only.
    assertEquals(Verdict.NOT_RUN, t.get(3).verdict());
    assertTrue(t.get(3).what().startsWith("TensorFlow: one request end to end on the fast path"));
    assertEquals(Verdict.NOT_RUN, t.get(4).verdict());
    // PyTorch fast path: p50 1.5 us <= 2 us, p99 3 us shown beside it; 6 us > 5 us.
    assertTarget(t.get(5), "PyTorch: one request end to end on the fast path", 1.5,
        Verdict.MET);
    assertEquals("1.50 µs (3.00 µs)", t.get(5).shown());
    assertTarget(t.get(6), "PyTorch: the same with 4 reason codes", 6.0, Verdict.MISSED);
    // scoreAll (no fastPath param in BatchBenchmark: native rows only) 90 batches/s against 100
    // bare: 90% >= 80%; 70 against 100: 70% < 80%.
    assertTarget(t.get(7), "TensorFlow: `scoreAll`", 0.90, Verdict.MET);
    assertTrue(t.get(7).what().endsWith("(native)"), t.get(7).what());
    assertTarget(t.get(8), "PyTorch: `scoreAll`", 0.70, Verdict.MISSED);
    // JSON: 1,490 ns = 1.49 us <= 2 us; 1,400 ns = 1.4 us <= 1.5 us.
    assertTarget(t.get(9), "JSON: parsing one request", 1.49, Verdict.MET);
    assertTarget(t.get(10), "JSON: writing one score", 1.4, Verdict.MET);
    // The scorecard was not in this run.
    assertEquals(Verdict.NOT_RUN, t.get(11).verdict());
    assertTrue(t.get(11).what().startsWith("Scorecard: score with 4 reason codes"));
    // Reason codes: 250 / 100 = 2.5 <= 3; 175 / 50 = 3.5 > 3.
    assertTarget(t.get(12), "TensorFlow: score with 4 reason codes", 2.5, Verdict.MET);
    assertTarget(t.get(13), "PyTorch: score with 4 reason codes", 3.5, Verdict.MISSED);
    // Concurrency: only PyTorch ran, 36,000 / 20,000 scores/s.
    assertEquals(Verdict.NOT_RUN, t.get(14).verdict());
    assertEquals(Verdict.NOT_RUN, t.get(15).verdict());
    assertTarget(t.get(16), "PyTorch: total scores/s, 2 threads ÷ 1 thread", 1.8,
        Verdict.CONTEXT);
    assertEquals(17, t.size());
  }

  @Test
  void fastPathRowsOfBatchesAppearWithTheParameter() {
    JmhResult r = MarkdownReport.find(results, MarkdownReport.BATCH, "model", "pytorch",
        "batch", "1024").orElseThrow();
    java.util.Map<String, String> on = new java.util.HashMap<>(r.params());
    on.put(MarkdownReport.FAST_PATH, "on");
    JmhResult fast = new JmhResult(r.benchmark(), r.mode(), r.threads(), on, 85.0, r.error(),
        r.unit(), Map.of(50.0, 85.0), r.run());
    List<JmhResult> more = new java.util.ArrayList<>(results);
    more.add(fast);
    List<TargetRow> t = MarkdownReport.targets(more);
    TargetRow row = t.stream().filter(x -> x.what().startsWith("PyTorch: `scoreAll`")
        && x.what().endsWith("(fast path)")).findFirst().orElseThrow();
    // 85 batches/s against the bare engine's 100.
    assertEquals(0.85, row.value(), 1e-9);
    assertEquals(Verdict.MET, row.verdict());
    assertEquals(19, t.size());
  }

  @Test
  void batchRowsPerRequestSourceAppearWithTheParameter() {
    JmhResult r = MarkdownReport.find(results, MarkdownReport.BATCH, "model", "pytorch",
        "batch", "1024").orElseThrow();
    List<JmhResult> more = new java.util.ArrayList<>(results);
    more.removeIf(x -> x.shortName().equals(MarkdownReport.BATCH));
    more.add(withParams(r, Map.of("source", "built"), 70.0));
    more.add(withParams(r, Map.of("source", "json"), 95.0));
    // A smaller batch measured with another path does not ask for a target row of its own.
    more.add(withParams(r, Map.of("batch", "64", "fastPath", "auto", "source", "built"), 9.0));
    List<TargetRow> t = MarkdownReport.targets(more);
    assertTrue(t.stream().noneMatch(x -> x.what().contains("where it verifies")), "" + t);
    TargetRow built = t.stream().filter(x -> x.what().startsWith("PyTorch: `scoreAll`")
        && x.what().endsWith("(native, requests built by name)")).findFirst().orElseThrow();
    TargetRow json = t.stream().filter(x -> x.what().startsWith("PyTorch: `scoreAll`")
        && x.what().endsWith("(native, requests read from JSON in schema order)"))
        .findFirst().orElseThrow();
    // 70 and 95 batches/s against the bare engine's 100.
    assertEquals(0.70, built.value(), 1e-9);
    assertEquals(Verdict.MISSED, built.verdict());
    assertEquals(0.95, json.value(), 1e-9);
    assertEquals(Verdict.MET, json.verdict());
    // The TensorFlow rows of each source, without TensorFlow results in the batch: not run.
    assertEquals(2, t.stream().filter(x -> x.what().startsWith("TensorFlow: `scoreAll`")
        && x.verdict() == Verdict.NOT_RUN).count());
  }

  private static JmhResult withParams(JmhResult r, Map<String, String> extra, double median) {
    Map<String, String> params = new java.util.HashMap<>(r.params());
    params.putAll(extra);
    return new JmhResult(r.benchmark(), r.mode(), r.threads(), params, median, r.error(),
        r.unit(), Map.of(50.0, median), r.run());
  }

  @Test
  void explainsWhereTheTimeGoes() {
    List<TargetRow> c = MarkdownReport.context(results);
    // Adapter 85 us over bare 80 us.
    assertTarget(c.get(0), "TensorFlow: AgriScore's engine adapter ÷ bare DJL", 85.0 / 80.0,
        Verdict.CONTEXT);
    // CreditScorer: 100 us end to end - 85 us adapter.
    assertTarget(c.get(1), "TensorFlow: `CreditScorer` around the engine adapter", 15.0,
        Verdict.CONTEXT);
    // Bare 80 us over the Java floor's 0.8 us.
    assertTarget(c.get(2), "TensorFlow: bare DJL predictor ÷ plain Java", 100.0,
        Verdict.CONTEXT);
    // Batch of 1,024: engine 1e6 / (100 * 1024) us per row, AgriScore 1e6 / (90 * 1024) - that.
    double engineRow = 1e6 / (100.0 * 1024);
    assertTarget(c.get(3), "TensorFlow: per row in a batch of 1,024",
        1e6 / (90.0 * 1024) - engineRow, Verdict.CONTEXT);
    assertEquals("1.09 µs / 9.77 µs", c.get(3).shown());
    // PyTorch has no adapter or floor result in the fixture: only its batch row.
    assertTrue(c.get(4).what().startsWith("PyTorch: per row in a batch"), c.get(4).what());
    assertTarget(c.get(5), "Validation and encoding of one request", 600.0, Verdict.CONTEXT);
    assertEquals("600 ns", c.get(5).shown());
    assertEquals(6, c.size());
  }

  private static void assertTarget(TargetRow row, String prefix, double value, Verdict verdict) {
    assertTrue(row.what().startsWith(prefix), row.what());
    assertEquals(value, row.value(), 1e-9, row.what());
    assertEquals(verdict, row.verdict(), row.what());
  }

  @Test
  void rendersHeaderTargetsAndTables() {
    String md = MarkdownReport.render(results, "benchmarks/run.sh -p model=pytorch", MACHINE,
        Instant.parse("2026-11-28T21:05:00Z"));
    assertTrue(md.contains("- **Machine:** 2 CPUs (Test CPU @ 2.0GHz), 23.4 GiB RAM, Linux 6.1,"
        + " load average 0.10 0.20 0.30 when reported"), md);
    assertTrue(md.contains("- **JDK:** OpenJDK 64-Bit Server VM 17.0.15+6-Debian-1deb12u1"
        + " (17.0.15), JMH 1.37"), md);
    assertTrue(md.contains("- **Date:** 2026-11-28 21:05 UTC"), md);
    assertTrue(md.contains("- **Command:** `benchmarks/run.sh -p model=pytorch`"), md);
    assertTrue(md.contains("2 fork(s) × 5 measured iteration(s) of 1 s after 3 warm-up"
        + " iteration(s) of 1 s; JVM flags `-Xmx1g -Dai.djl.offline=true`"), md);
    assertFalse(md.contains("Short run"), "2 forks × 5 iterations is a measurement");

    assertTrue(md.contains("| TensorFlow: end to end ÷ bare DJL predictor, one request (native,"
        + " fast path off) | 1.25× | ≤ 1.1× | **missed** |"), md);
    assertTrue(md.contains("| PyTorch: one request end to end on the fast path, p50 (p99) |"
        + " 1.50 µs (3.00 µs) | ≤ 2.00 µs | met |"), md);
    assertTrue(md.contains("batch of 1,024 (native) | 90% | ≥ 80% | met |"), md);
    assertTrue(md.contains("| Scorecard: score with 4 reason codes ÷ plain score | – | ≤ 3× |"
        + " not in this run |"), md);
    assertTrue(md.contains("| TensorFlow: `CreditScorer` around the engine adapter, one request"
        + " (end to end − adapter) | 15.0 µs |"), md);

    // Sampled single requests: median, error, p99.
    // The fast path's column is empty for the results without the parameter.
    assertTrue(md.contains("| model | reasonCodes | fastPath | median | ± | p99 | unit |"), md);
    assertTrue(md.contains("| tensorflow | 0 |  | 100 | 4.00 | 300 | µs/op |"), md);
    assertTrue(md.contains("| pytorch | 0 | on | 1.50 | 0.100 | 3.00 | µs/op |"), md);
    // Batches: 90 calls/s of 1,024 rows = 92,160 rows/s.
    assertTrue(md.contains("| model | batch | median | ± | unit | rows/s |"), md);
    assertTrue(md.contains("| tensorflow | 1024 | 90.0 | 3.00 | ops/s | 92,160 |"), md);
    // Concurrency: one row per thread count.
    assertTrue(md.contains("| threads2 | 2 | pytorch | 36,000 | 900 | ops/s |"), md);
    // A benchmark without params, and JMH's NaN error.
    assertTrue(md.contains("| 1,490 | n/a | ns/op |"), md);
  }

  @Test
  void flagsShortRuns() {
    JmhResult r = results.get(0);
    JmhResult.RunInfo smoke = new JmhResult.RunInfo("1.37", "17", "VM", List.of(), 1, 0, "0 s",
        1, "200 ms");
    JmhResult short1 = new JmhResult(r.benchmark(), r.mode(), 1, r.params(), r.score(),
        Double.NaN, r.unit(), r.percentiles(), smoke);
    String md = MarkdownReport.render(List.of(short1), "x", MACHINE, Instant.EPOCH);
    assertTrue(md.contains("**Short run** (1 fork(s) × 1 iteration(s))"), md);
    assertTrue(md.contains("JVM flags none"), md);
  }

  @Test
  void refusesAnEmptyRun() {
    assertThrows(IllegalArgumentException.class,
        () -> MarkdownReport.render(List.of(), "x", MACHINE, Instant.EPOCH));
  }

  @Test
  void formatsNumbersForPeople() {
    assertEquals("92,160", MarkdownReport.number(92160.4));
    assertEquals("250", MarkdownReport.number(250.4));
    assertEquals("12.3", MarkdownReport.number(12.34));
    assertEquals("1.23", MarkdownReport.number(1.234));
    assertEquals("0.0123", MarkdownReport.number(0.01234));
    assertEquals("n/a", MarkdownReport.number(Double.NaN));
  }
}
