package pe.agriscore.samples.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Minimal RFC 4180 CSV: comma separated, fields quoted with {@code "} when they hold a comma, a
 * quote or start with a space, quotes doubled inside quotes, one record per line. Enough for the
 * MIDAGRI/SENAMHI extracts and for the farmer CSV; not a general-purpose parser (no embedded
 * newlines). The training pipeline's CSV reader splits lines with it too.
 *
 * <pre>{@code
 * String[] fields = Csv.split("PE-1,\"Cusco, selva\",2.5", "farmers.csv line 2");
 * }</pre>
 */
public final class Csv {

  private Csv() {}

  /**
   * Splits one line.
   *
   * @param where names the file and line in error messages
   * @throws IllegalArgumentException when the quoting is broken, saying where
   */
  public static String[] split(String line, String where) {
    List<String> fields = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    int i = 0;
    int n = line.length();
    while (true) {
      field.setLength(0);
      if (i < n && line.charAt(i) == '"') {
        i++;
        while (true) {
          if (i >= n) {
            throw new IllegalArgumentException(where + ": unterminated quoted field");
          }
          char c = line.charAt(i++);
          if (c == '"') {
            if (i < n && line.charAt(i) == '"') {
              field.append('"');
              i++;
            } else {
              break;
            }
          } else {
            field.append(c);
          }
        }
        if (i < n && line.charAt(i) != ',') {
          throw new IllegalArgumentException(
              where + ": unexpected character after closing quote at position " + i);
        }
      } else {
        while (i < n && line.charAt(i) != ',') {
          char c = line.charAt(i++);
          if (c == '"') {
            throw new IllegalArgumentException(
                where + ": quote inside an unquoted field at position " + (i - 1));
          }
          field.append(c);
        }
      }
      fields.add(field.toString());
      if (i >= n) {
        return fields.toArray(new String[0]);
      }
      i++; // the comma
    }
  }

  /** The field as written: quoted only when it must be. */
  static String quote(String s) {
    boolean needs = s.indexOf(',') >= 0 || s.indexOf('"') >= 0 || s.indexOf('\n') >= 0
        || s.indexOf('\r') >= 0 || (!s.isEmpty() && s.charAt(0) == ' ');
    return needs ? '"' + s.replace("\"", "\"\"") + '"' : s;
  }

  /**
   * A whole CSV file with a header row, held as string cells. Used by the calibration deriver on
   * the (at most 10 MB) reference extracts.
   */
  static final class Table {
    final Path file;
    final Map<String, Integer> columns = new HashMap<>();
    final List<String[]> rows = new ArrayList<>();

    private Table(Path file) {
      this.file = file;
    }

    static Table read(Path file) throws IOException {
      Table t = new Table(file);
      try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
        String header = in.readLine();
        if (header == null) {
          throw new IOException(file + ": empty file, expected a header row");
        }
        if (header.startsWith("\uFEFF")) {
          header = header.substring(1);
        }
        String[] names = split(header, file + ":1");
        for (int i = 0; i < names.length; i++) {
          t.columns.put(names[i], i);
        }
        String line;
        int lineNo = 1;
        while ((line = in.readLine()) != null) {
          lineNo++;
          if (line.isEmpty()) {
            continue;
          }
          String[] cells = split(line, file + ":" + lineNo);
          if (cells.length != names.length) {
            throw new IOException(file + ":" + lineNo + ": " + cells.length + " fields, header has "
                + names.length);
          }
          t.rows.add(cells);
        }
      }
      return t;
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
