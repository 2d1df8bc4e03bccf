package pe.agriscore.scoring;

/**
 * Resource limits for opening a bundle, so that a hostile or broken bundle cannot fill the disk
 * or the heap of the JVM that opens it. The zip limits are enforced while extracting, before a
 * byte beyond them reaches the disk; the JSON limit applies to every JSON file of a directory or
 * zip bundle (the manifest, the five bundle files and a scorecard model file), checked before the
 * file is parsed.
 *
 * <pre>{@code
 * BundleLimits limits = BundleLimits.defaults().withMaxEntryBytes(4L << 30); // a 3 GiB model
 * CreditScorer scorer = CreditScorer.builder(Path.of("big-model.zip")).bundleLimits(limits).build();
 * }</pre>
 *
 * @param maxExtractedBytes largest total of all entries of a zip bundle, uncompressed (default
 *     {@value #DEFAULT_MAX_EXTRACTED_BYTES}, 2 GiB)
 * @param maxEntryBytes largest single zip entry, uncompressed (default {@value
 *     #DEFAULT_MAX_ENTRY_BYTES}, 1 GiB)
 * @param maxEntries most entries (files and directories) in a zip bundle (default {@value
 *     #DEFAULT_MAX_ENTRIES})
 * @param maxCompressionRatio largest ratio of uncompressed to compressed bytes of a zip entry,
 *     checked once the entry has inflated to more than 1 MiB (default {@value
 *     #DEFAULT_MAX_COMPRESSION_RATIO}; real models and JSON files stay far below, zip bombs reach
 *     about 1000)
 * @param maxJsonFileBytes largest JSON file of a bundle (default {@value
 *     #DEFAULT_MAX_JSON_FILE_BYTES}, 16 MiB)
 */
public record BundleLimits(
    long maxExtractedBytes,
    long maxEntryBytes,
    int maxEntries,
    double maxCompressionRatio,
    long maxJsonFileBytes) {

  /** Default {@link #maxExtractedBytes()}: 2 GiB. */
  public static final long DEFAULT_MAX_EXTRACTED_BYTES = 2L << 30;

  /** Default {@link #maxEntryBytes()}: 1 GiB. */
  public static final long DEFAULT_MAX_ENTRY_BYTES = 1L << 30;

  /** Default {@link #maxEntries()}. */
  public static final int DEFAULT_MAX_ENTRIES = 10_000;

  /** Default {@link #maxCompressionRatio()}. */
  public static final double DEFAULT_MAX_COMPRESSION_RATIO = 100;

  /** Default {@link #maxJsonFileBytes()}: 16 MiB. */
  public static final long DEFAULT_MAX_JSON_FILE_BYTES = 16L << 20;

  private static final BundleLimits DEFAULTS = new BundleLimits(DEFAULT_MAX_EXTRACTED_BYTES,
      DEFAULT_MAX_ENTRY_BYTES, DEFAULT_MAX_ENTRIES, DEFAULT_MAX_COMPRESSION_RATIO,
      DEFAULT_MAX_JSON_FILE_BYTES);

  /**
   * Validates.
   *
   * @throws IllegalArgumentException naming the limit that is not positive
   */
  public BundleLimits {
    requirePositive("maxExtractedBytes", maxExtractedBytes);
    requirePositive("maxEntryBytes", maxEntryBytes);
    requirePositive("maxEntries", maxEntries);
    requirePositive("maxJsonFileBytes", maxJsonFileBytes);
    if (!(maxCompressionRatio >= 1) || Double.isInfinite(maxCompressionRatio)) {
      throw new IllegalArgumentException("maxCompressionRatio must be a finite number >= 1, got "
          + maxCompressionRatio);
    }
  }

  /** The documented defaults. */
  public static BundleLimits defaults() {
    return DEFAULTS;
  }

  /** These limits with another {@link #maxExtractedBytes()}. */
  public BundleLimits withMaxExtractedBytes(long value) {
    return new BundleLimits(value, maxEntryBytes, maxEntries, maxCompressionRatio,
        maxJsonFileBytes);
  }

  /** These limits with another {@link #maxEntryBytes()}. */
  public BundleLimits withMaxEntryBytes(long value) {
    return new BundleLimits(maxExtractedBytes, value, maxEntries, maxCompressionRatio,
        maxJsonFileBytes);
  }

  /** These limits with another {@link #maxEntries()}. */
  public BundleLimits withMaxEntries(int value) {
    return new BundleLimits(maxExtractedBytes, maxEntryBytes, value, maxCompressionRatio,
        maxJsonFileBytes);
  }

  /** These limits with another {@link #maxCompressionRatio()}. */
  public BundleLimits withMaxCompressionRatio(double value) {
    return new BundleLimits(maxExtractedBytes, maxEntryBytes, maxEntries, value,
        maxJsonFileBytes);
  }

  /** These limits with another {@link #maxJsonFileBytes()}. */
  public BundleLimits withMaxJsonFileBytes(long value) {
    return new BundleLimits(maxExtractedBytes, maxEntryBytes, maxEntries, maxCompressionRatio,
        value);
  }

  private static void requirePositive(String name, long value) {
    if (value <= 0) {
      throw new IllegalArgumentException(name + " must be positive, got " + value);
    }
  }
}
