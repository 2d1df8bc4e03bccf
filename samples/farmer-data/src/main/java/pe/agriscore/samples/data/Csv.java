package pe.agriscore.samples.data;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.CSVRecord;

/**
 * The samples' one CSV reader (Apache Commons CSV, RFC 4180): UTF-8 with or without a byte order
 * mark, a header row, fields quoted with {@code "} (quotes doubled inside, line breaks allowed),
 * separated by a comma, a semicolon (what Spanish-locale Excel writes), a tab or a bar, either
 * given or detected from the header. The farmer CSV, the calibration extracts and the training
 * pipeline's labelled CSV all read through it.
 *
 * <pre>{@code
 * try (Csv.Table t = Csv.open(Path.of("bank-export.csv"), null)) {   // null: detect
 *   List<String> header = t.header();
 *   for (Csv.Row row = t.next(); row != null; row = t.next()) {
 *     String first = row.fields().get(0);   // row.line() names it in messages
 *   }
 * }
 * }</pre>
 */
public final class Csv {

  /** The delimiters {@link #detectDelimiter} chooses from. */
  public static final String DELIMITERS = ",;\t|";

  /** Commons CSV's messages carry the line as "(startline N)" or "at line: N". */
  private static final Pattern LINE = Pattern.compile("(?:startline |line: )(\\d+)");

  /** Longest header line that delimiter detection looks at. */
  private static final int HEADER_LIMIT = 1 << 20;

  private Csv() {}

  /** One record: its fields and the line it starts on (the header is line 1). */
  public record Row(long line, List<String> fields) {
    public Row {
      fields = List.copyOf(fields);
    }
  }

  /** A broken record (unclosed quote, text after a closing quote), with its line. */
  public static final class SyntaxException extends IOException {
    private static final long serialVersionUID = 1L;
    private final long line;

    SyntaxException(long line, String message) {
      super("line " + line + ": " + message);
      this.line = line;
    }

    /** The line the broken record is on. */
    public long line() {
      return line;
    }
  }

  /**
   * The delimiter of a header line: the most frequent of {@link #DELIMITERS} outside quotes, a
   * comma when none occurs (a one-column file).
   */
  public static char detectDelimiter(String headerLine) {
    int[] count = new int[DELIMITERS.length()];
    boolean quoted = false;
    for (int i = 0; i < headerLine.length(); i++) {
      char c = headerLine.charAt(i);
      if (c == '"') {
        quoted = !quoted;
      } else if (!quoted) {
        int d = DELIMITERS.indexOf(c);
        if (d >= 0) {
          count[d]++;
        }
      }
    }
    int best = 0;
    for (int d = 1; d < count.length; d++) {
      if (count[d] > count[best]) {
        best = d;
      }
    }
    return DELIMITERS.charAt(best);
  }

  /** A printable name of a delimiter, for messages. */
  public static String describe(char delimiter) {
    return switch (delimiter) {
      case ',' -> "comma";
      case ';' -> "semicolon";
      case '\t' -> "tab";
      case '|' -> "bar";
      default -> "'" + delimiter + "'";
    };
  }

