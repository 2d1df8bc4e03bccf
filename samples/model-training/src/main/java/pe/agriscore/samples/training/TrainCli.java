package pe.agriscore.samples.training;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import pe.agriscore.schema.FeatureSchema;
import pe.agriscore.schema.ScoreScale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * The training command line: trains the reference models on a labelled CSV and writes verified
 * bundles and an evaluation report, printing progress as it goes.
 *
 * <pre>
 * TrainCli --data bank.csv --schema schema.json --out models
 *          [--delimiter ';'] [--label estado --positive malo] [--id-column nro_credito]
 *          [--ignore-columns agencia,fecha_alta] [--na NA,?] [--decimal-comma]
 *          [--split random|out-of-time|cv] [--as-of-cutoff 2016-01-01] [--folds 5]
 *          [--models scorecard,tf,pt] [--epochs 60] [--segment-by natural_region]
 *          [--base-points 600 --base-odds 20 --pdo 20 --grades A=660,B=620,C=580,D=540,E=300]
 * </pre>
 *
 * <p>With {@code --generate N}, N Peru farmers are generated first (seeded by {@code --seed})
 * and written to {@code --data} and {@code --schema}; otherwise both are read, e.g. a bank's own
 * export with its hand-written schema. Every option is checked before anything is trained. Exit
 * code 0 on success, 1 when the data is rejected (the problems are listed by line and column) or
 * training fails, 2 for a usage error. See {@code docs/training.md}.
 */
@Command(name = "TrainCli", sortOptions = false,
    description = "Trains a scorecard, a TensorFlow MLP and a PyTorch MLP on a labelled CSV and "
        + "writes verified bundles with an evaluation report (docs/training.md).")
public final class TrainCli implements Callable<Integer> {

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help and exit")
  boolean help;

  @Option(names = "--data", required = true, paramLabel = "FILE",
      description = "the labelled CSV (written there first with --generate)")
  Path data;

  @Option(names = "--schema", required = true, paramLabel = "FILE",
      description = "the feature schema the CSV follows")
  Path schemaFile;

  @Option(names = "--out", required = true, paramLabel = "DIR",
      description = "where the bundles and the report go")
  Path out;

  @Option(names = "--delimiter", paramLabel = "CHAR",
      description = "the column separator: , ; tab | (default: detected from the header)")
  String delimiter;

  @Option(names = "--label", paramLabel = "COLUMN", defaultValue = LabeledCsvReader.DEFAULT_12M,
      description = "the outcome column (default ${DEFAULT-VALUE})")
  String label;

  @Option(names = "--positive", paramLabel = "VALUE",
      description = "the label value that means a default, e.g. bad (default: 1 or 1.0, with 0 "
          + "or 0.0 for a repayment)")
  String positive;

  @Option(names = "--id-column", paramLabel = "COLUMN",
      defaultValue = LabeledCsvReader.APPLICANT_ID,
      description = "the applicant id column (default ${DEFAULT-VALUE})")
  String idColumn;

  @Option(names = "--ignore-columns", paramLabel = "LIST", split = ",",
      description = "columns that are neither features, id nor label")
  List<String> ignoreColumns = new ArrayList<>();

  @Option(names = "--na", paramLabel = "LIST", split = ",",
      description = "cell values that mean missing besides an empty cell, e.g. NA,?")
  List<String> na = new ArrayList<>();

  @Option(names = "--decimal-comma",
      description = "numbers are written 2,5 (Spanish-locale Excel); refused otherwise")
  boolean decimalComma;

  @Option(names = "--split", paramLabel = "random|out-of-time|cv", defaultValue = "random",
      description = "how to hold out test rows (default ${DEFAULT-VALUE})")
  String split;

  @Option(names = "--as-of-cutoff", paramLabel = "YYYY-MM-DD",
      description = "out-of-time: test = rows as of this date or later")
  LocalDate cutoff;

  @Option(names = "--folds", paramLabel = "K", defaultValue = "5",
      description = "cv: stratified folds, 2 to 20 (default ${DEFAULT-VALUE})")
  int folds;

  @Option(names = "--as-of", paramLabel = "YYYY-MM-DD",
      description = "the as-of date of every row when the CSV has no as_of_date column "
          + "(random or cv split only; default today)")
  LocalDate asOf;

