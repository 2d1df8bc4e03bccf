package pe.agriscore.service;

import java.io.IOException;
import java.io.InputStream;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** Serves the committed OpenAPI 3.1 document ({@code src/main/resources/openapi.yaml}). */
@RestController
final class OpenApiController {

  static final String RESOURCE = "/openapi.yaml";
  private static final MediaType YAML = MediaType.parseMediaType("application/yaml");

  private final byte[] document;

  OpenApiController() throws IOException {
    try (InputStream in = OpenApiController.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing from the service's jar");
      }
      document = in.readAllBytes();
    }
  }

  @GetMapping("/v1/openapi.yaml")
  ResponseEntity<byte[]> openApi() {
    return ResponseEntity.ok().contentType(YAML).body(document);
  }
}
