package pe.agriscore.trust;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The public keys a bank trusts to sign bundles, and the ids of revoked keys. Immutable.
 *
 * <pre>{@code
 * TrustStore store = TrustStore.builder()
 *     .add(TrustedKey.of(trainerKey, "data-science@bank.pe", "trainer"))
 *     .add(TrustedKey.of(approverKey, "model-risk@bank.pe", "approver"))
 *     .revoke("3b1e...")   // a key id, trusted or not: a revoked key never verifies
 *     .build();
 * }</pre>
 */
public final class TrustStore {

  private static final TrustStore EMPTY = new TrustStore(Map.of(), Set.of());

  private final Map<String, TrustedKey> keys;
  private final Set<String> revoked;

  private TrustStore(Map<String, TrustedKey> keys, Set<String> revoked) {
    this.keys = Collections.unmodifiableMap(new TreeMap<>(keys));
    this.revoked = Collections.unmodifiableSet(new TreeSet<>(revoked));
  }

  /** A store with no key. */
  public static TrustStore empty() {
    return EMPTY;
  }

  /** Starts a store. */
  public static Builder builder() {
    return new Builder();
  }

  /** The trusted key with this id, if any (revoked keys included). */
  public Optional<TrustedKey> key(String keyId) {
    return Optional.ofNullable(keys.get(keyId));
  }

  /** Every trusted key by id, sorted. */
  public Map<String, TrustedKey> keys() {
    return keys;
  }

  /** Whether {@code keyId} is on the revocation list. */
  public boolean isRevoked(String keyId) {
    return revoked.contains(keyId);
  }

  /** The revoked key ids, sorted. */
  public Set<String> revoked() {
    return revoked;
  }

  /** Builds a {@link TrustStore}. */
  public static final class Builder {
    private final Map<String, TrustedKey> keys = new TreeMap<>();
    private final Set<String> revoked = new TreeSet<>();

    private Builder() {}

    /**
     * Adds a key.
     *
     * @throws IllegalArgumentException if a key with the same id was added already
     */
    public Builder add(TrustedKey key) {
      Objects.requireNonNull(key, "key");
      if (keys.putIfAbsent(key.keyId(), key) != null) {
        throw new IllegalArgumentException("key " + key.keyId() + " is added twice");
      }
      return this;
    }

    /** Puts a key id on the revocation list. */
    public Builder revoke(String keyId) {
      if (keyId == null || !keyId.matches("[0-9a-f]{64}")) {
        throw new IllegalArgumentException("a key id is 64 lower-case hex digits, got " + keyId);
      }
      revoked.add(keyId);
      return this;
    }

    /** The store. */
    public TrustStore build() {
      return new TrustStore(keys, revoked);
    }
  }
}