  /**
   * Opens a UTF-8 file.
   *
   * @param delimiter the delimiter, or null to detect it from the header line
   */
  public static Table open(Path file, Character delimiter) throws IOException {
    BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8);
    try {
      return open(in, delimiter);
    } catch (IOException | RuntimeException e) {
      in.close();
      throw e;
    }
  }

  /**
   * Reads CSV text from {@code in}; closing the table closes {@code in}.
   *
   * @param delimiter the delimiter, or null to detect it from the header line
   */
  public static Table open(BufferedReader in, Character delimiter) throws IOException {
    in.mark(1);
    if (in.read() != '\uFEFF') {
      in.reset();
    }
    char d;
    if (delimiter != null) {
      d = delimiter;
    } else {
      in.mark(HEADER_LIMIT);
      String header = in.readLine();
      in.reset();
      d = header == null ? ',' : detectDelimiter(header);
    }
    return new Table(in, d);
  }

  /**
   * Writes {@code header} and then {@code rows} to {@code file} as comma-separated UTF-8, fields
   * quoted only where they must be (RFC 4180).
   */
  public static void write(Path file, List<String> header, Iterable<? extends Iterable<?>> rows)
      throws IOException {
    try (CSVPrinter out = new CSVPrinter(Files.newBufferedWriter(file, StandardCharsets.UTF_8),
        CSVFormat.RFC4180.builder().setRecordSeparator('\n').get())) {
      out.printRecord(header);
      for (Iterable<?> row : rows) {
        out.printRecord(row);
      }
    }
  }

  /** An open CSV source: its delimiter, its header and its rows in order. Not thread-safe. */
  public static final class Table implements Closeable {
    private final CSVParser parser;
    private final Iterator<CSVRecord> records;
    private final char delimiter;
    private final List<String> header;
    private long nextLine = 1;

    private Table(Reader in, char delimiter) throws IOException {
      this.delimiter = delimiter;
      this.parser = CSVFormat.RFC4180.builder().setDelimiter(delimiter)
          .setIgnoreEmptyLines(false).get().parse(in);
      this.records = parser.iterator();
      Row first = next();
      this.header = first == null ? List.of() : first.fields();
    }

    /** The delimiter in use (given or detected). */
    public char delimiter() {
      return delimiter;
    }

    /** The header's column names as written; empty for an empty file. */
    public List<String> header() {
      return header;
    }

    /**
     * The next row, or null at the end. An empty line is a row of one empty field.
     *
     * @throws SyntaxException when the quoting is broken; nothing can be read after it
     */
    public Row next() throws IOException {
      long line = nextLine;
      try {
        if (!records.hasNext()) {
          return null;
        }
        CSVRecord r = records.next();
        nextLine = parser.getCurrentLineNumber() + 1;
        return new Row(line, r.toList());
      } catch (UncheckedIOException e) {
        String m = String.valueOf(e.getCause() == null ? null : e.getCause().getMessage());
        Matcher at = LINE.matcher(m);
        long where = at.find() ? Long.parseLong(at.group(1)) : line;
        throw new SyntaxException(where, m.contains("EOF reached")
            ? "a quoted field is not closed before the end of the file"
            : m.contains("Invalid character") ? "text follows the closing quote of a field"
            : "broken quoting");
      }
    }

    /** The header's column positions by name (a repeated name keeps its first position). */
    public Map<String, Integer> positions() {
      Map<String, Integer> p = new HashMap<>();
      for (int i = 0; i < header.size(); i++) {
        p.putIfAbsent(header.get(i), i);
      }
      return p;
    }

    @Override
    public void close() throws IOException {
      parser.close();
    }
  }

  /**
   * A whole comma-separated file held as string cells, rows of the header's width. Used by the
   * calibration deriver on the (at most 10 MB) reference extracts.
   */
  static final class Extract {
    final Path file;
    final List<String[]> rows = new ArrayList<>();
    private final Map<String, Integer> columns;

    private Extract(Path file, Map<String, Integer> columns) {
      this.file = file;
      this.columns = columns;
    }

    static Extract read(Path file) throws IOException {
      try (Table t = open(file, ',')) {
        if (t.header().isEmpty()) {
          throw new IOException(file + ": empty file, expected a header row");
        }
        Extract x = new Extract(file, t.positions());
        for (Row r = t.next(); r != null; r = t.next()) {
          if (r.fields().size() == 1 && r.fields().get(0).isEmpty()) {
            continue;
          }
          if (r.fields().size() != t.header().size()) {
            throw new IOException(file + ":" + r.line() + ": " + r.fields().size()
                + " fields, header has " + t.header().size());
          }
          x.rows.add(r.fields().toArray(new String[0]));
        }
        return x;
      } catch (SyntaxException e) {
        throw new IOException(file + ": " + e.getMessage(), e);
      }
    }

    /** The index of {@code name}. */
    int column(String name) {
      Integer i = columns.get(name);
      if (i == null) {
        throw new IllegalArgumentException(file + ": no column '" + name + "'");
      }
      return i;
    }

    String fileName() {
      return file.getFileName().toString();
    }
  }
}
