package pe.agriscore.service;

import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import org.springframework.context.annotation.Profile;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The benchmark's ceiling, only in the {@code bench} profile: {@code POST /bench/fixed} reads
 * the body as the score endpoint does and answers a fixed score document of the same size,
 * through the same filters, security chain and server, so that the difference to {@code
 * /v1/models/{name}/score} is the scoring itself.
 */
@RestController
@Profile("bench")
final class FixedBodyController {

  private final byte[] body;

  FixedBodyController() throws IOException {
    try (InputStream in = FixedBodyController.class.getResourceAsStream(
        "/bench/fixed-score.json")) {
      body = in.readAllBytes();
    }
  }

  @PostMapping(path = "/bench/fixed", consumes = MediaType.APPLICATION_JSON_VALUE,
      produces = MediaType.APPLICATION_JSON_VALUE)
  ResponseEntity<byte[]> fixed(HttpServletRequest request) throws IOException {
    try (InputStream in = request.getInputStream()) {
      in.readNBytes(64 * 1024 + 1);
    }
    return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(body);
  }
}
