package pe.agriscore.service;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.UUID;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Gives every request an id and writes the access log: one ECS line per request (logger {@code
 * pe.agriscore.service.access}) with method, path, status, duration, request id and, for scoring
 * calls, the model and outcome. Never a query string, header value or body.
 *
 * <p>The request id is the caller's {@code X-Request-Id} when it is 1 to 64 characters of {@code
 * [A-Za-z0-9._:-]}, else the trace id of a valid W3C {@code traceparent}, else a new UUID; it is
 * sent back as {@code X-Request-Id} and is in every log line of the request ({@code
 * http.request.id}; {@code trace.id} too when a traceparent came).
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
final class RequestLogFilter extends OncePerRequestFilter {

  static final String REQUEST_ID = "X-Request-Id";

  private static final Logger ACCESS = LoggerFactory.getLogger("pe.agriscore.service.access");
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9._:-]{1,64}");
  private static final Pattern TRACEPARENT =
      Pattern.compile("[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}");

  @Override
  protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response,
      FilterChain chain) throws ServletException, IOException {
    long start = System.nanoTime();
    String traceId = traceId(request.getHeader("traceparent"));
    String given = request.getHeader(REQUEST_ID);
    String id = given != null && ID.matcher(given).matches() ? given
        : traceId != null ? traceId : UUID.randomUUID().toString();
    MDC.put("http.request.id", id);
    if (traceId != null) {
      MDC.put("trace.id", traceId);
    }
    response.setHeader(REQUEST_ID, id);
    try {
      chain.doFilter(request, response);
    } finally {
      long nanos = System.nanoTime() - start;
      var line = ACCESS.atInfo()
          .addKeyValue("http.request.method", request.getMethod())
          .addKeyValue("url.path", Safe.text(request.getRequestURI()))
          .addKeyValue("http.response.status_code", response.getStatus())
          .addKeyValue("event.duration", nanos);
      if (request.getAttribute(ScoringController.ATTR_MODEL) instanceof ServedModel m) {
        line = line.addKeyValue("agriscore.model.name", m.description().name())
            .addKeyValue("agriscore.model.version", m.description().version());
      }
      if (request.getAttribute(ScoringController.ATTR_OUTCOME) instanceof String outcome) {
        line = line.addKeyValue("agriscore.outcome", outcome);
      }
      line.addKeyValue("event.outcome", response.getStatus() < 400 ? "success" : "failure")
          .log("{} {} {}", request.getMethod(), Safe.text(request.getRequestURI()),
              response.getStatus());
      MDC.remove("http.request.id");
      MDC.remove("trace.id");
    }
  }

  private static String traceId(String traceparent) {
    if (traceparent == null) {
      return null;
    }
    var m = TRACEPARENT.matcher(traceparent.strip());
    // An all-zero trace id is invalid (W3C Trace Context).
    return m.matches() && !m.group(1).matches("0+") ? m.group(1) : null;
  }
}
