package pe.agriscore.kafka.testing;

import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.ProducerInterceptor;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * A producer interceptor ({@code producer.interceptor.classes}) that holds the thread sending a
 * record, so a test can act on the brokers at an exact point of a service's transaction: once
 * {@link #arm(String)}ed, the first record sent to the topic goes through, and the next one waits
 * until that first one was acknowledged (its transaction is then open on the brokers) and the test
 * {@link Hold#release()}s it. One hold at a time per JVM.
 */
public final class SendHold implements ProducerInterceptor<byte[], byte[]> {

  /** One armed hold: what the test waits for and releases. */
  public static final class Hold {
    private final String topic;
    private final CountDownLatch firstAcknowledged = new CountDownLatch(1);
    private final CountDownLatch held = new CountDownLatch(1);
    private final CountDownLatch released = new CountDownLatch(1);
    private volatile boolean firstSent;

    private Hold(String topic) {
      this.topic = topic;
    }

    /** Waits until a sending thread is held inside a transaction whose first record is written. */
    public boolean awaitHeld(long timeout, TimeUnit unit) throws InterruptedException {
      return held.await(timeout, unit);
    }

    /** Lets the held thread (and any later one) go on. */
    public void release() {
      released.countDown();
      if (CURRENT == this) {
        CURRENT = null;
      }
    }
  }

  private static volatile Hold CURRENT;

  /** Holds the second record sent to {@code topic} from now on. */
  public static Hold arm(String topic) {
    Hold h = new Hold(topic);
    CURRENT = h;
    return h;
  }

  @Override
  public ProducerRecord<byte[], byte[]> onSend(ProducerRecord<byte[], byte[]> record) {
    Hold h = CURRENT;
    if (h == null || !record.topic().equals(h.topic) || h.released.getCount() == 0) {
      return record;
    }
    if (!h.firstSent) {
      h.firstSent = true;
      return record;
    }
    try {
      if (h.firstAcknowledged.await(60, TimeUnit.SECONDS)) {
        h.held.countDown();
        h.released.await(5, TimeUnit.MINUTES);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return record;
  }

  @Override
  public void onAcknowledgement(RecordMetadata metadata, Exception exception) {
    Hold h = CURRENT;
    if (h != null && h.firstSent && exception == null && metadata != null
        && metadata.topic().equals(h.topic)) {
      h.firstAcknowledged.countDown();
    }
  }

  @Override
  public void close() {}

  @Override
  public void configure(Map<String, ?> configs) {}
}
