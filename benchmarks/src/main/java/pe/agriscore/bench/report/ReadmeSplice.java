package pe.agriscore.bench.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Replaces what lies between {@value #START} and {@value #END} in a Markdown file (the README's
 * benchmark section) with a generated block, keeping the markers and everything around them.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar pe.agriscore.bench.report.ReadmeSplice \
 *     README.md benchmarks/results/results.md
 * </pre>
 */
public final class ReadmeSplice {

  /** The line before the generated block. */
  public static final String START = "<!-- benchmarks:start -->";

  /** The line after the generated block. */
  public static final String END = "<!-- benchmarks:end -->";

  private ReadmeSplice() {}

  /**
   * {@code document} with the text between the markers replaced by {@code block}.
   *
   * @throws IllegalArgumentException if the markers are missing, repeated or out of order
   */
  public static String splice(String document, String block) {
    int start = document.indexOf(START);
    int end = document.indexOf(END);
    if (start < 0 || end < 0) {
      throw new IllegalArgumentException("the document needs the markers " + START + " and "
          + END + " around the benchmark results; missing: " + (start < 0 ? START : END));
    }
    if (document.indexOf(START, start + 1) >= 0 || document.indexOf(END, end + 1) >= 0) {
      throw new IllegalArgumentException("the markers " + START + " and " + END
          + " must appear once each");
    }
    if (end < start) {
      throw new IllegalArgumentException(END + " comes before " + START);
    }
    String body = block.strip();
    return document.substring(0, start + START.length()) + "\n" + body + "\n"
        + document.substring(end);
  }

  /**
   * Splices {@code block} into the file {@code document} in place.
   *
   * @throws IOException if either file cannot be read or the document cannot be written
   */
  public static void spliceFile(Path document, String block) throws IOException {
    String text = Files.readString(document, StandardCharsets.UTF_8);
    Files.writeString(document, splice(text, block), StandardCharsets.UTF_8);
  }

  /**
   * {@code ReadmeSplice <document.md> <block.md>}.
   *
   * @throws IOException if a file cannot be read or written
   */
  public static void main(String[] args) throws IOException {
    if (args.length != 2) {
      System.err.println("usage: ReadmeSplice <README.md> <results.md>");
      System.exit(2);
    }
    spliceFile(Path.of(args[0]), Files.readString(Path.of(args[1]), StandardCharsets.UTF_8));
    System.out.println("spliced " + args[1] + " into " + args[0]);
  }
}
