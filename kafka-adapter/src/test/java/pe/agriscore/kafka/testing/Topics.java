package pe.agriscore.kafka.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/** Topic set-up and offset look-ups for tests, the local broker and the benchmark. */
public final class Topics {

  private Topics() {}

  public static Admin admin(String bootstrap) {
    return Admin.create(Map.of("bootstrap.servers", bootstrap, "default.api.timeout.ms", "60000",
        "request.timeout.ms", "10000"));
  }

  /**
   * Creates the topics (if absent) and waits until every partition answers a list-offsets
   * request: records produced earlier can be lost (KAFKA-15591).
   */
  public static void create(Admin admin, int partitions, String... names) throws Exception {
    List<NewTopic> topics = new ArrayList<>();
    for (String name : names) {
      topics.add(new NewTopic(name, partitions, (short) 1));
    }
    Map<String, Integer> counts = new HashMap<>();
    for (var e : admin.createTopics(topics).values().entrySet()) {
      try {
        e.getValue().get();
        counts.put(e.getKey(), partitions);
      } catch (ExecutionException ex) {
        if (!(ex.getCause() instanceof TopicExistsException)) {
          throw ex;
        }
        counts.put(e.getKey(), partitionCount(admin, e.getKey()));
      }
    }
    List<TopicPartition> all = new ArrayList<>();
    for (String name : names) {
      awaitLeaders(admin, name, counts.get(name));
      for (int p = 0; p < counts.get(name); p++) {
        all.add(new TopicPartition(name, p));
      }
    }
    awaitListOffsets(admin, all, Duration.ofSeconds(60));
  }

