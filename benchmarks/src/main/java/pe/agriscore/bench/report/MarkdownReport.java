package pe.agriscore.bench.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Turns a JMH JSON result file into the Markdown the README shows: the machine, JDK, date and
 * exact command, the performance targets with their measured ratios, and one table per benchmark.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar pe.agriscore.bench.report.MarkdownReport \
 *     --results benchmarks/results/jmh-result.json --output benchmarks/results/results.md \
 *     --command "benchmarks/run.sh" [--readme README.md]
 * </pre>
 *
 * <p>Every figure is a median: of the samples for single-request latencies (JMH sample mode,
 * which also gives the p99), of the measured iterations otherwise. The {@code ±} column is JMH's
 * 99.9% confidence half-width of the mean, its error bar. Ratios are of medians measured in the
 * same run. With {@code --readme} the output is also spliced between the README's markers (see
 * {@link ReadmeSplice}).
 */
public final class MarkdownReport {

  static final String SCORE = "ScoreBenchmark.score";
  static final String ADAPTER = "EngineBenchmark.predict";
  static final String ENCODE = "EncodeBenchmark.encode";
  static final String BARE = "BareDjlBenchmark.predict";
  static final String FLOOR = "JavaForwardBenchmark.forward";
  static final String BATCH = "BatchBenchmark.scoreAll";
  static final String BARE_BATCH = "BareBatchBenchmark.predict";
  static final String READ_JSON = "JsonBenchmark.readRequest";
  static final String READ_JSON_ORDERED = "JsonBenchmark.readRequestOrdered";
  static final String WRITE_JSON = "JsonBenchmark.writeScore";
  static final String CONCURRENCY = "ConcurrencyBenchmark";

  /** The parameter that picks the engine's path; a result without it ran natively. */
  static final String FAST_PATH = "fastPath";

  /** BatchBenchmark's parameter: requests {@code built} by name or read from {@code json}. */
  static final String SOURCE = "source";

  static final double MAX_OVERHEAD = 1.10;
  static final double MAX_TF_OVER_PT = 2.0;
  static final double MAX_FAST_US = 2.0;
  static final double MAX_FAST_REASONS_US = 5.0;
  static final double MAX_READ_JSON_US = 2.0;
  static final double MAX_WRITE_JSON_US = 1.5;
  static final double MIN_BATCH_SHARE = 0.80;
  static final double MAX_REASON_COST = 3.0;
  static final int TARGET_BATCH = 1024;

  private static final List<String> ENGINES = List.of("tensorflow", "pytorch");
  private static final List<String> MODELS = List.of("scorecard", "tensorflow", "pytorch");

  private record Section(String className, String title, String description) {}

  private static final List<Section> SECTIONS = List.of(
      new Section("ScoreBenchmark", "One request end to end",
          "`CreditScorer.score`: validation, encoding, the engine call, points and grade; "
              + "`reasonCodes=4` adds the reason codes. Lower is better."),
      new Section("EngineBenchmark", "One request through AgriScore's engine adapter",
          "An encoded row through the engine module's `ScoringModel.predict`, without "
              + "`CreditScorer`: what the engine module adds around DJL."),
      new Section("BareDjlBenchmark", "One request through the bare DJL predictor",
          "The same model file through a DJL `Predictor` with a minimal translator, same "
              + "engine and threads, no AgriScore code: the engine's own cost."),
      new Section("JavaForwardBenchmark", "One request through a plain Java forward pass",
          "The MLP's weights multiplied out in plain Java: the floor no engine call beats."),
      new Section("BatchBenchmark", "Batches through `scoreAll`",
          "One `scoreAll` call per batch, reason codes off. Higher is better."),
      new Section("BareBatchBenchmark", "Batches through the bare DJL predictor",
          "The same batches, already encoded, through the bare predictor."),
      new Section("ConcurrencyBenchmark", "Concurrent single requests",
          "One shared scorer, single requests from 1, 2 and 4 threads; total scores per second."),
      new Section("EncodeBenchmark", "Validation and encoding alone",
          "`Encoder.encode` of one request into a reused row."),
      new Section("JsonBenchmark", "JSON wire formats",
          "`ScoringJson.readRequest` of one request; `ScoringJson.write` of one score with four "
              + "reason codes."));

