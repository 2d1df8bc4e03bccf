package pe.agriscore.service;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Authenticates a request that carries an API key header: the key's SHA-256 is compared, in
 * constant time, with every configured one; a match grants that key's roles, a mismatch is a 401.
 * Requests without the header go on to the bearer-token check.
 */
final class ApiKeyFilter extends OncePerRequestFilter {

  private final String header;
  private final Map<String, SecurityProperties.ApiKey> keys;
  private final AuthenticationEntryPoint unauthorized;

  ApiKeyFilter(SecurityProperties security, AuthenticationEntryPoint unauthorized) {
    this.header = security.apiKeyHeader();
    this.keys = security.apiKeys();
    this.unauthorized = unauthorized;
  }

  @Override
  protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response,
      FilterChain chain) throws ServletException, IOException {
    String key = request.getHeader(header);
    if (key == null) {
      chain.doFilter(request, response);
      return;
    }
    byte[] digest = sha256(key);
    String matched = null;
    for (Map.Entry<String, SecurityProperties.ApiKey> e : keys.entrySet()) {
      // No early exit: every key is compared, so timing does not tell which one nearly matched.
      if (MessageDigest.isEqual(digest, HexFormat.of().parseHex(e.getValue().sha256()))) {
        matched = e.getKey();
      }
    }
    if (matched == null) {
      SecurityContextHolder.clearContext();
      unauthorized.commence(request, response, new BadCredentialsException("unknown API key"));
      return;
    }
    List<SimpleGrantedAuthority> roles = keys.get(matched).roles().stream()
        .map(r -> new SimpleGrantedAuthority("ROLE_" + r)).toList();
    var context = SecurityContextHolder.createEmptyContext();
    context.setAuthentication(
        UsernamePasswordAuthenticationToken.authenticated("api-key:" + matched, null, roles));
    SecurityContextHolder.setContext(context);
    try {
      chain.doFilter(request, response);
    } finally {
      SecurityContextHolder.clearContext();
    }
  }

  static byte[] sha256(String key) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
