package pe.agriscore.service;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Settings under {@code agriscore.service} (environment variables {@code
 * AGRISCORE_SERVICE_...}): which bundles to serve and the request limits.
 *
 * @param models the bundle directories or zips to load; each is served under its manifest name
 * @param maxRequestSize the largest body of one score request (default 64 KiB, the SDK's
 *     {@code ScoringJson.DEFAULT_MAX_REQUEST_BYTES})
 * @param maxBatchSize the most requests in one {@code score:batch} call (default 1,000)
 * @param maxBatchBytes the largest body of one {@code score:batch} call (default 8 MiB)
 * @param maxReasonCodes reason codes per score (default 4, 0 turns them off)
 * @param maxConcurrentPerClient requests under {@code /v1/} one client (authenticated principal,
 *     else remote address) may have in progress (default 16); one more is a 429
 * @param applicantIdKey the key of the HMAC-SHA256 that logs show instead of applicant ids; when
 *     empty, a random key per process (hashes then only correlate within one run)
 */
@ConfigurationProperties("agriscore.service")
public record ServiceProperties(
    List<Path> models,
    @DefaultValue("64KB") DataSize maxRequestSize,
    @DefaultValue("1000") int maxBatchSize,
    @DefaultValue("8MB") DataSize maxBatchBytes,
    @DefaultValue("4") int maxReasonCodes,
    @DefaultValue("16") int maxConcurrentPerClient,
    @DefaultValue("") String applicantIdKey) {

  /** Validates. */
  public ServiceProperties {
    models = List.copyOf(Objects.requireNonNullElse(models, List.of()));
    if (models.isEmpty()) {
      throw new IllegalArgumentException("agriscore.service.models lists no bundle: name at least"
          + " one bundle directory or zip (AGRISCORE_SERVICE_MODELS=/models/farmer-scorecard)");
    }
    if (maxConcurrentPerClient < 1) {
      throw new IllegalArgumentException("agriscore.service.max-concurrent-per-client must be"
          + " >= 1, got " + maxConcurrentPerClient);
    }
    if (maxBatchSize < 1) {
      throw new IllegalArgumentException("agriscore.service.max-batch-size must be >= 1, got "
          + maxBatchSize);
    }
  }
}