  /** Waits until the broker's metadata shows a leader for every partition of a new topic. */
  private static void awaitLeaders(Admin admin, String topic, int partitions) throws Exception {
    for (int attempt = 1; ; attempt++) {
      try {
        var description = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
        if (description.partitions().size() == partitions
            && description.partitions().stream().allMatch(p -> p.leader() != null)) {
          return;
        }
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
          throw e;
        }
      }
      if (attempt == 100) {
        throw new IllegalStateException("topic " + topic + " has no leaders after 10 s");
      }
      Thread.sleep(100);
    }
  }

  private static void awaitListOffsets(Admin admin, List<TopicPartition> partitions,
      Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    List<TopicPartition> pending = new ArrayList<>(partitions);
    while (!pending.isEmpty()) {
      List<TopicPartition> failed = new ArrayList<>();
      for (TopicPartition tp : pending) {
        try {
          admin.listOffsets(Map.of(tp, OffsetSpec.latest())).all().get();
        } catch (ExecutionException e) {
          failed.add(tp);
        }
      }
      pending = failed;
      if (!pending.isEmpty()) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("partitions " + pending + " never became ready");
        }
        Thread.sleep(100);
      }
    }
  }

  /** The partition count of an existing topic; waits out metadata propagation. */
  public static int partitionCount(Admin admin, String topic) throws Exception {
    for (int attempt = 1; ; attempt++) {
      try {
        return admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions()
            .size();
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || attempt == 50) {
          throw e;
        }
        Thread.sleep(100);
      }
    }
  }

  /** The end offset of every partition of {@code topic}. */
  public static Map<TopicPartition, Long> endOffsets(Admin admin, String topic) throws Exception {
    int n = partitionCount(admin, topic);
    Map<TopicPartition, OffsetSpec> spec = new HashMap<>();
    for (int p = 0; p < n; p++) {
      spec.put(new TopicPartition(topic, p), OffsetSpec.latest());
    }
    Map<TopicPartition, Long> out = new HashMap<>();
    admin.listOffsets(spec).all().get().forEach((tp, info) -> out.put(tp, info.offset()));
    return out;
  }

  /** The group's committed offsets (0 for partitions without one). */
  public static Map<TopicPartition, Long> committed(Admin admin, String group, String topic)
      throws Exception {
    Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group)
        .partitionsToOffsetAndMetadata().get();
    Map<TopicPartition, Long> out = new HashMap<>();
    for (TopicPartition tp : endOffsets(admin, topic).keySet()) {
      OffsetAndMetadata o = offsets.get(tp);
      out.put(tp, o == null ? 0L : o.offset());
    }
    return out;
  }

  public static long sum(Map<TopicPartition, Long> offsets) {
    return offsets.values().stream().mapToLong(Long::longValue).sum();
  }

  /**
   * Waits until the group has committed every record of {@code topic}; tolerates outages. On a
   * timeout the message gives offsets asked for again at that moment, or, if the brokers do not
   * answer then, the last answer labelled with its age and the error since.
   */
  public static void awaitCommittedToEnd(Admin admin, String group, String topic,
      Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    Map<TopicPartition, Long> end = null;
    Map<TopicPartition, Long> committed = null;
    long answeredAt = 0;
    Exception lastError = null;
    while (System.nanoTime() < deadline) {
      try {
        end = endOffsets(admin, topic);
        committed = committed(admin, group, topic);
        answeredAt = System.nanoTime();
        lastError = null;
        if (committed.equals(end)) {
          return;
        }
      } catch (ExecutionException e) {
        // the broker may be restarting
        lastError = e;
      }
      Thread.sleep(200);
    }
    String offsets;
    try {
      offsets = "end " + endOffsets(admin, topic) + ", committed " + committed(admin, group, topic)
          + " (asked at the deadline)";
    } catch (ExecutionException e) {
      offsets = end == null ? "offsets unknown: the brokers never answered (" + e.getCause() + ")"
          : "end " + end + ", committed " + committed + " (STALE: the last answer, "
              + TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - answeredAt) + " s old; asked"
              + " again at the deadline: " + e.getCause() + (lastError == null ? ""
              : "; the last error while waiting: " + lastError.getCause()) + ")";
    }
    // The threads' stacks say where a stuck service waits.
    StringBuilder dump = new StringBuilder();
    Thread.getAllStackTraces().forEach((t, stack) -> {
      if (t.getName().startsWith("agriscore-kafka")) {
        dump.append('\n').append(t.getName()).append(' ').append(t.getState());
        for (StackTraceElement e : stack) {
          dump.append("\n    at ").append(e);
        }
      }
    });
    // And the broker's view of open transactions says what the group waits for.
    try {
      for (var t : admin.listTransactions().all().get()) {
        dump.append("\ntransaction ").append(admin.describeTransactions(
            List.of(t.transactionalId())).all().get());
      }
    } catch (ExecutionException e) {
      dump.append("\ntransactions unknown: ").append(e.getCause());
    }
    // And the coordinator's view of the group: a rebalance in progress, members and what they own.
    try {
      dump.append("\ngroup ").append(admin.describeConsumerGroups(List.of(group)).all().get());
    } catch (ExecutionException e) {
      dump.append("\ngroup unknown: ").append(e.getCause());
    }
    throw new AssertionError("group " + group + " did not commit " + topic + " to its end within "
        + timeout + "; " + offsets + dump);
  }

  /** Sets a topic's max.message.bytes and waits until the broker reports it. */
  public static void setMaxMessageBytes(Admin admin, String topic, int bytes) throws Exception {
    alterConfigs(admin, topic, Map.of("max.message.bytes", String.valueOf(bytes)));
  }

  /** Sets topic configs and waits until the broker reports them, so they apply from now on. */
  public static void alterConfigs(Admin admin, String topic, Map<String, String> configs)
      throws Exception {
    ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
    List<AlterConfigOp> ops = new ArrayList<>();
    configs.forEach((k, v) -> ops.add(new AlterConfigOp(new ConfigEntry(k, v),
        AlterConfigOp.OpType.SET)));
    admin.incrementalAlterConfigs(Map.of(resource, ops)).all().get();
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (true) {
      Config current = admin.describeConfigs(List.of(resource)).all().get().get(resource);
      if (configs.entrySet().stream().allMatch(e -> e.getValue().equals(
          current.get(e.getKey()).value()))) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(topic + " never reported " + configs);
      }
      Thread.sleep(20);
    }
  }
}
