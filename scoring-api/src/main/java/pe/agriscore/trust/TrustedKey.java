package pe.agriscore.trust;

import java.security.PublicKey;
import java.time.Instant;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.Collections;

/**
 * A public key a bank trusts to sign model bundles, with who holds it, the roles it may sign in
 * and when it is valid.
 *
 * <pre>{@code
 * TrustedKey approver = TrustedKey.of(Pem.readPublicKey(pem), "model-risk@bank.pe",
 *     Set.of("approver"), Instant.parse("2026-01-01T00:00:00Z"), Instant.parse("2027-01-01T00:00:00Z"));
 * }</pre>
 *
 * @param keyId the OMS key id ({@link Pem#keyId(PublicKey)}), derived from {@code publicKey}
 * @param publicKey an elliptic-curve key on P-256, P-384 or P-521
 * @param owner who holds the private key (a person or team); four eyes needs two different owners
 * @param roles the roles the key may sign in, e.g. {@code trainer}, {@code approver}; sorted,
 *     unmodifiable, not empty
 * @param notBefore the first instant the key is valid, or {@code null} for no lower bound
 * @param notAfter the instant the key stops being valid, or {@code null} for no upper bound
 */
public record TrustedKey(String keyId, PublicKey publicKey, String owner, Set<String> roles,
    Instant notBefore, Instant notAfter) {

  /**
   * Validates and copies.
   *
   * @throws IllegalArgumentException if the key id does not match the key, the curve is not
   *     supported, the owner is blank, a role is blank, there is no role, or {@code notAfter} is
   *     not after {@code notBefore}
   */
  public TrustedKey {
    Objects.requireNonNull(publicKey, "publicKey");
    Curves.hashOf(publicKey);
    if (!Pem.keyId(publicKey).equals(keyId)) {
      throw new IllegalArgumentException("keyId " + keyId + " is not the id of this key ("
          + Pem.keyId(publicKey) + ")");
    }
    if (owner == null || owner.isBlank()) {
      throw new IllegalArgumentException("a trusted key needs an owner");
    }
    if (roles == null || roles.isEmpty() || roles.stream().anyMatch(r -> r == null || r.isBlank())) {
      throw new IllegalArgumentException("a trusted key needs at least one non-blank role");
    }
    roles = Collections.unmodifiableSet(new TreeSet<>(roles));
    if (notBefore != null && notAfter != null && !notAfter.isAfter(notBefore)) {
      throw new IllegalArgumentException("notAfter " + notAfter + " is not after notBefore "
          + notBefore);
    }
  }

  /** A key valid from {@code notBefore} until {@code notAfter} (either may be {@code null}). */
  public static TrustedKey of(PublicKey key, String owner, Set<String> roles, Instant notBefore,
      Instant notAfter) {
    return new TrustedKey(Pem.keyId(key), key, owner, roles, notBefore, notAfter);
  }

  /** A key with no validity bounds. */
  public static TrustedKey of(PublicKey key, String owner, String... roles) {
    return of(key, owner, Set.of(roles), null, null);
  }
}