  /** The verdict on one target. */
  enum Verdict {
    MET("met"), MISSED("**missed**"), NOT_RUN("not in this run"), CONTEXT("");

    final String text;

    Verdict(String text) {
      this.text = text;
    }
  }

  /** One line of the targets table. */
  record TargetRow(String what, double value, String shown, String goal, Verdict verdict) {}

  private MarkdownReport() {}

  /**
   * Renders the report.
   *
   * @param results one run's results
   * @param command the exact command that produced them
   * @param machine where they were measured
   * @param date when they were measured
   */
  public static String render(List<JmhResult> results, String command, MachineInfo machine,
      Instant date) {
    if (results.isEmpty()) {
      throw new IllegalArgumentException("no benchmark results to report");
    }
    JmhResult.RunInfo run = results.get(0).run();
    StringBuilder md = new StringBuilder();
    md.append("<!-- Generated by pe.agriscore.bench.report.MarkdownReport: regenerate, do not "
        + "edit. -->\n");
    md.append("- **Machine:** ").append(machine.describe()).append('\n');
    md.append("- **JDK:** ").append(run.vm()).append(" (").append(run.jdkVersion())
        .append("), JMH ").append(run.jmhVersion()).append('\n');
    md.append("- **Date:** ").append(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")
        .format(date.atOffset(ZoneOffset.UTC))).append('\n');
    md.append("- **Command:** `").append(command).append("`\n");
    md.append("- **Settings:** ").append(run.forks()).append(" fork(s) × ")
        .append(run.measurementIterations()).append(" measured iteration(s) of ")
        .append(run.measurementTime()).append(" after ").append(run.warmupIterations())
        .append(" warm-up iteration(s) of ").append(run.warmupTime()).append("; JVM flags ")
        .append(run.jvmArgs().isEmpty() ? "none" : "`" + String.join(" ", run.jvmArgs()) + "`")
        .append('\n');
    if (run.forks() * run.measurementIterations() < 3) {
      md.append("\n> **Short run** (").append(run.forks()).append(" fork(s) × ")
          .append(run.measurementIterations())
          .append(" iteration(s)): a sanity check of the harness, not a measurement.\n");
    }

    md.append("\n### Targets\n\n");
    md.append("Ratios of medians measured side by side in this run.\n\n");
    md.append("| target | measured | goal | verdict |\n|---|---:|---|---|\n");
    for (TargetRow t : targets(results)) {
      md.append("| ").append(t.what()).append(" | ").append(t.shown()).append(" | ")
          .append(t.goal()).append(" | ").append(t.verdict().text).append(" |\n");
    }

    List<TargetRow> context = context(results);
    if (!context.isEmpty()) {
      md.append("\nWhere the time goes (medians of this run):\n\n");
      md.append("| | measured |\n|---|---:|\n");
      for (TargetRow c : context) {
        md.append("| ").append(c.what()).append(" | ").append(c.shown()).append(" |\n");
      }
    }

    md.append("\nMedians; `±` is JMH's 99.9% confidence half-width of the mean; p99 from "
        + "sampling every call.\n");
    Set<String> done = new LinkedHashSet<>();
    for (Section s : SECTIONS) {
      List<JmhResult> rows = results.stream().filter(r -> r.className().equals(s.className()))
          .toList();
      if (!rows.isEmpty()) {
        table(md, s.title() + " (`" + s.className() + "`)", s.description(), rows);
        done.add(s.className());
      }
    }
    Map<String, List<JmhResult>> others = new LinkedHashMap<>();
    for (JmhResult r : results) {
      if (!done.contains(r.className())) {
        others.computeIfAbsent(r.className(), k -> new ArrayList<>()).add(r);
      }
    }
    others.forEach((cls, rows) -> table(md, "`" + cls + "`", "", rows));
    return md.toString();
  }

