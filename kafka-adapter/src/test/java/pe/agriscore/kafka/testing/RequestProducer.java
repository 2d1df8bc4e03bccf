package pe.agriscore.kafka.testing;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Writes the request stream of {@link Requests} to a topic: all at once, or paced in a
 * background thread so that failures can be injected while requests keep arriving.
 */
public final class RequestProducer implements AutoCloseable {

  private final KafkaProducer<byte[], byte[]> producer;
  private final String topic;
  private final int badEvery;
  private final AtomicInteger acknowledged = new AtomicInteger();
  private final AtomicReference<Exception> error = new AtomicReference<>();
  private Thread pacer;

  public RequestProducer(String bootstrap, String topic, int badEvery) {
    Map<String, Object> p = new HashMap<>();
    p.put("bootstrap.servers", bootstrap);
    p.put("acks", "all");
    p.put("enable.idempotence", "true");
    p.put("linger.ms", "10");
    p.put("batch.size", String.valueOf(256 * 1024));
    p.put("buffer.memory", String.valueOf(128L * 1024 * 1024));
    p.put("max.request.size", String.valueOf(2 * 1024 * 1024));
    p.put("delivery.timeout.ms", "300000");
    p.put("max.block.ms", "300000");
    this.producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    this.topic = topic;
    this.badEvery = badEvery;
  }

  /** Sends records {@code from} (inclusive) to {@code to} (exclusive), without waiting. */
  public void send(int from, int to) {
    for (int i = from; i < to; i++) {
      String key = Requests.key(i, badEvery);
      producer.send(new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8),
          Requests.value(key)), (md, e) -> {
            if (e != null) {
              error.compareAndSet(null, e);
            } else {
              acknowledged.incrementAndGet();
            }
          });
    }
  }

  /** Sends one record with the given key and value (null allowed), without waiting. */
  public void sendRaw(String key, byte[] value) {
    sendRaw(key == null ? null : key.getBytes(StandardCharsets.UTF_8), value,
        new org.apache.kafka.common.header.internals.RecordHeaders());
  }

  /** Sends one record exactly as given, without waiting. */
  public void sendRaw(byte[] key, byte[] value, Iterable<org.apache.kafka.common.header.Header>
      headers) {
    producer.send(new ProducerRecord<>(topic, null, key, value, headers), (md, e) -> {
      if (e != null) {
        error.compareAndSet(null, e);
      } else {
        acknowledged.incrementAndGet();
      }
    });
  }

  /** Sends {@code count} records in a background thread at about {@code perSecond}. */
  public void startPaced(int count, int perSecond) {
    startPaced(0, count, perSecond);
  }

  /**
   * Sends records {@code from} (inclusive) to {@code to} (exclusive) in a background thread at
   * about {@code perSecond}, after the records of any earlier paced range.
   */
  public void startPaced(int from, int to, int perSecond) {
    Thread before = pacer;
    pacer = new Thread(() -> {
      try {
        if (before != null) {
          before.join();
        }
        int chunk = Math.max(1, perSecond / 20);
        long start = System.nanoTime();
        for (int sent = from; sent < to; sent += chunk) {
          send(sent, Math.min(to, sent + chunk));
          long due = start + (long) ((sent - from + chunk) * 1e9 / perSecond);
          long wait = due - System.nanoTime();
          if (wait > 0) {
            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "paced-request-producer");
    pacer.start();
  }

  /** Waits for the paced thread and for every acknowledgement; fails on a send error. */
  public void finish() throws InterruptedException {
    if (pacer != null) {
      pacer.join();
    }
    producer.flush();
    if (error.get() != null) {
      throw new AssertionError("a request could not be produced", error.get());
    }
  }

  public int acknowledged() {
    return acknowledged.get();
  }

  @Override
  public void close() {
    producer.close();
  }
}
