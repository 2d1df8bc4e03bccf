package pe.agriscore.kafka.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
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
import pe.agriscore.kafka.DeliveryMode;

/**
 * The baseline of the benchmark: the textbook consume-transform-produce loop with the same
 * delivery mode and poll settings as the scoring service, whose transform only parses the JSON
 * request and writes a fixed small JSON. What the service costs beyond it is scoring, JSON
 * writing of real scores and the adapter's own bookkeeping.
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
  private final AtomicLong committed = new AtomicLong();
  private volatile boolean stop;

  PlainLoop(String bootstrap, String group, String input, String output, DeliveryMode mode,
      int maxPollRecords) {
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
        producer.send(new ProducerRecord<>(output, r.key(), FIXED));
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

  @Override
  public void close() {
    consumer.close();
    producer.close();
  }
}
