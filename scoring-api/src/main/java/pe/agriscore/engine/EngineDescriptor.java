package pe.agriscore.engine;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * What an engine declares about itself, for discovery and error messages: the name bundles
 * refer to, the model formats it reads, the Maven artifact that ships it and the options it
 * takes. Immutable.
 *
 * <pre>{@code
 * EngineDescriptor.of("onnx", "com.example:agriscore-engine-onnx", Set.of("onnx"),
 *     List.of(POOL_SIZE));
 * }</pre>
 *
 * @param name the name in {@code manifest.json}'s {@code engine} field, e.g. {@code tensorflow}
 * @param modelFormats the {@code modelFormat} values it reads; the core refuses any other
 * @param artifact {@code groupId:artifactId} to add to a build to get this engine, named in
 *     errors, e.g. {@code pe.agriscore:scoring-engine-tf}
 * @param options every option the engine reads; keys in its own namespace ({@code name + "."})
 *     that are not declared here are refused
 */
public record EngineDescriptor(String name, Set<String> modelFormats, String artifact,
    List<EngineOption<?>> options) {

  /**
   * Validates.
   *
   * @throws IllegalArgumentException for a name that is not lower case letters, digits and
   *     dashes, no format, an artifact that is not {@code groupId:artifactId}, or two options
   *     with one key
   */
  public EngineDescriptor {
    if (name == null || !name.matches("[a-z0-9][a-z0-9-]*")) {
      throw new IllegalArgumentException("an engine name is lower-case letters, digits and"
          + " dashes, not '" + name + "'");
    }
    if (modelFormats == null || modelFormats.isEmpty()) {
      throw new IllegalArgumentException("engine '" + name + "' must read at least one format");
    }
    modelFormats = Set.copyOf(new TreeSet<>(modelFormats));
    if (artifact == null || !artifact.matches("[A-Za-z0-9_.-]+:[A-Za-z0-9_.-]+")) {
      throw new IllegalArgumentException("engine '" + name + "': the artifact must be"
          + " groupId:artifactId, not '" + artifact + "'");
    }
    options = List.copyOf(Objects.requireNonNull(options, "options"));
    Set<String> keys = new HashSet<>();
    for (EngineOption<?> o : options) {
      if (!keys.add(o.key())) {
        throw new IllegalArgumentException("engine '" + name + "' declares option '" + o.key()
            + "' twice");
      }
    }
  }

  /** A descriptor; see the record's components. */
  public static EngineDescriptor of(String name, String artifact, Set<String> modelFormats,
      List<EngineOption<?>> options) {
    return new EngineDescriptor(name, modelFormats, artifact, options);
  }

  /** How error messages list this engine: {@code tensorflow (pe.agriscore:scoring-engine-tf)}. */
  @Override
  public String toString() {
    return name + " (" + artifact + ", reads " + String.join(", ", new TreeSet<>(modelFormats))
        + ")";
  }
}