  @Option(names = "--generate", paramLabel = "N",
      description = "first generate N farmers into --data and --schema (at least 100)")
  Integer generate;

  @Option(names = "--seed", defaultValue = "42",
      description = "generator, split and network seed (default ${DEFAULT-VALUE})")
  long seed;

  @Option(names = "--models", paramLabel = "LIST", split = ",",
      description = "scorecard,tf,pt (default all; pt is then skipped without PyTorch, while a "
          + "model asked for by name that cannot be trained fails the run)")
  List<String> models;

  @Option(names = "--epochs", paramLabel = "N",
      description = "most MLP epochs (default 60, early stopping)")
  Integer epochs;

  @Option(names = "--python", paramLabel = "PATH",
      defaultValue = PyTorchMlpTrainer.DEFAULT_PYTHON,
      description = "Python with PyTorch (default ${DEFAULT-VALUE})")
  String python;

  @Option(names = "--prefix", paramLabel = "NAME", defaultValue = "farmer",
      description = "bundle names NAME-scorecard, ... (default ${DEFAULT-VALUE})")
  String prefix;

  @Option(names = "--segment-by", paramLabel = "LIST", split = ",",
      description = "categorical features to break AUC down by")
  List<String> segmentBy;

  @Option(names = "--fit-imputation",
      description = "fill each missing value with the training rows' median (numbers) or most "
          + "frequent level (categories, booleans) instead of the schema's missing policy")
  boolean fitImputation;

  @Option(names = "--base-points", paramLabel = "P", defaultValue = "600",
      description = "points at the base odds (default ${DEFAULT-VALUE})")
  double basePoints;

  @Option(names = "--base-odds", paramLabel = "ODDS", defaultValue = "20",
      description = "good:bad odds that score the base points (default ${DEFAULT-VALUE})")
  double baseOdds;

  @Option(names = "--pdo", paramLabel = "P", defaultValue = "20",
      description = "points to double the odds (default ${DEFAULT-VALUE})")
  double pdo;

  @Option(names = "--min-points", paramLabel = "P", defaultValue = "300",
      description = "lowest score (default ${DEFAULT-VALUE})")
  int minPoints;

  @Option(names = "--max-points", paramLabel = "P", defaultValue = "850",
      description = "highest score (default ${DEFAULT-VALUE})")
  int maxPoints;

  @Option(names = "--grades", paramLabel = "LIST", split = ",",
      defaultValue = "A=660,B=620,C=580,D=540,E=300",
      description = "grade=lowest points, best first (default ${DEFAULT-VALUE})")
  List<String> grades;

  @Option(names = "--max-problems", paramLabel = "N", defaultValue = "20",
      description = "data problems to list before failing (default ${DEFAULT-VALUE})")
  int maxProblems;

