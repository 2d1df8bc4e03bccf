package pe.agriscore.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Finds the bundle a benchmark scores with, by engine name: the reference models the training
 * pipeline commits under {@code samples/models/} unless told otherwise.
 *
 * <pre>{@code
 * Path mlp = ReferenceBundles.locate("pytorch");   // e.g. samples/models/farmer-mlp-pt
 * }</pre>
 *
 * <p>For engine {@code E} the bundle is, first match wins:
 *
 * <ol>
 *   <li>the system property {@code agriscore.bench.bundle.E} (a bundle directory or zip);
 *   <li>the one bundle whose {@code manifest.json} names engine {@code E} in the models
 *       directory: the system property {@value #MODELS_DIR}, else {@code samples/models} found
 *       from the working directory, its parent, the property {@code agriscore.repo.root} or the
 *       location of the benchmark jar. Two bundles of one engine there are an error naming both:
 *       choose with the per-engine property.
 * </ol>
 *
 * <p>JMH forks inherit the launching JVM's {@code -D} flags, so {@code java
 * -Dagriscore.bench.models=/models -jar benchmarks.jar} reaches every benchmark.
 */
public final class ReferenceBundles {

  /** The directory holding one bundle per engine. */
  public static final String MODELS_DIR = "agriscore.bench.models";

  /** Prefix of the per-engine bundle property, e.g. {@code agriscore.bench.bundle.pytorch}. */
  public static final String BUNDLE_PREFIX = "agriscore.bench.bundle.";

  private static final String REPO_ROOT = "agriscore.repo.root";
  private static final Path SAMPLES_MODELS = Path.of("samples", "models");
  private static final ObjectMapper JSON = new ObjectMapper();

  private ReferenceBundles() {}

  /**
   * The bundle for {@code engine}.
   *
   * @throws IllegalStateException naming the directories searched and the property to set when
   *     there is no bundle, or the candidates when there are several
   */
  public static Path locate(String engine) {
    return locate(engine, System.getProperties(), Path.of("").toAbsolutePath(), jarLocation());
  }

  static Path locate(String engine, Properties props, Path workingDir, Optional<Path> jar) {
    String explicit = props.getProperty(BUNDLE_PREFIX + engine);
    if (explicit != null && !explicit.isBlank()) {
      Path p = workingDir.resolve(explicit).normalize();
      if (!Files.exists(p)) {
        throw new IllegalStateException(BUNDLE_PREFIX + engine + "=" + explicit
            + ": no bundle directory or zip at " + p);
      }
      return p;
    }
    List<Path> searched = modelsDirs(props, workingDir, jar);
    Optional<Path> dir = searched.stream().filter(Files::isDirectory).findFirst();
    if (dir.isEmpty()) {
      throw new IllegalStateException("no models directory for engine '" + engine
          + "' (looked for " + searched + "); set -D" + MODELS_DIR + "=<dir> or -D"
          + BUNDLE_PREFIX + engine + "=<bundle>");
    }
    List<Path> matches = bundlesOf(dir.get(), engine);
    if (matches.isEmpty()) {
      throw new IllegalStateException("no bundle with engine '" + engine + "' in " + dir.get()
          + "; set -D" + BUNDLE_PREFIX + engine + "=<bundle>");
    }
    if (matches.size() > 1) {
      throw new IllegalStateException("several bundles with engine '" + engine + "' in "
          + dir.get() + ": " + matches + "; choose one with -D" + BUNDLE_PREFIX + engine
          + "=<bundle>");
    }
    return matches.get(0);
  }

  private static List<Path> modelsDirs(Properties props, Path workingDir, Optional<Path> jar) {
    String configured = props.getProperty(MODELS_DIR);
    if (configured != null && !configured.isBlank()) {
      return List.of(workingDir.resolve(configured).normalize());
    }
    List<Path> dirs = new ArrayList<>();
    dirs.add(workingDir.resolve(SAMPLES_MODELS));
    if (workingDir.getParent() != null) {
      dirs.add(workingDir.getParent().resolve(SAMPLES_MODELS));
    }
    String root = props.getProperty(REPO_ROOT);
    if (root != null && !root.isBlank()) {
      dirs.add(workingDir.resolve(root).resolve(SAMPLES_MODELS).normalize());
    }
    // benchmarks/target/benchmarks.jar or benchmarks/target/classes -> the repository root.
    jar.map(Path::getParent).map(Path::getParent).map(Path::getParent)
        .ifPresent(r -> dirs.add(r.resolve(SAMPLES_MODELS)));
    return dirs;
  }

  /** Directories first: a zip is considered only when no directory bundle has the engine. */
  private static List<Path> bundlesOf(Path modelsDir, String engine) {
    List<Path> dirs = new ArrayList<>();
    List<Path> zips = new ArrayList<>();
    try (Stream<Path> entries = Files.list(modelsDir)) {
      for (Path p : entries.sorted().toList()) {
        if (Files.isDirectory(p) && Files.isRegularFile(p.resolve("manifest.json"))) {
          if (engine.equals(engineOf(Files.readAllBytes(p.resolve("manifest.json")), p))) {
            dirs.add(p);
          }
        } else if (p.getFileName().toString().endsWith(".zip")) {
          if (engine.equals(zipEngine(p))) {
            zips.add(p);
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + modelsDir, e);
    }
    return dirs.isEmpty() ? zips : dirs;
  }

  private static String zipEngine(Path zip) throws IOException {
    try (ZipFile z = new ZipFile(zip.toFile())) {
      ZipEntry manifest = z.getEntry("manifest.json");
      if (manifest == null) {
        return null;
      }
      try (InputStream in = z.getInputStream(manifest)) {
        return engineOf(in.readAllBytes(), zip);
      }
    }
  }

  private static String engineOf(byte[] manifest, Path bundle) throws IOException {
    JsonNode engine = JSON.readTree(manifest).get("engine");
    if (engine == null || !engine.isTextual()) {
      throw new IllegalStateException(bundle + "/manifest.json has no 'engine'");
    }
    return engine.asText();
  }

  private static Optional<Path> jarLocation() {
    try {
      var source = ReferenceBundles.class.getProtectionDomain().getCodeSource();
      return source == null ? Optional.empty() : Optional.of(Path.of(source.getLocation().toURI()));
    } catch (URISyntaxException | SecurityException | IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
