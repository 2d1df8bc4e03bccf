package pe.agriscore.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.BenchmarkList;
import org.openjdk.jmh.runner.BenchmarkListEntry;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;
import pe.agriscore.bench.report.JmhResult;
import pe.agriscore.bench.report.MachineInfo;
import pe.agriscore.bench.report.MarkdownReport;

/**
 * Runs every benchmark, with every parameter combination, once: one fork, no warm-up, one short
 * measured iteration, failing on any benchmark error. It proves the suite still loads the
 * reference bundles and runs end to end, and that the report can be made from its output; it
 * never looks at how fast anything was.
 */
class BenchmarkSmokeIT {

  @Test
  void everyBenchmarkRunsAndReports() throws Exception {
    Path json = Path.of(System.getProperty("agriscore.bench.smoke.results",
        "target/jmh-smoke.json"));
    Files.createDirectories(json.toAbsolutePath().getParent());
    Options options = new OptionsBuilder()
        .include("pe\\.agriscore\\.bench\\..*")
        .forks(1)
        .warmupForks(0)
        .warmupIterations(0)
        .measurementIterations(1)
        .measurementTime(TimeValue.milliseconds(100))
        .timeout(TimeValue.minutes(2))
        .shouldFailOnError(true)
        .jvmArgs(forkJvmArgs().toArray(new String[0]))
        .resultFormat(ResultFormatType.JSON)
        .result(json.toString())
        .verbosity(VerboseMode.SILENT)
        .build();

    Collection<RunResult> results = new Runner(options).run();

    Set<String> ran = new TreeSet<>();
    for (RunResult r : results) {
      Map<String, String> params = new TreeMap<>();
      r.getParams().getParamsKeys().forEach(k -> params.put(k, r.getParams().getParam(k)));
      String id = r.getParams().getBenchmark() + params;
      double score = r.getPrimaryResult().getScore();
      assertTrue(score > 0 && Double.isFinite(score), id + " produced no measurement: " + score);
      ran.add(id);
    }
    assertEquals(expected(), ran, "every benchmark and parameter combination runs once");

    List<JmhResult> parsed = JmhResult.read(json);
    assertEquals(ran.size(), parsed.size(), "the JSON result holds every run");
    String md = MarkdownReport.render(parsed, "BenchmarkSmokeIT", MachineInfo.current(),
        Instant.now());
    assertFalse(md.contains("not in this run"), "every target is computed:\n" + md);
    assertTrue(md.contains("Short run"), md);
    for (JmhResult r : parsed) {
      assertTrue(md.contains("(`" + r.className() + "`)"), r.className() + " has a table");
    }
  }

  /** Every benchmark method with every combination of its @Param values. */
  private static Set<String> expected() {
    Set<String> all = new TreeSet<>();
    Set<BenchmarkListEntry> entries = BenchmarkList.defaultList().getAll(
        OutputFormatFactory.createFormatInstance(new PrintStream(PrintStream.nullOutputStream()),
            VerboseMode.SILENT), List.of());
    for (BenchmarkListEntry e : entries) {
      List<Map<String, String>> combos = new ArrayList<>();
      combos.add(new TreeMap<>());
      if (e.getParams().hasValue()) {
        for (Map.Entry<String, String[]> p : e.getParams().get().entrySet()) {
          List<Map<String, String>> next = new ArrayList<>();
          for (Map<String, String> c : combos) {
            for (String v : p.getValue()) {
              Map<String, String> m = new TreeMap<>(c);
              m.put(p.getKey(), v);
              next.add(m);
            }
          }
          combos = next;
        }
      }
      combos.forEach(c -> all.add(e.getUsername() + c));
    }
    assertTrue(all.size() > 20, "the benchmark list was found: " + all);
    return all;
  }

  /**
   * A modest heap, offline DJL and this JVM's bundle settings; C1 only and the serial collector,
   * because a smoke run measures nothing and CI machines are small.
   */
  private static List<String> forkJvmArgs() {
    List<String> args = new ArrayList<>(List.of("-Xmx1g", "-XX:TieredStopAtLevel=1",
        "-XX:+UseSerialGC", "-Dai.djl.offline=true", "-Dorg.bytedeco.javacpp.pathsFirst=true"));
    System.getProperties().stringPropertyNames().stream()
        .filter(k -> (k.startsWith("agriscore.bench.") || k.equals("agriscore.repo.root"))
            && !k.equals("agriscore.bench.smoke.results"))
        .sorted()
        .forEach(k -> args.add("-D" + k + "=" + System.getProperty(k)));
    return args;
  }
}
