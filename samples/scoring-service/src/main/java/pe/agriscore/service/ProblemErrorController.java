package pe.agriscore.service;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Map;
import org.springframework.boot.web.servlet.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The servlet container's error page ({@code /error}: failures outside Spring MVC, such as a
 * refused request line) as a problem document instead of Spring Boot's default body, never with
 * an exception or a trace.
 */
@RestController
final class ProblemErrorController implements ErrorController {

  @RequestMapping(path = "/error", produces = {MediaType.APPLICATION_PROBLEM_JSON_VALUE,
      MediaType.APPLICATION_JSON_VALUE, MediaType.ALL_VALUE})
  ResponseEntity<ProblemDetail> error(HttpServletRequest request) {
    Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
    HttpStatus status = code instanceof Integer i && HttpStatus.resolve(i) != null
        ? HttpStatus.valueOf(i) : HttpStatus.INTERNAL_SERVER_ERROR;
    Object uri = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
    return ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .body(ApiProblem.problem(status, "http-" + status.value(), status.getReasonPhrase(),
            "the request was refused: " + status.getReasonPhrase(),
            uri instanceof String s ? Safe.text(s) : null, Map.of()));
  }
}
