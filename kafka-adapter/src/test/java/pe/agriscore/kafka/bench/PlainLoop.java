package pe.agriscore.kafka.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import pe.agriscore.CreditScorer;
import pe.agriscore.kafka.DeliveryMode;
import pe.agriscore.scoring.ScoringJson;
import pe.agriscore.scoring.ScoringRequest;
import pe.agriscore.scoring.ScoringResult;

/**
 * The baselines of the benchmark: the textbook consume-transform-produce loop with the same
 * delivery mode and poll settings as the scoring service, one thread doing everything in turn.
 * With a {@link CreditScorer} its transform is what a developer would write by hand (parse every
 * request, one {@code scoreAll} per poll, write every score), so the service's figure against it
 * is what the adapter's machinery costs or saves: the scoring thread, dead-letter handling,
 * pause/resume, metrics and the overlap of scoring with writing. Without a scorer the transform
 * only checks the request is JSON and writes a fixed small score: the ceiling this broker puts
 * on any loop.
 */
final class PlainLoop implements Runnable, AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final byte[] FIXED = "{\"type\":\"score\",\"points\":600,\"grade\":\"C\"}"
      .getBytes(StandardCharsets.UTF_8);

  private final KafkaConsumer<byte[], byte[]> consumer;
  private final KafkaProducer<byte[], byte[]> producer;
  private final String input;
  private final String output;
  private final boolean transactional;
  private final CreditScorer scorer;
  private final AtomicLong committed = new AtomicLong();
  private volatile boolean stop;

  /**
   * A loop over {@code input}.
   *
   * @param scorer scores every request, or null to forward a fixed score
   */
  PlainLoop(String bootstrap, String group, String input, String output, DeliveryMode mode,
      int maxPollRecords, CreditScorer scorer) {
    this.scorer = scorer;
    this.input = input;
    this.output = output;
    this.transactional = mode == DeliveryMode.EXACTLY_ONCE;
    Map<String, Object> c = new HashMap<>();
    c.put("bootstrap.servers", bootstrap);
    c.put("group.id", group);
    c.put("enable.auto.commit", "false");
    c.put("isolation.level", "read_committed");
    c.put("auto.offset.reset", "earliest");
    c.put("max.poll.records", String.valueOf(maxPollRecords));
    consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    Map<String, Object> p = new HashMap<>();
    p.put("bootstrap.servers", bootstrap);
    p.put("acks", "all");
    if (transactional) {
      p.put("transactional.id", group + "-plain");
      // The service's exactly-once default, so that only the loops differ.
      p.put("retry.backoff.ms", "10");
    }
    producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
  }

  long committed() {
    return committed.get();
  }

  void stop() {
    stop = true;
  }

  @Override
  public void run() {
    if (transactional) {
      producer.initTransactions();
    }
    consumer.subscribe(List.of(input));
    while (!stop) {
      ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(200));
      if (records.isEmpty()) {
        continue;
      }
      Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
      if (transactional) {
        producer.beginTransaction();
      }
      List<byte[]> values = scorer == null ? forwardFixed(records) : score(records);
      int i = 0;
      for (ConsumerRecord<byte[], byte[]> r : records) {
        producer.send(new ProducerRecord<>(output, r.key(), values.get(i++)));
        offsets.put(new TopicPartition(r.topic(), r.partition()),
            new OffsetAndMetadata(r.offset() + 1));
      }
      if (transactional) {
        producer.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
        producer.commitTransaction();
      } else {
        producer.flush();
        consumer.commitSync(offsets);
      }
      committed.addAndGet(records.count());
    }
  }

  private List<byte[]> score(ConsumerRecords<byte[], byte[]> records) {
    List<ScoringRequest> requests = new ArrayList<>(records.count());
    for (ConsumerRecord<byte[], byte[]> r : records) {
      requests.add(ScoringJson.readRequest(r.value()));
    }
    List<byte[]> values = new ArrayList<>(records.count());
    for (ScoringResult result : scorer.scoreAll(requests)) {
      values.add(ScoringJson.write(result));
    }
    return values;
  }

  private static List<byte[]> forwardFixed(ConsumerRecords<byte[], byte[]> records) {
    List<byte[]> values = new ArrayList<>(records.count());
    for (ConsumerRecord<byte[], byte[]> r : records) {
      JsonNode request;
      try {
        request = JSON.readTree(r.value());
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
      if (request.path("applicantId").isMissingNode()) {
        throw new IllegalStateException("not a request");
      }
      values.add(FIXED);
    }
    return values;
  }

  @Override
  public void close() {
    consumer.close();
    producer.close();
  }
}