  /**
   * The targets of issue #16: the native engines' overhead and TensorFlow against PyTorch (fast
   * path off), the fast path's latency (p50, p99 shown), batch throughput both ways, the JSON
   * formats, the cost of reason codes and the scaling from one thread to two. A result without a
   * {@value #FAST_PATH} parameter ran natively (the benchmarks that predate the fast path); the
   * fast-path rows of a benchmark appear when it has that parameter.
   */
  static List<TargetRow> targets(List<JmhResult> results) {
    List<TargetRow> rows = new ArrayList<>();
    for (String e : ENGINES) {
      Optional<JmhResult> agri = find(results, SCORE, "model", e, "reasonCodes", "0",
          FAST_PATH, "off");
      Optional<JmhResult> bare = find(results, BARE, "model", e);
      rows.add(ratioAtMost(engineName(e) + ": end to end ÷ bare DJL predictor, one request "
          + "(native, fast path off)", agri, bare, MAX_OVERHEAD));
    }
    rows.add(ratioAtMost("TensorFlow ÷ PyTorch, one request end to end (native, fast path off)",
        find(results, SCORE, "model", "tensorflow", "reasonCodes", "0", FAST_PATH, "off"),
        find(results, SCORE, "model", "pytorch", "reasonCodes", "0", FAST_PATH, "off"),
        MAX_TF_OVER_PT));
    if (hasParam(results, SCORE, FAST_PATH)) {
      for (String e : ENGINES) {
        rows.add(microsAtMost(engineName(e) + ": one request end to end on the fast path, p50"
            + " (p99)", find(results, SCORE, "model", e, "reasonCodes", "0", FAST_PATH, "on"),
            MAX_FAST_US));
        rows.add(microsAtMost(engineName(e) + ": the same with 4 reason codes, p50 (p99)",
            find(results, SCORE, "model", e, "reasonCodes", "4", FAST_PATH, "on"),
            MAX_FAST_REASONS_US));
      }
    }
    // The batch targets of the paths and request sources this run measured: BatchBenchmark's
    // fastPath (on, off, or auto: the product default) and source (requests built by name, or
    // read from JSON in the schema's order, the bulk path); a run without fastPath was native.
    List<JmhResult> target = results.stream().filter(r -> r.shortName().equals(BATCH)
        && Integer.toString(TARGET_BATCH).equals(r.param("batch"))).toList();
    List<String> paths =
        new ArrayList<>(valuesOf(target, BATCH, FAST_PATH, List.of("on", "off", "auto")));
    if (!paths.contains("off") && target.stream().anyMatch(r -> r.param(FAST_PATH) == null)) {
      paths.add(paths.contains("on") ? 1 : 0, "off");
    }
    List<String> sources = valuesOf(target, BATCH, SOURCE, List.of("built", "json"));
    for (String path : paths) {
      for (String source : sources.isEmpty() ? List.of("") : sources) {
        for (String e : ENGINES) {
          rows.add(batchShare(results, e, path, source));
        }
      }
    }
    rows.add(microsAtMost("JSON: parsing one request (`ScoringJson.readRequest`)",
        find(results, READ_JSON), MAX_READ_JSON_US));
    if (find(results, READ_JSON_ORDERED).isPresent()) {
      rows.add(microsAtMost("JSON: parsing one request into the schema's order (`ScoringJson"
          + ".RequestReader`, what the Kafka adapter uses)", find(results, READ_JSON_ORDERED),
          MAX_READ_JSON_US));
    }
    rows.add(microsAtMost("JSON: writing one score with 4 reason codes (`ScoringJson.write`)",
        find(results, WRITE_JSON), MAX_WRITE_JSON_US));
    addReasonAndThreadTargets(results, rows);
    return rows;
  }

  /** {@code scoreAll} of the target batch against the bare engine's batch of the same size. */
  private static TargetRow batchShare(List<JmhResult> results, String e, String path,
      String source) {
    String batch = Integer.toString(TARGET_BATCH);
    Optional<JmhResult> agri = source.isEmpty()
        ? find(results, BATCH, "model", e, "batch", batch, FAST_PATH, path)
        : find(results, BATCH, "model", e, "batch", batch, FAST_PATH, path, SOURCE, source);
    Optional<JmhResult> bare = find(results, BARE_BATCH, "model", e, "batch", batch);
    String what = engineName(e) + ": `scoreAll` rows/s ÷ bare engine rows/s, batch of "
        + String.format(Locale.ROOT, "%,d", TARGET_BATCH) + " ("
        + switch (path) {
          case "on" -> "fast path";
          case "auto" -> "fast path where it verifies";
          default -> "native";
        }
        + switch (source) {
          case "json" -> ", requests read from JSON in schema order";
          case "built" -> ", requests built by name";
          default -> "";
        }
        + ")";
    if (agri.isEmpty() || bare.isEmpty()) {
      return new TargetRow(what, Double.NaN, "–", "≥ 80%", Verdict.NOT_RUN);
    }
    // Same batch size on both sides, so the ratio of calls per second is that of rows.
    double share = agri.get().median() / bare.get().median();
    return new TargetRow(what, share, percent(share), "≥ 80%",
        share >= MIN_BATCH_SHARE ? Verdict.MET : Verdict.MISSED);
  }

