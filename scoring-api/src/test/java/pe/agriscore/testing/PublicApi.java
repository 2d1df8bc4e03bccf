package pe.agriscore.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The public API of a module as compiled: the public types (nested ones included) of the
 * packages its {@code module-info.class} exports to everyone. A module's surface test compares
 * it with a committed list, so that adding public API is a deliberate act, and checks the
 * README's module map states the same counts.
 */
public final class PublicApi {

  private final Path classes;
  private final ModuleDescriptor descriptor;
  private final List<String> types;

  private PublicApi(Path classes) throws IOException {
    this.classes = classes;
    try (InputStream in = Files.newInputStream(classes.resolve("module-info.class"))) {
      this.descriptor = ModuleDescriptor.read(in);
    }
    Set<String> exported = exportedPackages();
    List<String> found = new ArrayList<>();
    try (Stream<Path> files = Files.walk(classes)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".class")).toList()) {
        String name = classes.relativize(f).toString().replace(f.getFileSystem().getSeparator(),
            ".").replaceAll("\\.class$", "");
        int dot = name.lastIndexOf('.');
        if (dot < 0 || !exported.contains(name.substring(0, dot))) {
          continue;
        }
        Class<?> c;
        try {
          c = Class.forName(name, false, PublicApi.class.getClassLoader());
        } catch (ClassNotFoundException e) {
          throw new IOException(name + " is in " + classes + " but not on the test class path",
              e);
        }
        if (isPublicApi(c)) {
          found.add(c.getCanonicalName());
        }
      }
    }
    found.sort(null);
    this.types = List.copyOf(found);
  }

  /** Reads the module compiled into {@code classes} (a {@code target/classes} directory). */
  public static PublicApi of(Path classes) throws IOException {
    return new PublicApi(classes);
  }

  private static boolean isPublicApi(Class<?> c) {
    if (c.isAnonymousClass() || c.isLocalClass() || c.isSynthetic()) {
      return false;
    }
    for (Class<?> e = c; e != null; e = e.getDeclaringClass()) {
      if (!Modifier.isPublic(e.getModifiers())) {
        return false;
      }
    }
    return true;
  }

  /** The module's name. */
  public String moduleName() {
    return descriptor.name();
  }

  /** The packages exported to every module (qualified exports left out). */
  public Set<String> exportedPackages() {
    return descriptor.exports().stream().filter(e -> !e.isQualified())
        .map(ModuleDescriptor.Exports::source).collect(Collectors.toCollection(TreeSet::new));
  }

  /** The canonical names of the public types of the exported packages, sorted. */
  public List<String> publicTypes() {
    return types;
  }

  /** How many public types each exported package has, by package name. */
  public Map<String, Integer> countByPackage() {
    Map<String, Integer> counts = new TreeMap<>();
    exportedPackages().forEach(p -> counts.put(p, 0));
    for (String t : types) {
      Class<?> c = load(t);
      counts.merge(c.getPackageName(), 1, Integer::sum);
    }
    return counts;
  }

  private Class<?> load(String canonicalName) {
    String name = canonicalName;
    while (true) {
      try {
        return Class.forName(name, false, PublicApi.class.getClassLoader());
      } catch (ClassNotFoundException e) {
        int dot = name.lastIndexOf('.');
        if (dot < 0) {
          throw new IllegalStateException(canonicalName + " is not in " + classes, e);
        }
        name = name.substring(0, dot) + "$" + name.substring(dot + 1);
      }
    }
  }

  /**
   * Fails unless the public types equal the committed list {@code listFile} (one canonical name
   * a line; {@code #} starts a comment), naming what was added and what was removed.
   */
  public void assertMatches(Path listFile) throws IOException {
    List<String> committed = Files.readAllLines(listFile).stream().map(String::strip)
        .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
    Set<String> added = new TreeSet<>(types);
    committed.forEach(added::remove);
    Set<String> removed = new TreeSet<>(committed);
    types.forEach(removed::remove);
    assertTrue(added.isEmpty() && removed.isEmpty(), "the public API of module " + moduleName()
        + " differs from " + listFile + ": added " + added + ", removed " + removed
        + ". Adding public API is a deliberate act: update the list (and the README's module"
        + " map) in the same commit.");
    assertEquals(committed.stream().sorted().toList(), committed, listFile + " is sorted");
  }

  /**
   * The README module map's cells for this module: its exported packages with their counts, and
   * the total, e.g. {@code `pe.agriscore` (4), `pe.agriscore.scoring` (17) | 21}.
   */
  public String moduleMapCells() {
    String packages = countByPackage().entrySet().stream()
        .map(e -> "`" + e.getKey() + "` (" + e.getValue() + ")")
        .collect(Collectors.joining(", "));
    return packages + " | " + types.size();
  }

  /**
   * Fails unless README.md's module map has the row {@code | `artifactId` | <what> | <cells> |}
   * with this module's {@link #moduleMapCells}.
   */
  public void assertReadmeRow(Path readme, String artifactId) throws IOException {
    String prefix = "| `" + artifactId + "` |";
    List<String> rows = Files.readAllLines(readme).stream().filter(l -> l.startsWith(prefix))
        .toList();
    assertEquals(1, rows.size(), readme + " has one module-map row for " + artifactId);
    String expected = moduleMapCells() + " |";
    assertTrue(rows.get(0).endsWith(" | " + expected), readme + "'s row for " + artifactId
        + " must end with '" + expected + "', is: " + rows.get(0));
  }
}
