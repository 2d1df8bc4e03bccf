package pe.agriscore.kafka.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * A single-node KRaft broker (combined broker and controller) running in this JVM on 127.0.0.1,
 * for tests, the local-broker goal and the benchmark. Its ports and storage stay fixed across
 * {@link #stop()} and {@link #start()}, so clients reconnect to the same address after a restart.
 *
 * <pre>{@code
 * try (KafkaBroker broker = KafkaBroker.create(dir)) {
 *   broker.start();
 *   String bootstrap = broker.bootstrapServers();
 * }
 * }</pre>
 */
public final class KafkaBroker implements AutoCloseable {

  private final Path dir;
  private final int port;
  private final int controllerPort;
  private final Map<String, Object> overrides;
  private KafkaRaftServer server;

  private KafkaBroker(Path dir, int port, int controllerPort, Map<String, Object> overrides) {
    this.dir = dir;
    this.port = port;
    this.controllerPort = controllerPort;
    this.overrides = Map.copyOf(overrides);
  }

  /** A broker storing its logs under {@code dir}, on free ports. Formats the storage once. */
  public static KafkaBroker create(Path dir) throws IOException {
    return create(dir, freePort(), freePort());
  }

  /** A broker on the given ports; formats {@code dir} unless it already holds a broker. */
  public static KafkaBroker create(Path dir, int port, int controllerPort) throws IOException {
    return create(dir, port, controllerPort, Map.of());
  }

  /**
   * A broker whose settings are {@link #config()} with {@code overrides} replacing or adding
   * some (further listeners, security settings); {@link #bootstrapServers()} stays the
   * PLAINTEXT listener on {@code port}.
   */
  public static KafkaBroker create(Path dir, int port, int controllerPort,
      Map<String, Object> overrides) throws IOException {
    KafkaBroker broker = new KafkaBroker(dir, port, controllerPort, overrides);
    broker.formatIfNeeded();
    return broker;
  }

  /** {@code 127.0.0.1:port}. */
  public String bootstrapServers() {
    return "127.0.0.1:" + port;
  }

  public int port() {
    return port;
  }

  public int controllerPort() {
    return controllerPort;
  }

  public Path dir() {
    return dir;
  }

  /** The broker's settings; the three single-node settings keep groups and transactions alive. */
  public Map<String, Object> config() {
    Map<String, Object> p = new HashMap<>();
    p.put("process.roles", "broker,controller");
    p.put("node.id", "1");
    p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
    p.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:"
        + controllerPort);
    p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
    p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    p.put("controller.listener.names", "CONTROLLER");
    p.put("inter.broker.listener.name", "PLAINTEXT");
    p.put("log.dirs", logDir().toString());
    p.put("num.partitions", "1");
    p.put("auto.create.topics.enable", "false");
    // Without these a single broker never creates __consumer_offsets or __transaction_state.
    p.put("offsets.topic.replication.factor", "1");
    p.put("offsets.topic.num.partitions", "3");
    p.put("transaction.state.log.replication.factor", "1");
    p.put("transaction.state.log.min.isr", "1");
    p.put("transaction.state.log.num.partitions", "3");
    p.put("group.initial.rebalance.delay.ms", "0");
    p.put("share.coordinator.state.topic.replication.factor", "1");
    p.put("share.coordinator.state.topic.min.isr", "1");
    p.put("log.cleaner.dedupe.buffer.size", "2097152");
    p.put("log.segment.bytes", String.valueOf(64 * 1024 * 1024));
    p.putAll(overrides);
    return p;
  }

  private Path logDir() {
    return dir.resolve("log");
  }

  private void formatIfNeeded() throws IOException {
    if (Files.exists(logDir().resolve("meta.properties"))) {
      return;
    }
    Files.createDirectories(logDir());
    Formatter formatter = new Formatter()
        .setNodeId(1)
        .setClusterId(Uuid.randomUuid().toString())
        .addDirectory(logDir().toString())
        .setMetadataLogDirectory(logDir().toString())
        .setControllerListenerName("CONTROLLER")
        .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
        .setIgnoreFormatted(true)
        .setPrintStream(new PrintStream(OutputStream.nullOutputStream()));
    try {
      formatter.run();
    } catch (Exception e) {
      throw new IOException("could not format the broker storage in " + logDir() + ": " + e, e);
    }
  }

  /** Starts the broker and returns once it listens (clients may still wait for metadata). */
  public synchronized void start() {
    if (server != null) {
      throw new IllegalStateException("already running");
    }
    KafkaRaftServer s = new KafkaRaftServer(new KafkaConfig(config(), false), Time.SYSTEM);
    s.startup();
    server = s;
  }

  /** Controlled shutdown; the storage stays for {@link #start()}. */
  public synchronized void stop() {
    if (server != null) {
      server.shutdown();
      server.awaitShutdown();
      server = null;
    }
  }

  public synchronized boolean isRunning() {
    return server != null;
  }

  @Override
  public void close() {
    stop();
  }

  /** A port that was free a moment ago. */
  public static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress("127.0.0.1", 0));
      return s.getLocalPort();
    }
  }
}
