package pe.agriscore.deployment.logging;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.BindException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.opensearch.common.settings.Settings;
import org.opensearch.http.HttpServerTransport;
import org.opensearch.node.InternalSettingsPreparer;
import org.opensearch.node.Node;
import org.opensearch.plugins.Plugin;
import org.opensearch.transport.Netty4Plugin;

/**
 * A real OpenSearch node in this JVM: one node of its own cluster, data and logs under {@code
 * home}, HTTP (Netty) on 127.0.0.1 and a free port, spoken to over that HTTP API only, as Fluent
 * Bit and an operator would. {@link #close} stops it.
 *
 * <pre>{@code
 * try (OpenSearchNode node = OpenSearchNode.start(tmp.resolve("opensearch"))) {
 *   JsonNode info = node.call("GET", "/", null).body();
 * }
 * }</pre>
 */
final class OpenSearchNode implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** The HTTP API's address, {@code http://127.0.0.1:<port>}. */
  final URI base;
  /** How long {@link #start} took, from settings to a node answering HTTP. */
  final Duration startedIn;
  private final Node node;
  private final HttpClient http = HttpClient.newHttpClient();

  /** A status and its JSON body. */
  record Response(int status, JsonNode body) {}

  /** The server's {@code Node} with classpath plugins, as its test framework's MockNode. */
  private static final class PluginNode extends Node {
    PluginNode(Settings settings, Collection<Class<? extends Plugin>> plugins) {
      super(InternalSettingsPreparer.prepareEnvironment(settings, Map.of(), null,
          () -> settings.get("node.name")), plugins, true);
    }
  }

  private OpenSearchNode(Node node, URI base, Duration startedIn) {
    this.node = node;
    this.base = base;
    this.startedIn = startedIn;
  }

  /**
   * Starts a node with its files under {@code home} and returns once its HTTP API answers. Where
   * it cannot start for a reason of this machine (no port to bind on 127.0.0.1, a file system
   * that refuses its files) the test is skipped, except under CI ({@code CI} set): failed.
   */
  static OpenSearchNode start(Path home) throws Exception {
    // JNA's native stub goes to the temp dir, not to ~/.cache.
    System.setProperty("jna.tmpdir", home.resolve("jna").toString());
    long t0 = System.nanoTime();
    Settings settings = Settings.builder()
        .put("cluster.name", "agriscore-logging-test")
        .put("node.name", "logging-test")
        .put("path.home", home.toString())
        .put("network.host", "127.0.0.1")
        .put("http.port", "0")
        .put("transport.port", "0")
        .put("discovery.type", "single-node")
        .put("http.type", "netty4")
        .put("transport.type", "netty4")
        // The disk is shared with other builds: its fill level must not block the indices.
        .put("cluster.routing.allocation.disk.threshold_enabled", false)
        .build();
    Node node = new PluginNode(settings, List.of(Netty4Plugin.class));
    try {
      node.start();
    } catch (Exception e) {
      node.close();
      skipIfEnvironmental(e);
      throw e;
    }
    HttpServerTransport transport = node.injector().getInstance(HttpServerTransport.class);
    URI base = URI.create("http://" + transport.boundAddress().publishAddress());
    OpenSearchNode started = new OpenSearchNode(node, base, Duration.ofNanos(System.nanoTime() - t0));
    started.call("GET", "/_cluster/health?wait_for_status=green&timeout=60s", null);
    return started;
  }

  private static void skipIfEnvironmental(Exception e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof BindException || t instanceof FileSystemException) {
        String why = "the OpenSearch node cannot start on this machine: " + t;
        if (System.getenv("CI") != null) {
          fail(why + " (CI is set, so this test may not be skipped)", e);
        }
        Assumptions.abort(why);
      }
    }
  }

  /**
   * One HTTP call; {@code body} (JSON, or NDJSON for {@code _bulk}) may be null. A status of 500
   * or more fails the test; others are returned.
   */
  Response call(String method, String path, String body) throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path))
        .timeout(Duration.ofSeconds(60));
    if (body == null) {
      b.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      String type = path.contains("_bulk") ? "application/x-ndjson" : "application/json";
      b.header("Content-Type", type).method(method, HttpRequest.BodyPublishers.ofString(body));
    }
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() >= 500) {
      fail(method + " " + path + ": " + r.statusCode() + " " + r.body());
    }
    return new Response(r.statusCode(), JSON.readTree(r.body()));
  }

  /** Stops the node and waits (at most 60 s) until it has closed its files. */
  @Override
  public void close() throws Exception {
    node.close();
    if (!node.awaitClose(60, TimeUnit.SECONDS)) {
      fail("the OpenSearch node did not stop within 60 s");
    }
  }
}