  /** The reason codes' cost and the 2-thread scaling, appended to {@code rows}. */
  private static void addReasonAndThreadTargets(List<JmhResult> results, List<TargetRow> rows) {
    for (String m : MODELS) {
      Optional<JmhResult> with = find(results, SCORE, "model", m, "reasonCodes", "4",
          FAST_PATH, "off");
      Optional<JmhResult> without = find(results, SCORE, "model", m, "reasonCodes", "0",
          FAST_PATH, "off");
      rows.add(ratioAtMost(engineName(m) + ": score with 4 reason codes ÷ plain score"
          + (m.equals("scorecard") ? "" : " (native)"), with, without, MAX_REASON_COST));
    }
    for (String m : MODELS) {
      Optional<JmhResult> one = find(results, CONCURRENCY + ".threads1", "model", m);
      Optional<JmhResult> two = find(results, CONCURRENCY + ".threads2", "model", m);
      String what = engineName(m) + ": total scores/s, 2 threads ÷ 1 thread";
      String goal = "scales with cores (reported)";
      if (one.isEmpty() || two.isEmpty()) {
        rows.add(new TargetRow(what, Double.NaN, "–", goal, Verdict.NOT_RUN));
      } else {
        double r = two.get().median() / one.get().median();
        rows.add(new TargetRow(what, r, times(r), goal, Verdict.CONTEXT));
      }
    }
  }

  /** The values of {@code known} that parameter {@code name} of {@code shortName} took. */
  static List<String> valuesOf(List<JmhResult> results, String shortName, String name,
      List<String> known) {
    return known.stream().filter(v -> results.stream().anyMatch(
        r -> r.shortName().equals(shortName) && v.equals(r.param(name)))).toList();
  }

  /** Whether any result of {@code shortName} has the parameter {@code name}. */
  static boolean hasParam(List<JmhResult> results, String shortName, String name) {
    return results.stream().anyMatch(r -> r.shortName().equals(shortName)
        && r.param(name) != null);
  }

  /** A latency target on the median in µs, the p99 shown beside it when JMH sampled. */
  private static TargetRow microsAtMost(String what, Optional<JmhResult> result, double max) {
    String goal = "≤ " + number(max) + " µs";
    if (result.isEmpty()) {
      return new TargetRow(what, Double.NaN, "–", goal, Verdict.NOT_RUN);
    }
    JmhResult r = result.get();
    double median = inMicros(r.median(), r.unit());
    double p99 = inMicros(r.p99(), r.unit());
    String shown = micros(median) + (Double.isNaN(p99) ? "" : " (" + micros(p99) + ")");
    return new TargetRow(what, median, shown, goal,
        median <= max ? Verdict.MET : Verdict.MISSED);
  }

  /** A time per operation in µs; NaN for a unit that is not one. */
  static double inMicros(double value, String unit) {
    return switch (unit) {
      case "ns/op" -> value / 1e3;
      case "us/op" -> value;
      case "ms/op" -> value * 1e3;
      case "s/op" -> value * 1e6;
      default -> Double.NaN;
    };
  }

