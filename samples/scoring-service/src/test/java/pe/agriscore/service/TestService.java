package pe.agriscore.service;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * One real service on 127.0.0.1 and a random port, started once per test class, with a real
 * {@code java.net.http} client; {@link #close} stops it (graceful shutdown) and deletes the
 * temp dir.
 */
final class TestService implements AutoCloseable {

  static final ObjectMapper JSON = new ObjectMapper();
  /** The API key every role; its SHA-256 is configured by {@link #properties}. */
  static final String ALL_ROLES_KEY = "test-key-all-roles";
  static final Path MODELS = Path.of("../models");
  /** The DEMO trust store whose two keys signed the reference bundles. */
  static final Path DEMO_KEYS = Path.of("../keys");
  static final Duration TIMEOUT = Duration.ofSeconds(30);

  final ConfigurableApplicationContext context;
  final URI base;
  final HttpClient http;
  /** Tomcat's base directory (else Spring Boot makes a tomcat.* directory in /tmp per start). */
  private final Path tomcatDir;

  private TestService(ConfigurableApplicationContext context, URI base, HttpClient http,
      Path tomcatDir) {
    this.context = context;
    this.base = base;
    this.http = http;
    this.tomcatDir = tomcatDir;
  }

  /** Default properties: plain HTTP, one API key with every role, the given bundles. */
  static Map<String, Object> properties(List<Path> bundles) {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("spring.profiles.active", "test");
    p.put("server.address", "127.0.0.1");
    p.put("server.port", "0");
    p.put("agriscore.service.models", String.join(",",
        bundles.stream().map(b -> b.toAbsolutePath().toString()).toList()));
    // The test bundles are unsigned; TrustedBundlesTest runs the shipped four-eyes policy.
    p.put("agriscore.trust.policy", "unsigned-allowed");
    p.put("agriscore.security.api-keys.all.sha256", sha256(ALL_ROLES_KEY));
    p.put("agriscore.security.api-keys.all.roles", "scoring,model-admin,auditor");
    return p;
  }

  /** Starts the service and waits (bounded) until it is ready, or fails if it is not. */
  static TestService start(Map<String, Object> properties, boolean https, SSLContext ssl)
      throws Exception {
    return start(properties, https, ssl, true);
  }

  static TestService start(Map<String, Object> properties, boolean https, SSLContext ssl,
      boolean awaitReady) throws Exception {
    Map<String, Object> all = new LinkedHashMap<>(properties);
    Path tomcatDir = null;
    if (!all.containsKey("server.tomcat.basedir")) {
      tomcatDir = Files.createTempDirectory("scoring-service-tomcat");
      all.put("server.tomcat.basedir", tomcatDir.toString());
    }
    // As command-line arguments, so that they win over application.yml (its port included).
    String[] args = all.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue())
        .toArray(String[]::new);
    SpringApplication app = new SpringApplicationBuilder(ScoringServiceApplication.class).build();
    ConfigurableApplicationContext context = app.run(args);
    int port = ((WebServerApplicationContext) context).getWebServer().getPort();
    URI base = URI.create((https ? "https" : "http") + "://127.0.0.1:" + port);
    HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10));
    if (ssl != null) {
      b.sslContext(ssl);
    }
    TestService s = new TestService(context, base, b.build(), tomcatDir);
    if (awaitReady) {
      s.awaitReady();
    }
    return s;
  }

  void awaitReady() throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    while (System.nanoTime() < deadline) {
      if (get("/actuator/health/readiness", null).statusCode() == 200) {
        return;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("the service did not become ready within 3 minutes");
  }

  HttpResponse<String> get(String path, String apiKey) throws IOException, InterruptedException {
    HttpRequest.Builder r = HttpRequest.newBuilder(base.resolve(path)).timeout(TIMEOUT).GET();
    if (apiKey != null) {
      r.header("X-API-Key", apiKey);
    }
    return http.send(r.build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> post(String path, byte[] body, String... headers)
      throws IOException, InterruptedException {
    HttpRequest.Builder r = HttpRequest.newBuilder(base.resolve(path)).timeout(TIMEOUT)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    boolean typed = false;
    for (int i = 0; i < headers.length; i += 2) {
      r.header(headers[i], headers[i + 1]);
      typed |= headers[i].equalsIgnoreCase("Content-Type");
    }
    if (!typed) {
      r.header("Content-Type", "application/json");
    }
    return http.send(r.build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> score(String model, byte[] body, String... headers)
      throws IOException, InterruptedException {
    return post("/v1/models/" + model + "/score", body, withKey(headers));
  }

  static String[] withKey(String... headers) {
    String[] h = new String[headers.length + 2];
    h[0] = "X-API-Key";
    h[1] = ALL_ROLES_KEY;
    System.arraycopy(headers, 0, h, 2, headers.length);
    return h;
  }

  static JsonNode json(HttpResponse<String> r) throws IOException {
    return JSON.readTree(r.body());
  }

  /** Asserts a problem document of {@code status} without any trace of Java internals. */
  static JsonNode problem(HttpResponse<String> r, int status) throws IOException {
    assertEquals(status, r.statusCode(), r.body());
    assertEquals("application/problem+json",
        r.headers().firstValue("Content-Type").orElse(""), r.body());
    JsonNode p = json(r);
    assertEquals(status, p.path("status").asInt(), r.body());
    assertNoInternals(r.body());
    return p;
  }

  /** No stack trace, exception class or framework package in a body. */
  static void assertNoInternals(String body) {
    for (String s : List.of("\tat ", "Exception", "java.", "org.springframework", "jakarta.",
        "stack")) {
      if (body.contains(s)) {
        throw new AssertionError("the body shows internals ('" + s + "'): " + body);
      }
    }
  }

  static String sha256(String key) {
    return java.util.HexFormat.of().formatHex(ApiKeyFilter.sha256(key));
  }

  @Override
  public void close() {
    context.close();
    try {
      delete(tomcatDir);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Deletes a temp dir tree. */
  static void delete(Path dir) throws IOException {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      List<Path> all = new ArrayList<>(files.sorted(Comparator.reverseOrder()).toList());
      for (Path p : all) {
        Files.delete(p);
      }
    }
  }
}
