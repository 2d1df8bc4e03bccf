package pe.agriscore.service;

import jakarta.servlet.http.HttpServletRequest;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * Every refusal as {@code application/problem+json} (RFC 9457): the service's own ({@link
 * ApiProblem}), Spring MVC's (415, 406, 405, 404 and the like) and, as a 500 without any
 * internals, anything unexpected.
 */
@RestControllerAdvice
final class ProblemHandler extends ResponseEntityExceptionHandler {

  private static final Logger LOG = LoggerFactory.getLogger(ProblemHandler.class);

  @ExceptionHandler(ApiProblem.class)
  ResponseEntity<ProblemDetail> apiProblem(ApiProblem p, HttpServletRequest request) {
    ResponseEntity.BodyBuilder r = ResponseEntity.status(p.status())
        .contentType(MediaType.APPLICATION_PROBLEM_JSON);
    if (p.status() == HttpStatus.SERVICE_UNAVAILABLE) {
      r.header(HttpHeaders.RETRY_AFTER, "5");
    }
    return r.body(p.toProblem(request.getRequestURI()));
  }

  @ExceptionHandler(Exception.class)
  ResponseEntity<ProblemDetail> unexpected(Exception e, HttpServletRequest request) {
    // The log keeps the trace for the operator; the caller gets no internals.
    LOG.error("unexpected failure on {} {}", request.getMethod(), request.getRequestURI(), e);
    return ResponseEntity.status(HttpStatus.INTERNAL_SERVER_ERROR)
        .contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .body(ApiProblem.problem(HttpStatus.INTERNAL_SERVER_ERROR, "internal", "Internal error",
            "the service failed unexpectedly; the log has the details", request.getRequestURI(),
            Map.of()));
  }

  @Override
  protected ResponseEntity<Object> handleExceptionInternal(Exception ex, Object body,
      HttpHeaders headers, HttpStatusCode status, WebRequest request) {
    ResponseEntity<Object> r = super.handleExceptionInternal(ex, body, headers, status, request);
    if (r == null || !(r.getBody() instanceof ProblemDetail)) {
      return r;
    }
    HttpHeaders h = new HttpHeaders();
    h.putAll(r.getHeaders());
    h.setContentType(MediaType.APPLICATION_PROBLEM_JSON);
    return new ResponseEntity<>(r.getBody(), h, r.getStatusCode());
  }
}
