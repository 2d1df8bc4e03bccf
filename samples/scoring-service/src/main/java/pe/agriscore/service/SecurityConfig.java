package pe.agriscore.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.file.Path;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationConverter;
import org.springframework.security.oauth2.server.resource.authentication.JwtGrantedAuthoritiesConverter;
import org.springframework.security.oauth2.server.resource.web.authentication.BearerTokenAuthenticationFilter;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.AccessDeniedHandler;

/**
 * Who may call what. Callers authenticate with an OAuth2 bearer token (a JWT whose signature
 * the configured JWK set verifies, unexpired, with the configured issuer and audience) or an API
 * key; their roles come from the token's roles claim or the key's configuration:
 *
 * <table>
 *   <caption>Roles per endpoint</caption>
 *   <tr><th>endpoint</th><th>roles</th></tr>
 *   <tr><td>{@code POST /v1/models/{name}/score}, {@code score:batch}</td><td>scoring</td></tr>
 *   <tr><td>{@code GET /v1/models}, {@code GET /v1/models/{name}}</td>
 *       <td>scoring, model-admin</td></tr>
 *   <tr><td>{@code /actuator/health/**}, {@code /actuator/prometheus}, {@code
 *       /v1/openapi.yaml}</td><td>none (probes, scrapers and integrators)</td></tr>
 * </table>
 *
 * <p>No credentials: 401 with {@code WWW-Authenticate}; credentials without the role: 403; both
 * as problem documents.
 */
@Configuration
class SecurityConfig {

  @Bean
  SecurityFilterChain api(HttpSecurity http, SecurityProperties security, ObjectMapper json,
      java.util.Optional<JwtDecoder> jwt) throws Exception {
    AuthenticationEntryPoint unauthorized = (request, response, e) -> write(json, response,
        HttpStatus.UNAUTHORIZED, "unauthorized", "Unauthorized",
        "the request needs valid credentials: a bearer token or an API key ("
            + security.apiKeyHeader() + ")", request.getRequestURI(),
        jwt.isPresent() ? "Bearer realm=\"agriscore\"" : "ApiKey header=\""
            + security.apiKeyHeader() + "\"");
    AccessDeniedHandler forbidden = (request, response, e) -> write(json, response,
        HttpStatus.FORBIDDEN, "forbidden", "Forbidden",
        "the caller's roles do not include one this endpoint needs", request.getRequestURI(),
        null);
    http.csrf(c -> c.disable())
        .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
        .requestCache(c -> c.disable())
        .formLogin(f -> f.disable())
        .httpBasic(b -> b.disable())
        .logout(l -> l.disable())
        .exceptionHandling(e -> e.authenticationEntryPoint(unauthorized)
            .accessDeniedHandler(forbidden))
        .authorizeHttpRequests(a -> a
            .requestMatchers("/actuator/health", "/actuator/health/**", "/actuator/prometheus",
                "/v1/openapi.yaml", "/error").permitAll()
            .requestMatchers(HttpMethod.POST, "/v1/models/*/score", "/v1/models/*/score:batch")
            .hasRole(Roles.SCORING)
            .requestMatchers(HttpMethod.GET, "/v1/models", "/v1/models/*")
            .hasAnyRole(Roles.SCORING, Roles.MODEL_ADMIN)
            // Only in the bench profile: the same role as scoring, for the same chain's cost.
            .requestMatchers(HttpMethod.POST, "/bench/fixed").hasRole(Roles.SCORING)
            .anyRequest().authenticated());
    if (!security.apiKeys().isEmpty()) {
      http.addFilterBefore(new ApiKeyFilter(security, unauthorized),
          BearerTokenAuthenticationFilter.class);
    }
    if (jwt.isPresent()) {
      JwtGrantedAuthoritiesConverter roles = new JwtGrantedAuthoritiesConverter();
      roles.setAuthoritiesClaimName(security.rolesClaim());
      roles.setAuthorityPrefix("ROLE_");
      JwtAuthenticationConverter converter = new JwtAuthenticationConverter();
      converter.setJwtGrantedAuthoritiesConverter(roles);
      http.oauth2ResourceServer(o -> o.jwt(j -> j.decoder(jwt.get())
              .jwtAuthenticationConverter(converter))
          .authenticationEntryPoint(unauthorized).accessDeniedHandler(forbidden));
    }
    return http.build();
  }

  /** The bearer-token decoder, when {@code agriscore.security.jwk-set} names the keys. */
  @Bean
  @org.springframework.boot.autoconfigure.condition.ConditionalOnExpression(
      "'${agriscore.security.jwk-set:}' != ''")
  JwtDecoder jwtDecoder(SecurityProperties security) throws IOException, ParseException {
    String where = security.jwkSet();
    NimbusJwtDecoder decoder;
    if (where.startsWith("https://") || where.startsWith("http://")) {
      decoder = NimbusJwtDecoder.withJwkSetUri(where)
          .jwsAlgorithms(a -> a.addAll(List.of(
              org.springframework.security.oauth2.jose.jws.SignatureAlgorithm.RS256,
              org.springframework.security.oauth2.jose.jws.SignatureAlgorithm.ES256)))
          .build();
    } else {
      JWKSet keys = JWKSet.load(Path.of(where).toFile());
      DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
      processor.setJWSKeySelector(new JWSVerificationKeySelector<>(
          Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256), new ImmutableJWKSet<>(keys)));
      // Claims are checked by the validators below, with Spring Security's error wording.
      processor.setJWTClaimsSetVerifier((claims, context) -> { });
      decoder = new NimbusJwtDecoder(processor);
    }
    List<OAuth2TokenValidator<Jwt>> validators = new ArrayList<>();
    validators.add(security.issuer().isEmpty() ? JwtValidators.createDefault()
        : JwtValidators.createDefaultWithIssuer(security.issuer()));
    if (!security.audience().isEmpty()) {
      validators.add(token -> token.getAudience() != null
          && token.getAudience().contains(security.audience())
          ? OAuth2TokenValidatorResult.success()
          : OAuth2TokenValidatorResult.failure(new OAuth2Error("invalid_token",
              "the token is not for audience " + security.audience(), null)));
    }
    decoder.setJwtValidator(new DelegatingOAuth2TokenValidator<>(validators));
    return decoder;
  }

  static void write(ObjectMapper json, HttpServletResponse response, HttpStatus status,
      String slug, String title, String detail, String instance, String challenge)
      throws IOException {
    response.setStatus(status.value());
    response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
    if (challenge != null) {
      response.setHeader("WWW-Authenticate", challenge);
    }
    json.writeValue(response.getOutputStream(),
        ApiProblem.problem(status, slug, title, detail, instance, Map.of()));
  }
}