  /** Where the time goes: ratios and differences that explain the targets. */
  static List<TargetRow> context(List<JmhResult> results) {
    List<TargetRow> rows = new ArrayList<>();
    for (String e : ENGINES) {
      String name = engineName(e);
      Optional<JmhResult> score = find(results, SCORE, "model", e, "reasonCodes", "0",
          FAST_PATH, "off");
      Optional<JmhResult> adapter = find(results, ADAPTER, "model", e, FAST_PATH, "off");
      Optional<JmhResult> bare = find(results, BARE, "model", e);
      Optional<JmhResult> floor = find(results, FLOOR, "model", e);
      if (adapter.isPresent() && bare.isPresent()) {
        double r = adapter.get().median() / bare.get().median();
        rows.add(new TargetRow(name + ": AgriScore's engine adapter ÷ bare DJL predictor, one "
            + "request", r, times(r), "", Verdict.CONTEXT));
      }
      if (score.isPresent() && adapter.isPresent()) {
        double d = score.get().median() - adapter.get().median();
        rows.add(new TargetRow(name + ": `CreditScorer` around the engine adapter, one request "
            + "(end to end − adapter)", d, micros(d), "", Verdict.CONTEXT));
      }
      if (bare.isPresent() && floor.isPresent()) {
        double r = bare.get().median() / floor.get().median();
        rows.add(new TargetRow(name + ": bare DJL predictor ÷ plain Java forward pass, one "
            + "request", r, times(r), "", Verdict.CONTEXT));
      }
      String batch = Integer.toString(TARGET_BATCH);
      Optional<JmhResult> agri = find(results, BATCH, "model", e, "batch", batch, FAST_PATH,
          "off");
      Optional<JmhResult> bareBatch = find(results, BARE_BATCH, "model", e, "batch", batch);
      if (agri.isPresent() && bareBatch.isPresent()) {
        double engineRow = 1e6 / rowsPerSecond(bareBatch.get());
        double agriRow = 1e6 / rowsPerSecond(agri.get()) - engineRow;
        rows.add(new TargetRow(name + ": per row in a batch of 1,024, AgriScore's work "
            + "(`scoreAll` − bare engine) / the engine's", agriRow,
            micros(agriRow) + " / " + micros(engineRow), "", Verdict.CONTEXT));
      }
    }
    find(results, ENCODE, "model", "tensorflow").ifPresent(r -> rows.add(new TargetRow(
        "Validation and encoding of one request (MLP schema)", r.median(),
        number(r.median()) + " " + r.unit().replace("/op", ""), "", Verdict.CONTEXT)));
    return rows;
  }

  private static TargetRow ratioAtMost(String what, Optional<JmhResult> num,
      Optional<JmhResult> den, double max) {
    String goal = "≤ " + String.format(Locale.ROOT, "%.2f", max).replaceAll("0+$", "")
        .replaceAll("\\.$", "") + "×";
    if (num.isEmpty() || den.isEmpty()) {
      return new TargetRow(what, Double.NaN, "–", goal, Verdict.NOT_RUN);
    }
    double r = num.get().median() / den.get().median();
    return new TargetRow(what, r, times(r), goal, r <= max ? Verdict.MET : Verdict.MISSED);
  }

  /**
   * The one result of {@code shortName} whose params include every given name=value pair; a
   * result without a {@value #FAST_PATH} parameter counts as {@code fastPath=off} (native).
   */
  static Optional<JmhResult> find(List<JmhResult> results, String shortName, String... params) {
    return results.stream()
        .filter(r -> r.shortName().equals(shortName))
        .filter(r -> {
          for (int i = 0; i < params.length; i += 2) {
            String actual = r.param(params[i]);
            if (actual == null && params[i].equals(FAST_PATH)) {
              actual = "off";
            }
            if (!Objects.equals(actual, params[i + 1])) {
              return false;
            }
          }
          return true;
        })
        .findFirst();
  }

  private static void table(StringBuilder md, String title, String description,
      List<JmhResult> rows) {
    md.append("\n#### ").append(title).append("\n\n");
    if (!description.isEmpty()) {
      md.append(description).append("\n\n");
    }
    boolean methods = rows.stream().map(JmhResult::method).distinct().count() > 1;
    boolean threads = rows.stream().anyMatch(r -> r.threads() > 1);
    boolean sample = rows.stream().anyMatch(r -> r.mode().equals("sample"));
    boolean perRow = rows.stream().anyMatch(r -> r.param("batch") != null
        && r.mode().equals("thrpt"));
    List<String> params = new ArrayList<>();
    rows.forEach(r -> r.params().keySet().stream().filter(p -> !params.contains(p))
        .forEach(params::add));
    // JMH sorts parameters by name; the model reads best first.
    if (params.remove("model")) {
      params.add(0, "model");
    }

    List<String> header = new ArrayList<>();
    if (methods) {
      header.add("benchmark");
    }
    if (threads) {
      header.add("threads");
    }
    header.addAll(params);
    header.add("median");
    header.add("±");
    if (sample) {
      header.add("p99");
    }
    header.add("unit");
    if (perRow) {
      header.add("rows/s");
    }
    md.append("| ").append(String.join(" | ", header)).append(" |\n|");
    int textColumns = (methods ? 1 : 0) + (threads ? 1 : 0) + params.size();
    for (int i = 0; i < header.size(); i++) {
      md.append(i < textColumns || header.get(i).equals("unit") ? "---|" : "---:|");
    }
    md.append('\n');
    for (JmhResult r : rows) {
      List<String> cells = new ArrayList<>();
      if (methods) {
        cells.add(r.method());
      }
      if (threads) {
        cells.add(Integer.toString(r.threads()));
      }
      for (String p : params) {
        cells.add(r.params().getOrDefault(p, ""));
      }
      cells.add(number(r.median()));
      cells.add(number(r.error()));
      if (sample) {
        cells.add(number(r.p99()));
      }
      cells.add(r.unit().replace("us/", "µs/"));
      if (perRow) {
        cells.add(number(rowsPerSecond(r)));
      }
      md.append("| ").append(String.join(" | ", cells)).append(" |\n");
    }
  }

