package pe.agriscore.deployment;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * A single-node KRaft broker (broker and controller) in the test JVM on 127.0.0.1, with the
 * single-node settings that keep groups and transactions alive (as kafka-adapter's tests run
 * one), and the worker's three topics.
 */
final class Broker implements AutoCloseable {

  static final String INPUT = "loan-applications";
  static final String OUTPUT = "loan-scores";
  static final String DEAD_LETTERS = "loan-applications-dlq";

  private final KafkaRaftServer server;
  final String bootstrap;

  private Broker(KafkaRaftServer server, String bootstrap) {
    this.server = server;
    this.bootstrap = bootstrap;
  }

  static Broker start(Path dir) throws Exception {
    int port = ChildJvm.freePort();
    int controller = ChildJvm.freePort();
    Path log = Files.createDirectories(dir.resolve("log"));
    new Formatter().setNodeId(1).setClusterId(Uuid.randomUuid().toString())
        .addDirectory(log.toString()).setMetadataLogDirectory(log.toString())
        .setControllerListenerName("CONTROLLER")
        .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
        .setPrintStream(new PrintStream(OutputStream.nullOutputStream())).run();
    Map<String, Object> p = new HashMap<>();
    p.put("process.roles", "broker,controller");
    p.put("node.id", "1");
    p.put("controller.quorum.voters", "1@127.0.0.1:" + controller);
    p.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controller);
    p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
    p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    p.put("controller.listener.names", "CONTROLLER");
    p.put("inter.broker.listener.name", "PLAINTEXT");
    p.put("log.dirs", log.toString());
    p.put("auto.create.topics.enable", "false");
    p.put("offsets.topic.replication.factor", "1");
    p.put("offsets.topic.num.partitions", "1");
    p.put("transaction.state.log.replication.factor", "1");
    p.put("transaction.state.log.min.isr", "1");
    p.put("transaction.state.log.num.partitions", "1");
    p.put("group.initial.rebalance.delay.ms", "0");
    p.put("share.coordinator.state.topic.replication.factor", "1");
    p.put("share.coordinator.state.topic.min.isr", "1");
    p.put("log.cleaner.dedupe.buffer.size", "2097152");
    KafkaRaftServer server = new KafkaRaftServer(new KafkaConfig(p, false), Time.SYSTEM);
    server.startup();
    Broker b = new Broker(server, "127.0.0.1:" + port);
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", b.bootstrap))) {
      admin.createTopics(List.of(new NewTopic(INPUT, 2, (short) 1),
          new NewTopic(OUTPUT, 2, (short) 1), new NewTopic(DEAD_LETTERS, 2, (short) 1)))
          .all().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      b.close();
      throw e;
    }
    return b;
  }

  @Override
  public void close() {
    server.shutdown();
    server.awaitShutdown();
  }
}
