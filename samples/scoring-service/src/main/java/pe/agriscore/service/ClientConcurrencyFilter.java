package pe.agriscore.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.http.HttpStatus;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * At most {@code agriscore.service.max-concurrent-per-client} requests under {@code /v1/} in
 * progress per client, so that one caller cannot take every server thread: the client is the
 * authenticated principal (an API key's name, a token's subject), else the remote address. One
 * more is refused at once with a 429 {@code too-many-requests} problem and {@code Retry-After}.
 * Runs after Spring Security's filters, which have authenticated the request (or refused it).
 */
@Component
final class ClientConcurrencyFilter extends OncePerRequestFilter {

  /** Seconds a refused client is asked to wait. */
  static final String RETRY_AFTER = "1";

  private final int max;
  private final ObjectMapper json;
  /** Requests in progress per client; an entry is removed when its count returns to zero. */
  private final Map<String, Integer> inProgress = new ConcurrentHashMap<>();

  ClientConcurrencyFilter(ServiceProperties props, ObjectMapper json) {
    this.max = props.maxConcurrentPerClient();
    this.json = json;
  }

  @Override
  protected boolean shouldNotFilter(HttpServletRequest request) {
    return !request.getRequestURI().startsWith("/v1/");
  }

  @Override
  protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response,
      FilterChain chain) throws ServletException, IOException {
    String client = client(request);
    boolean[] admitted = new boolean[1];
    inProgress.compute(client, (k, n) -> {
      int count = n == null ? 0 : n;
      admitted[0] = count < max;
      return admitted[0] ? count + 1 : n;
    });
    if (!admitted[0]) {
      response.setHeader("Retry-After", RETRY_AFTER);
      SecurityConfig.write(json, response, HttpStatus.TOO_MANY_REQUESTS, "too-many-requests",
          "Too many requests", "this client already has " + max + " requests in progress"
              + " (agriscore.service.max-concurrent-per-client); retry after " + RETRY_AFTER
              + " s", request.getRequestURI(), null);
      return;
    }
    try {
      chain.doFilter(request, response);
    } finally {
      inProgress.computeIfPresent(client, (k, n) -> n <= 1 ? null : n - 1);
    }
  }

  private static String client(HttpServletRequest request) {
    Authentication a = SecurityContextHolder.getContext().getAuthentication();
    if (a != null && a.isAuthenticated() && !(a instanceof AnonymousAuthenticationToken)) {
      return "principal:" + a.getName();
    }
    return "address:" + request.getRemoteAddr();
  }
}