  /** Calls per second times rows per call; NaN unless a throughput result with a batch size. */
  static double rowsPerSecond(JmhResult r) {
    String batch = r.param("batch");
    if (batch == null || !r.mode().equals("thrpt")) {
      return Double.NaN;
    }
    double perSecond = switch (r.unit()) {
      case "ops/s" -> 1;
      case "ops/ms" -> 1e3;
      case "ops/us" -> 1e6;
      case "ops/ns" -> 1e9;
      default -> Double.NaN;
    };
    return r.median() * perSecond * Integer.parseInt(batch);
  }

  static String number(double v) {
    if (Double.isNaN(v) || Double.isInfinite(v)) {
      return "n/a";
    }
    double a = Math.abs(v);
    if (a >= 1000) {
      return String.format(Locale.ROOT, "%,.0f", v);
    }
    if (a >= 100) {
      return String.format(Locale.ROOT, "%.0f", v);
    }
    if (a >= 10) {
      return String.format(Locale.ROOT, "%.1f", v);
    }
    if (a >= 1) {
      return String.format(Locale.ROOT, "%.2f", v);
    }
    return String.format(Locale.ROOT, "%.3g", v);
  }

  private static String times(double r) {
    return String.format(Locale.ROOT, "%.2f×", r);
  }

  private static String micros(double us) {
    return number(us) + " µs";
  }

  private static String percent(double r) {
    return String.format(Locale.ROOT, "%.0f%%", r * 100);
  }

  private static String engineName(String e) {
    return switch (e) {
      case "tensorflow" -> "TensorFlow";
      case "pytorch" -> "PyTorch";
      case "scorecard" -> "Scorecard";
      default -> e;
    };
  }

  /**
   * {@code --results <jmh.json> --output <results.md> --command <text> [--readme <README.md>]}.
   *
   * @throws IOException if a file cannot be read or written
   */
  public static void main(String[] args) throws IOException {
    Map<String, String> opts = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        usage("unexpected argument '" + args[i] + "'");
      }
      opts.put(args[i].substring(2), args[++i]);
    }
    for (String required : List.of("results", "output", "command")) {
      if (!opts.containsKey(required)) {
        usage("--" + required + " is required");
      }
    }
    Path resultsFile = Path.of(opts.get("results"));
    List<JmhResult> results = JmhResult.read(resultsFile);
    String md = render(results, opts.get("command"), MachineInfo.current(),
        Files.getLastModifiedTime(resultsFile).toInstant());
    Path out = Path.of(opts.get("output"));
    if (out.toAbsolutePath().getParent() != null) {
      Files.createDirectories(out.toAbsolutePath().getParent());
    }
    Files.writeString(out, md, StandardCharsets.UTF_8);
    System.out.println("wrote " + out + " (" + results.size() + " results)");
    if (opts.containsKey("readme")) {
      ReadmeSplice.spliceFile(Path.of(opts.get("readme")), md);
      System.out.println("spliced it into " + opts.get("readme"));
    }
    for (TargetRow t : targets(results)) {
      System.out.println(t.verdict().text.replace("*", "") + ": " + t.what() + " = " + t.shown()
          + " (goal " + t.goal() + ")");
    }
  }

  private static void usage(String problem) {
    System.err.println(problem);
    System.err.println("usage: MarkdownReport --results <jmh.json> --output <results.md> "
        + "--command <the command that ran JMH> [--readme <README.md>]");
    System.exit(2);
  }
}
