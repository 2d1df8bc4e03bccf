package pe.agriscore.service;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings under {@code agriscore.security} (environment variables {@code
 * AGRISCORE_SECURITY_...}): who may call.
 *
 * @param jwkSet where the JWT signing keys are: an {@code http(s)} URL of a JWK set, or a
 *     JWK set file path; empty turns bearer tokens off
 * @param issuer when set, tokens must carry this {@code iss}
 * @param audience when set, tokens must list this {@code aud}
 * @param rolesClaim the token claim that lists the caller's roles (default {@code roles})
 * @param apiKeyHeader the header an API key comes in (default {@code X-API-Key})
 * @param apiKeys named API keys: the SHA-256 (hex) of each key and its roles
 */
@ConfigurationProperties("agriscore.security")
public record SecurityProperties(
    @DefaultValue("") String jwkSet,
    @DefaultValue("") String issuer,
    @DefaultValue("") String audience,
    @DefaultValue("roles") String rolesClaim,
    @DefaultValue("X-API-Key") String apiKeyHeader,
    Map<String, ApiKey> apiKeys) {

  /** Validates. */
  public SecurityProperties {
    apiKeys = Map.copyOf(Objects.requireNonNullElse(apiKeys, Map.of()));
    if (jwkSet.isBlank() && apiKeys.isEmpty()) {
      throw new IllegalArgumentException("no caller can authenticate: set agriscore.security"
          + ".jwk-set (AGRISCORE_SECURITY_JWK_SET) or at least one agriscore.security.api-keys"
          + " entry");
    }
  }

  /**
   * One API key.
   *
   * @param sha256 the SHA-256 of the key, lower-case hex (the key itself is never configured)
   * @param roles the roles it grants
   */
  public record ApiKey(String sha256, List<String> roles) {
    /** Validates. */
    public ApiKey {
      if (sha256 == null || !sha256.matches("[0-9a-f]{64}")) {
        throw new IllegalArgumentException("an api key's sha256 must be 64 lower-case hex"
            + " digits");
      }
      roles = List.copyOf(Objects.requireNonNullElse(roles, List.of()));
      for (String r : roles) {
        Roles.require(r);
      }
    }
  }
}
