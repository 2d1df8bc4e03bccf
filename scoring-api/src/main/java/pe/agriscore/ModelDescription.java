package pe.agriscore;

import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import pe.agriscore.schema.FeatureSchema;
import pe.agriscore.schema.ScoreScale;

/**
 * What a model inventory records about the model a {@link CreditScorer} runs: identity, engine,
 * inputs, scale and the checksums that pin its files. Unlike the bundle it was read from, a
 * description holds no files and nothing to close, so it stays valid after the scorer is closed.
 *
 * <pre>{@code
 * try (CreditScorer scorer = CreditScorer.open(Path.of("models/farmer-scorecard"))) {
 *   ModelDescription m = scorer.model();
 *   inventory.record(m.name(), m.version(), m.engine(), m.createdAt(), m.manifestSha256());
 *   System.out.println(m.schema().size() + " features, " + m.goldenCaseCount()
 *       + " golden cases, model file " + m.fileChecksums().get("model/scorecard.json"));
 * }
 * }</pre>
 *
 * <p><b>Contract:</b> immutable and thread-safe; every component is non-null except {@code
 * description}. Two descriptions are equal when every component is.
 *
 * @param name the model's name, from the manifest
 * @param version the model's version, from the manifest
 * @param engine the name of the engine that runs it, e.g. {@code scorecard} or {@code pytorch}
 * @param description the manifest's free text, or {@code null} when the bundle has none
 * @param createdAt when the bundle was written
 * @param schema the features a request carries (immutable)
 * @param scoreScale how probabilities become points and grades
 * @param fileChecksums the SHA-256 (lower-case hex) of every bundle file but {@code
 *     manifest.json}, by relative path with {@code /} separators, sorted by path; unmodifiable
 * @param manifestSha256 the SHA-256 that seals {@code manifest.json} (see the bundle format), so
 *     together with {@code fileChecksums} it identifies the bundle's exact bytes
 * @param goldenCaseCount how many golden cases the scorer reproduced when it was opened (at
 *     least 1)
 */
public record ModelDescription(
    String name,
    String version,
    String engine,
    String description,
    Instant createdAt,
    FeatureSchema schema,
    ScoreScale scoreScale,
    Map<String, String> fileChecksums,
    String manifestSha256,
    int goldenCaseCount) {

  /**
   * Validates and copies.
   *
   * @throws NullPointerException naming the component that is null (all but {@code description})
   * @throws IllegalArgumentException if {@code goldenCaseCount} is below 1
   */
  public ModelDescription {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(engine, "engine");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(schema, "schema");
    Objects.requireNonNull(scoreScale, "scoreScale");
    Objects.requireNonNull(manifestSha256, "manifestSha256");
    fileChecksums = Collections.unmodifiableMap(
        new TreeMap<>(Objects.requireNonNull(fileChecksums, "fileChecksums")));
    if (goldenCaseCount < 1) {
      throw new IllegalArgumentException("goldenCaseCount must be >= 1, got " + goldenCaseCount);
    }
  }
}
