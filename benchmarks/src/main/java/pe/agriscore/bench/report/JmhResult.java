package pe.agriscore.bench.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One entry of JMH's JSON result file ({@code -rf json}): a benchmark method with one set of
 * parameters, and its primary metric.
 *
 * <pre>{@code
 * List<JmhResult> results = JmhResult.read(Path.of("benchmarks/results/jmh-result.json"));
 * double p50 = results.get(0).median();
 * }</pre>
 *
 * @param benchmark the fully qualified method, e.g. {@code pe.agriscore.bench.ScoreBenchmark.score}
 * @param mode JMH's short mode name: {@code thrpt}, {@code avgt}, {@code sample}, {@code ss}
 * @param threads the threads that ran it
 * @param params the {@code @Param} values, in JMH's order
 * @param score the mean (throughput and average modes: of iterations; sample mode: of samples)
 * @param error JMH's 99.9% confidence half-width of {@code score}; NaN with a single iteration
 * @param unit e.g. {@code us/op}, {@code ops/s}
 * @param percentiles JMH's percentiles by rank ({@code 50.0}, {@code 99.0}...): of samples in
 *     sample mode, of iteration scores otherwise
 * @param run the run's settings and JVM, shared by all results of one run
 */
public record JmhResult(
    String benchmark,
    String mode,
    int threads,
    Map<String, String> params,
    double score,
    double error,
    String unit,
    Map<Double, Double> percentiles,
    RunInfo run) {

  /**
   * The settings JMH records with every result.
   *
   * @param jmhVersion e.g. {@code 1.37}
   * @param jdkVersion e.g. {@code 17.0.15}
   * @param vm the forked VM's name and version
   * @param jvmArgs the forked VM's flags
   * @param forks forks per benchmark
   * @param warmupIterations warm-up iterations per fork
   * @param warmupTime e.g. {@code 1 s}
   * @param measurementIterations measured iterations per fork
   * @param measurementTime e.g. {@code 1 s}
   */
  public record RunInfo(
      String jmhVersion,
      String jdkVersion,
      String vm,
      List<String> jvmArgs,
      int forks,
      int warmupIterations,
      String warmupTime,
      int measurementIterations,
      String measurementTime) {}

  /** The class's simple name and the method, e.g. {@code ScoreBenchmark.score}. */
  public String shortName() {
    String[] parts = benchmark.split("\\.");
    return parts.length < 2 ? benchmark : parts[parts.length - 2] + "." + parts[parts.length - 1];
  }

  /** The class's simple name, e.g. {@code ScoreBenchmark}. */
  public String className() {
    String s = shortName();
    return s.substring(0, s.indexOf('.'));
  }

  /** The method name, e.g. {@code score}. */
  public String method() {
    String s = shortName();
    return s.substring(s.indexOf('.') + 1);
  }

  /** The median (percentile 50), or the mean when JMH recorded no percentiles. */
  public double median() {
    return percentiles.getOrDefault(50.0, score);
  }

  /** Percentile 99 of samples; NaN unless in sample mode. */
  public double p99() {
    return "sample".equals(mode) ? percentiles.getOrDefault(99.0, Double.NaN) : Double.NaN;
  }

  /** The value of {@code @Param name}, or null. */
  public String param(String name) {
    return params.get(name);
  }

  /**
   * Reads a JMH JSON result file.
   *
   * @throws IOException if it cannot be read
   * @throws IllegalArgumentException naming the entry if it is not a JMH result
   */
  public static List<JmhResult> read(Path file) throws IOException {
    JsonNode root = new ObjectMapper().readTree(file.toFile());
    if (root == null || !root.isArray()) {
      throw new IllegalArgumentException(file + ": not a JMH JSON result (expected an array)");
    }
    List<JmhResult> results = new ArrayList<>();
    for (JsonNode n : root) {
      results.add(parse(n, file));
    }
    return results;
  }

  private static JmhResult parse(JsonNode n, Path file) {
    String benchmark = required(n, "benchmark", file).asText();
    JsonNode metric = required(n, "primaryMetric", file);
    Map<String, String> params = new LinkedHashMap<>();
    n.path("params").properties().forEach(e -> params.put(e.getKey(), e.getValue().asText()));
    Map<Double, Double> percentiles = new LinkedHashMap<>();
    metric.path("scorePercentiles").properties().forEach(
        e -> percentiles.put(Double.parseDouble(e.getKey()), number(e.getValue())));
    List<String> jvmArgs = new ArrayList<>();
    n.path("jvmArgs").forEach(a -> jvmArgs.add(a.asText()));
    RunInfo run = new RunInfo(
        n.path("jmhVersion").asText(""),
        n.path("jdkVersion").asText(""),
        (n.path("vmName").asText("") + " " + n.path("vmVersion").asText("")).trim(),
        Collections.unmodifiableList(jvmArgs),
        n.path("forks").asInt(),
        n.path("warmupIterations").asInt(),
        n.path("warmupTime").asText(""),
        n.path("measurementIterations").asInt(),
        n.path("measurementTime").asText(""));
    return new JmhResult(
        benchmark,
        required(n, "mode", file).asText(),
        n.path("threads").asInt(1),
        Collections.unmodifiableMap(params),
        number(required(metric, "score", file)),
        number(metric.path("scoreError")),
        metric.path("scoreUnit").asText(""),
        Collections.unmodifiableMap(percentiles),
        run);
  }

  private static JsonNode required(JsonNode n, String field, Path file) {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      throw new IllegalArgumentException(file + ": a result has no '" + field + "': " + n);
    }
    return v;
  }

  /** JMH writes NaN and infinities as strings. */
  private static double number(JsonNode v) {
    if (v.isNumber()) {
      return v.asDouble();
    }
    if (v.isTextual()) {
      try {
        return Double.parseDouble(v.asText());
      } catch (NumberFormatException e) {
        return Double.NaN;
      }
    }
    return Double.NaN;
  }
}
