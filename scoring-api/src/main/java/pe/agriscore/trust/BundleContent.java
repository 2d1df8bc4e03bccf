package pe.agriscore.trust;

import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a trust policy judges: a bundle whose checksums already verified. {@code ModelBundle}
 * builds it while opening, before any bundle file is parsed.
 *
 * @param root the bundle's root directory (real path)
 * @param digests the lower-case hex SHA-256 of every bundle file, {@code manifest.json}
 *     included and the signature files left out, by bundle path
 * @param signatureFiles the bundle's signature files ({@link SignatureFiles}), sorted
 * @param maxSignatureBytes the largest signature file accepted
 */
public record BundleContent(Path root, Map<String, String> digests, List<String> signatureFiles,
    long maxSignatureBytes) {

  /** Copies. */
  public BundleContent {
    digests = Collections.unmodifiableMap(new TreeMap<>(digests));
    signatureFiles = List.copyOf(signatureFiles.stream().sorted().toList());
  }
}
