package pe.agriscore.engine.conformance;

import java.io.File;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.module.FindException;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.spi.ToolProvider;

/**
 * Loads a bundle in a child JVM the way a modular application does: a small application module
 * that requires only {@code pe.agriscore} is compiled and run with the engine's module and its
 * dependencies on the module path. A named module ignores {@code META-INF/services}, so the engine
 * is found only through its module's {@code provides}. Jars that are not valid modules (a native
 * jar with an invalid Automatic-Module-Name) go on the class path, where their resources are still
 * found.
 */
final class ModulePathRun {

  /** Printed by the application: the engine's class and the module it was loaded from. */
  static final String LOADED = "MODULE PATH LOAD ";

  private static final String MODULE_INFO = """
      module agriscore.conformance.check {
        requires pe.agriscore;
      }
      """;

  private static final String MAIN = """
      package check;

      import java.nio.file.Path;
      import pe.agriscore.CreditScorer;
      import pe.agriscore.engine.Engines;

      public class Main {
        public static void main(String[] args) {
          try (CreditScorer scorer = CreditScorer.open(Path.of(args[0]))) {
            Class<?> engine = Engines.find(scorer.model().engine()).getClass();
            System.out.println("%s" + engine.getName() + " " + engine.getModule());
          }
        }
      }
      """.formatted(LOADED);

  /** Test-only jars left off both paths. */
  private static final List<String> TEST_ONLY = List.of("junit-", "opentest4j", "apiguardian",
      "scoring-engine-conformance", "test-classes", "-tests.jar", "archunit", "slf4j-simple");

  private ModulePathRun() {}

  /** The module that holds {@code type}'s class file location, if that location is a module. */
  static Optional<String> moduleOf(Class<?> type) throws URISyntaxException {
    Path source = Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
    return ModuleFinder.of(source).findAll().stream().findFirst()
        .map(r -> r.descriptor().name());
  }

  /**
   * Compiles the application into {@code dir}, runs it on {@code bundle} and returns its output.
   *
   * @param jvmArgs extra options of the child
   */
  static String run(Path dir, Path bundle, List<String> jvmArgs) throws Exception {
    List<String> modulePath = new ArrayList<>();
    List<String> classPath = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      if (entry.isEmpty() || TEST_ONLY.stream().anyMatch(entry::contains)
          || !Files.exists(Path.of(entry))) {
        continue;
      }
      (isModule(Path.of(entry)) ? modulePath : classPath).add(entry);
    }
    Path src = Files.createDirectories(dir.resolve("src/check"));
    Files.writeString(dir.resolve("src/module-info.java"), MODULE_INFO);
    Files.writeString(src.resolve("Main.java"), MAIN);
    Path out = dir.resolve("out");
    StringWriter errors = new StringWriter();
    int rc = ToolProvider.findFirst("javac").orElseThrow().run(new PrintWriter(errors),
        new PrintWriter(errors), "-d", out.toString(), "--module-path",
        String.join(File.pathSeparator, modulePath), dir.resolve("src/module-info.java").toString(),
        src.resolve("Main.java").toString());
    if (rc != 0) {
      throw new AssertionError("the application module does not compile against the module path "
          + modulePath + ":\n" + errors);
    }
    List<String> args = new ArrayList<>(jvmArgs);
    if (!classPath.isEmpty()) {
      args.add("-cp");
      args.add(String.join(File.pathSeparator, classPath));
    }
    List<String> path = new ArrayList<>(modulePath);
    path.add(out.toString());
    return ChildJvm.startModule(path.stream().map(Path::of).toList(), args,
        "agriscore.conformance.check/check.Main", bundle.toString()).await();
  }

  private static boolean isModule(Path entry) {
    try {
      return ModuleFinder.of(entry).findAll().stream().map(ModuleReference::descriptor)
          .findAny().isPresent();
    } catch (FindException e) {
      return false; // not a valid module, e.g. an invalid Automatic-Module-Name
    }
  }

}
