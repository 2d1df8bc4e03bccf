package pe.agriscore.trust;

import java.time.Instant;
import java.util.Objects;
import java.util.Set;

/**
 * One signature that verified when a bundle was opened.
 *
 * @param file the signature file, e.g. {@code signatures/<key id>.sig} or {@code model.sig}
 * @param keyId the signing key's id
 * @param owner the key's owner, from the trust store
 * @param roles the roles the key holds in the trust store
 * @param role the role this signature filled for the policy (its signed {@code role} claim, or
 *     the key's role), or {@code null} when the policy assigns none
 * @param signedAt when the signer says it signed (a signed claim, not a trusted timestamp), or
 *     {@code null} when the signature states none (e.g. one made by the OpenSSF tool)
 */
public record VerifiedSignature(String file, String keyId, String owner, Set<String> roles,
    String role, Instant signedAt) {

  /** Validates and copies. */
  public VerifiedSignature {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(keyId, "keyId");
    Objects.requireNonNull(owner, "owner");
    roles = Set.copyOf(roles);
  }
}
