package pe.agriscore.samples.training;

import java.util.List;
import pe.agriscore.scoring.AgriScoreException;

/**
 * A training data file could not be used. Carries the first problems found (by line) and how
 * many there were in all, so that a bank can fix its export in one pass.
 *
 * <pre>{@code
 * try {
 *   LabeledData data = LabeledCsvReader.forSchema(schema).read(csv);
 * } catch (DataFileException e) {
 *   e.problems().forEach(p -> System.err.println(p));   // line 17, column 'farm_size_ha': ...
 * }
 * }</pre>
 */
public final class DataFileException extends AgriScoreException {

  private static final long serialVersionUID = 1L;

  private final String file;
  private final transient List<DataProblem> problems;
  private final long totalProblems;

  /**
   * @param file the file name, for the message
   * @param problems the first problems, at least one
   * @param totalProblems how many problems were found in all
   */
  public DataFileException(String file, List<DataProblem> problems, long totalProblems) {
    super(message(file, problems, totalProblems));
    this.file = file;
    this.problems = List.copyOf(problems);
    this.totalProblems = totalProblems;
  }

  /** The file at fault. */
  public String file() {
    return file;
  }

  /** The first problems found, in file order. */
  public List<DataProblem> problems() {
    return problems;
  }

  /** How many problems the file has in all; may exceed {@code problems().size()}. */
  public long totalProblems() {
    return totalProblems;
  }

  private static String message(String file, List<DataProblem> problems, long total) {
    if (problems.isEmpty()) {
      throw new IllegalArgumentException("a data file exception needs at least one problem");
    }
    StringBuilder sb = new StringBuilder(file).append(": ").append(total)
        .append(total == 1 ? " problem" : " problems");
    if (total > problems.size()) {
      sb.append(" (the first ").append(problems.size()).append(" shown)");
    }
    for (DataProblem p : problems) {
      sb.append(System.lineSeparator()).append("  ").append(p);
    }
    return sb.toString();
  }
}