  private PrintStream stdout = System.out;
  private PrintStream stderr = System.err;

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
    TrainCli cli = new TrainCli();
    cli.stdout = out;
    cli.stderr = err;
    CommandLine cl = new CommandLine(cli)
        .setOut(new PrintWriter(out, true, StandardCharsets.UTF_8))
        .setErr(new PrintWriter(err, true, StandardCharsets.UTF_8))
        .setParameterExceptionHandler((e, a) -> {
          err.println(e.getMessage());
          e.getCommandLine().usage(err);
          return 2;
        });
    return cl.execute(args);
  }

  /** Every option checked and turned into a pipeline configuration; nothing is trained yet. */
  @Override
  public Integer call() {
    TrainingPipeline.Builder b;
    try {
      b = configure();
    } catch (IllegalArgumentException e) {
      stderr.println(e.getMessage());
      return 2;
    }
    try {
      if (generate != null) {
        stdout.println("generating " + generate + " farmers (seed " + seed + ") into " + data);
        b.sourceDescription(FarmerData.generate(generate, seed, data, schemaFile,
            stdout::println));
      }
      FeatureSchema schema;
      try {
        schema = SchemaFile.read(schemaFile);
      } catch (IllegalArgumentException e) {
        stderr.println("schema rejected: " + schemaFile + ": " + e.getMessage());
        return 1;
      }
      TrainingPipeline pipeline;
      try {
        pipeline = b.schema(schema).build();
      } catch (IllegalArgumentException e) {
        stderr.println(e.getMessage());
        return 2;
      }
      TrainingPipeline.Outcome outcome = pipeline.run();
      stdout.println("done: " + outcome.bundles().size() + " bundle(s) in " + out
          + (outcome.report().skipped().isEmpty() ? ""
              : "; skipped: " + String.join("; ", outcome.report().skipped())));
      return 0;
    } catch (DataFileException e) {
      stderr.println("training data rejected: " + e.getMessage());
      return 1;
    } catch (TrainingPipeline.UnusableDataException e) {
      stderr.println("training data rejected: " + e.getMessage());
      return 1;
    } catch (IOException | RuntimeException e) {
      stderr.println("training failed: " + e);
      return 1;
    }
  }

  private TrainingPipeline.Builder configure() {
    TrainingPipeline.Builder b = TrainingPipeline.builder()
        .data(data).out(out).seed(seed).progress(stdout::println).prefix(prefix)
        .python(python).maxReportedProblems(maxProblems).fitImputation(fitImputation);
    switch (split) {
      case "random" -> requireNo(cutoff, "--as-of-cutoff needs --split out-of-time");
      case "out-of-time" -> {
        if (cutoff == null) {
          throw new IllegalArgumentException("--split out-of-time needs --as-of-cutoff");
        }
        requireNo(asOf, "--as-of is for a CSV without as_of_date; out-of-time needs the column");
        b.outOfTime(cutoff);
      }
      case "cv" -> {
        requireNo(cutoff, "--as-of-cutoff needs --split out-of-time");
        b.crossValidation(folds);
      }
      default -> throw new IllegalArgumentException(
          "--split must be random, out-of-time or cv, got " + split);
    }
    Character d = null;
    if (delimiter != null) {
      String v = delimiter.equals("tab") || delimiter.equals("\\t") ? "\t" : delimiter;
      if (v.length() != 1) {
        throw new IllegalArgumentException("--delimiter takes one character (or tab), got '"
            + delimiter + "'");
      }
      d = v.charAt(0);
    }
    Character delim = d;
    boolean outOfTime = split.equals("out-of-time");
    LocalDate defaultAsOf = asOf != null ? asOf : LocalDate.now();
    b.reader(r -> r.delimiter(delim).label(label, positive).idColumn(idColumn)
        .ignoreColumns(ignoreColumns).missingValues(na).decimalComma(decimalComma)
        .requireAsOfDate(outOfTime, outOfTime ? null : defaultAsOf));
    if (models != null) {
      Set<TrainingPipeline.ModelKind> kinds = EnumSet.noneOf(TrainingPipeline.ModelKind.class);
      for (String m : models) {
        kinds.add(TrainingPipeline.ModelKind.parse(m));
      }
      b.models(kinds);
    }
    if (epochs != null) {
      if (epochs < 1) {
        throw new IllegalArgumentException("--epochs must be at least 1, got " + epochs);
      }
      b.mlp(MlpSettings.defaults().withSeed(seed).withMaxEpochs(epochs));
    }
    if (segmentBy != null) {
      b.segmentBy(segmentBy);
    }
    if (maxProblems < 1) {
      throw new IllegalArgumentException("--max-problems must be at least 1");
    }
    if (generate != null && generate < 100) {
      throw new IllegalArgumentException("--generate needs at least 100 rows");
    }
    b.scoreScale(scale());
    return b;
  }

  private ScoreScale scale() {
    List<ScoreScale.Grade> g = new ArrayList<>();
    for (String spec : grades) {
      int eq = spec.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("--grades takes GRADE=POINTS, got '" + spec + "'");
      }
      try {
        g.add(new ScoreScale.Grade(spec.substring(0, eq).trim(),
            Integer.parseInt(spec.substring(eq + 1).trim())));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("--grades: '" + spec + "' has no whole number of "
            + "points");
      }
    }
    try {
      return new ScoreScale(basePoints, baseOdds, pdo, minPoints, maxPoints, g);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("score scale refused: " + e.getMessage(), e);
    }
  }

  private static void requireNo(Object value, String message) {
    if (value != null) {
      throw new IllegalArgumentException(message);
    }
  }
}
