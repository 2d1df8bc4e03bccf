package pe.agriscore.trust;

/**
 * The rule a {@link TrustException} refused a bundle under. Each refusal message ends with
 * {@code (trust rule: <id>)}.
 */
public enum TrustRule {
  /** The policy asks for signatures and the bundle has none. */
  UNSIGNED("unsigned"),
  /** A signature file is not a well-formed OMS v1.0 key-method signature. */
  MALFORMED_SIGNATURE("malformed-signature"),
  /** The signature's ECDSA value does not verify with the key it names. */
  BAD_SIGNATURE("bad-signature"),
  /** The signing key is not in the trust store. */
  UNKNOWN_KEY("unknown-key"),
  /** The signing key is past its validity ({@code notAfter}). */
  EXPIRED_KEY("expired-key"),
  /** The signing key is not valid yet ({@code notBefore}). */
  NOT_YET_VALID_KEY("key-not-yet-valid"),
  /** The signing key is on the trust store's revocation list. */
  REVOKED_KEY("revoked-key"),
  /** A file's SHA-256 differs from the one signed. */
  FILE_CHANGED("file-changed"),
  /** A file in the bundle is not covered by the signature (added after signing). */
  FILE_ADDED("file-added"),
  /** The signed statement lists a file the bundle lacks (removed after signing). */
  FILE_MISSING("file-missing"),
  /** The signature claims a role its key does not hold in the trust store. */
  ROLE_NOT_HELD("role-not-held"),
  /** The policy needs a signature in a role that no trusted signature fills. */
  ROLE_MISSING("role-missing"),
  /** Four eyes: one key (or one owner) would fill both roles. */
  SAME_SIGNER_TWO_ROLES("same-signer-two-roles");

  private final String id;

  TrustRule(String id) {
    this.id = id;
  }

  /** The rule's stable id as refusal messages write it, e.g. {@code file-changed}. */
  public String id() {
    return id;
  }
}
