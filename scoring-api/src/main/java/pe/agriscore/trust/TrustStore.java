package pe.agriscore.trust;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import pe.agriscore.internal.Json;

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
 *
 * <p>Or from a file a risk office keeps ({@link #read(Path)}):
 *
 * <pre>{@code
 * { "keys" : [ { "owner" : "model-risk@bank.pe", "roles" : [ "approver" ],
 *                "notBefore" : "2026-01-01T00:00:00Z", "notAfter" : "2027-01-01T00:00:00Z",
 *                "publicKey" : "-----BEGIN PUBLIC KEY-----\nMFkw...\n-----END PUBLIC KEY-----\n" } ],
 *   "revoked" : [ "3b1e...64 hex digits" ] }
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

  /**
   * Reads a trust store file (UTF-8 JSON, format above; {@code notBefore}, {@code notAfter},
   * {@code revoked} and a {@code keyId} that must match the key are optional).
   *
   * @throws IllegalArgumentException naming the file and what is wrong in it
   * @throws IOException if the file cannot be read
   */
  public static TrustStore read(Path file) throws IOException {
    String name = file.getFileName() == null ? file.toString() : file.getFileName().toString();
    try {
      return fromJson(Files.readString(file, StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(name + ": " + e.getMessage(), e);
    }
  }

  /**
   * Parses a trust store's JSON text.
   *
   * @throws IllegalArgumentException saying which entry and field is wrong
   */
  public static TrustStore fromJson(String json) {
    JsonNode root;
    try {
      root = Json.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not valid JSON: " + Json.describe(e), e);
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException("a trust store is a JSON object with 'keys'");
    }
    unknown(root, "the trust store", Set.of("keys", "revoked"));
    JsonNode keys = root.get("keys");
    if (keys == null || !keys.isArray()) {
      throw new IllegalArgumentException("'keys' must be an array");
    }
    Builder b = builder();
    for (int i = 0; i < keys.size(); i++) {
      String at = "keys[" + i + "]";
      JsonNode k = keys.get(i);
      if (!k.isObject()) {
        throw new IllegalArgumentException(at + " must be an object");
      }
      unknown(k, at, Set.of("keyId", "owner", "roles", "notBefore", "notAfter", "publicKey"));
      try {
        PublicKey key = Pem.readPublicKey(text(k, "publicKey", true));
        Set<String> roles = new TreeSet<>();
        JsonNode r = k.get("roles");
        if (r == null || !r.isArray()) {
          throw new IllegalArgumentException("'roles' must be an array of strings");
        }
        for (JsonNode role : r) {
          if (!role.isTextual()) {
            throw new IllegalArgumentException("'roles' must be an array of strings");
          }
          roles.add(role.textValue());
        }
        TrustedKey trusted = TrustedKey.of(key, text(k, "owner", true), roles,
            instant(k, "notBefore"), instant(k, "notAfter"));
        String id = text(k, "keyId", false);
        if (id != null && !id.equals(trusted.keyId())) {
          throw new IllegalArgumentException("'keyId' " + id + " is not the id of its publicKey ("
              + trusted.keyId() + ")");
        }
        b.add(trusted);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(at + ": " + e.getMessage(), e);
      }
    }
    JsonNode revoked = root.get("revoked");
    if (revoked != null) {
      if (!revoked.isArray()) {
        throw new IllegalArgumentException("'revoked' must be an array of key ids");
      }
      for (JsonNode id : revoked) {
        b.revoke(id.isTextual() ? id.textValue() : id.toString());
      }
    }
    return b.build();
  }

  private static void unknown(JsonNode object, String at, Set<String> known) {
    for (var it = object.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!known.contains(f)) {
        throw new IllegalArgumentException(at + ": unknown property '" + f + "' (known: "
            + new TreeSet<>(known) + ")");
      }
    }
  }

  private static String text(JsonNode object, String field, boolean required) {
    JsonNode n = object.get(field);
    if (n == null || n.isNull()) {
      if (required) {
        throw new IllegalArgumentException("'" + field + "' is required");
      }
      return null;
    }
    if (!n.isTextual()) {
      throw new IllegalArgumentException("'" + field + "' must be a string");
    }
    return n.textValue();
  }

  private static Instant instant(JsonNode object, String field) {
    String text = text(object, field, false);
    try {
      return text == null ? null : Instant.parse(text);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("'" + field + "' must be an ISO-8601 instant such as"
          + " 2027-01-01T00:00:00Z", e);
    }
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
