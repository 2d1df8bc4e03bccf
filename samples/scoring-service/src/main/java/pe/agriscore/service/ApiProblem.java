package pe.agriscore.service;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;

/**
 * A refusal the service explains with an RFC 9457 problem document: its status, a stable {@code
 * type} ({@code urn:agriscore:problem:<slug>}), a title and a detail in the SDK's words, and
 * extension members such as {@code violations}.
 */
final class ApiProblem extends RuntimeException {

  private final HttpStatus status;
  private final String slug;
  private final String title;
  private final Map<String, Object> properties = new LinkedHashMap<>();

  ApiProblem(HttpStatus status, String slug, String title, String detail) {
    super(detail, null, false, false);
    this.status = status;
    this.slug = slug;
    this.title = title;
  }

  /** Adds an extension member. */
  ApiProblem with(String name, Object value) {
    properties.put(name, value);
    return this;
  }

  HttpStatus status() {
    return status;
  }

  ProblemDetail toProblem(String instance) {
    return problem(status, slug, title, getMessage(), instance, properties);
  }

  static ProblemDetail problem(HttpStatus status, String slug, String title, String detail,
      String instance, Map<String, Object> properties) {
    ProblemDetail p = ProblemDetail.forStatusAndDetail(status, detail);
    p.setType(URI.create("urn:agriscore:problem:" + slug));
    p.setTitle(title);
    if (instance != null) {
      try {
        p.setInstance(URI.create(instance));
      } catch (IllegalArgumentException notAUri) {
        // A path the container let through but URI refuses: the problem goes without it.
      }
    }
    properties.forEach(p::setProperty);
    return p;
  }

  static ApiProblem unknownModel(String name, Iterable<String> served) {
    return new ApiProblem(HttpStatus.NOT_FOUND, "unknown-model", "Unknown model",
        "no model named '" + Safe.text(name) + "' is served; served: " + served);
  }

  static ApiProblem notReady(String what) {
    return new ApiProblem(HttpStatus.SERVICE_UNAVAILABLE, "not-ready", "Not ready", what);
  }

  static ApiProblem tooLarge(String what) {
    return new ApiProblem(HttpStatus.PAYLOAD_TOO_LARGE, "payload-too-large",
        "Payload too large", what);
  }
}
