package pe.agriscore.samples.training;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import pe.agriscore.schema.FeatureSchema;

/**
 * The training command line: trains the reference models on a labelled CSV and writes verified
 * bundles and an evaluation report, printing progress as it goes.
 *
 * <pre>
 * TrainCli --data farmers.csv --schema schema.json --out models
 *          [--split random|out-of-time] [--as-of-cutoff 2016-01-01]
 *          [--generate 60000] [--seed 42] [--models scorecard,tf,pt] [--epochs 60]
 *          [--python /usr/bin/python3] [--prefix farmer] [--segment-by natural_region,main_crop]
 *          [--max-problems 20]
 * </pre>
 *
 * <p>With {@code --generate N}, N Peru farmers are generated first (seeded by {@code --seed})
 * and written to {@code --data} and {@code --schema}; otherwise both are read, e.g. a bank's own
 * export with its hand-written schema. Exit code 0 on success, 1 when the data is rejected (the
 * problems are listed by line and column) or training fails, 2 for a usage error. See {@code
 * docs/training.md}.
 */
public final class TrainCli {

  private static final String USAGE = String.join(System.lineSeparator(),
      "usage: TrainCli --data FILE.csv --schema FILE.json --out DIR [options]",
      "  --split random|out-of-time   how to hold out the test set (default random)",
      "  --as-of-cutoff YYYY-MM-DD    out-of-time: test = rows as of this date or later",
      "  --generate N                 first generate N farmers into --data and --schema",
      "  --seed S                     generator, split and network seed (default 42)",
      "  --models LIST                scorecard,tf,pt (default all)",
      "  --epochs N                   most MLP epochs (default 60, early stopping)",
      "  --python PATH                Python with PyTorch (default /usr/bin/python3)",
      "  --prefix NAME                bundle names NAME-scorecard, ... (default farmer)",
      "  --segment-by LIST            categorical features to break AUC down by",
      "  --max-problems N             data problems to list before failing (default 20)");

  private TrainCli() {}

  /** Runs the command line; exits with a non-zero status on failure. */
  public static void main(String[] args) {
    int code = run(args, System.out, System.err);
    if (code != 0) {
      System.exit(code);
    }
  }

  /**
   * Runs the command line.
   *
   * @return 0 on success, 1 when the data is rejected or training fails, 2 for a usage error
   */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    Map<String, String> opts;
    try {
      opts = parse(args);
    } catch (IllegalArgumentException e) {
      err.println(e.getMessage());
      err.println(USAGE);
      return 2;
    }
    if (opts.containsKey("help")) {
      out.println(USAGE);
      return 0;
    }
    TrainingPipeline.Builder b = TrainingPipeline.builder();
    Path data;
    Path schemaFile;
    Path outDir;
    long seed;
    Integer generate = null;
    try {
      data = Path.of(require(opts, "data"));
      schemaFile = Path.of(require(opts, "schema"));
      outDir = Path.of(require(opts, "out"));
      seed = Long.parseLong(opts.getOrDefault("seed", "42"));
      b.data(data).out(outDir).seed(seed).progress(out::println);
      String split = opts.getOrDefault("split", "random");
      if (split.equals("out-of-time")) {
        b.outOfTime(LocalDate.parse(require(opts, "as-of-cutoff")));
      } else if (!split.equals("random")) {
        throw new IllegalArgumentException("--split must be random or out-of-time, got " + split);
      } else if (opts.containsKey("as-of-cutoff")) {
        throw new IllegalArgumentException("--as-of-cutoff needs --split out-of-time");
      }
      if (opts.containsKey("models")) {
        Set<TrainingPipeline.ModelKind> kinds = EnumSet.noneOf(TrainingPipeline.ModelKind.class);
        for (String m : opts.get("models").split(",")) {
          kinds.add(TrainingPipeline.ModelKind.parse(m));
        }
        b.models(kinds);
      }
      if (opts.containsKey("epochs")) {
        b.mlp(MlpSettings.defaults().withSeed(seed)
            .withMaxEpochs(Integer.parseInt(opts.get("epochs"))));
      }
      if (opts.containsKey("python")) {
        b.python(opts.get("python"));
      }
      if (opts.containsKey("prefix")) {
        b.prefix(opts.get("prefix"));
      }
      if (opts.containsKey("segment-by")) {
        b.segmentBy(List.of(opts.get("segment-by").split(",")));
      }
      if (opts.containsKey("max-problems")) {
        b.maxReportedProblems(Integer.parseInt(opts.get("max-problems")));
      }
      if (opts.containsKey("generate")) {
        generate = Integer.parseInt(opts.get("generate"));
        if (generate < 100) {
          throw new IllegalArgumentException("--generate needs at least 100 rows");
        }
      }
    } catch (IllegalArgumentException | DateTimeParseException e) {
      err.println(e.getMessage());
      err.println(USAGE);
      return 2;
    }
    try {
      if (generate != null) {
        out.println("generating " + generate + " farmers (seed " + seed + ") into " + data);
        b.sourceDescription(FarmerData.generate(generate, seed, data, schemaFile, out::println));
      }
      FeatureSchema schema;
      try {
        schema = FeatureSchema.read(schemaFile);
      } catch (IllegalArgumentException e) {
        err.println("schema rejected: " + schemaFile + ": " + e.getMessage());
        return 1;
      }
      TrainingPipeline.Outcome outcome = b.schema(schema).build().run();
      out.println("done: " + outcome.bundles().size() + " bundle(s) in " + outDir
          + (outcome.report().skipped().isEmpty() ? ""
              : "; skipped: " + String.join("; ", outcome.report().skipped())));
      return 0;
    } catch (DataFileException e) {
      err.println("training data rejected: " + e.getMessage());
      return 1;
    } catch (IOException | RuntimeException e) {
      err.println("training failed: " + e);
      return 1;
    }
  }

  private static Map<String, String> parse(String[] args) {
    Map<String, String> opts = new HashMap<>();
    List<String> rest = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--help") || a.equals("-h")) {
        opts.put("help", "");
      } else if (a.startsWith("--")) {
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException(a + " needs a value");
        }
        if (opts.put(a.substring(2), args[++i]) != null) {
          throw new IllegalArgumentException(a + " is given twice");
        }
      } else {
        rest.add(a);
      }
    }
    if (!rest.isEmpty()) {
      throw new IllegalArgumentException("unexpected argument(s) " + rest);
    }
    for (String k : opts.keySet()) {
      if (!List.of("help", "data", "schema", "out", "split", "as-of-cutoff", "generate", "seed",
          "models", "epochs", "python", "prefix", "segment-by", "max-problems").contains(k)) {
        throw new IllegalArgumentException("unknown option --" + k);
      }
    }
    return opts;
  }

  private static String require(Map<String, String> opts, String key) {
    String v = opts.get(key);
    if (v == null) {
      throw new IllegalArgumentException("--" + key + " is required");
    }
    return v;
  }
}
