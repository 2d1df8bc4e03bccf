package pe.agriscore.kafka.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * One in-process broker shared by the test classes that never stop it; started on first use and
 * stopped when the test JVM exits.
 */
public final class SharedBroker {

  private static KafkaBroker broker;

  private SharedBroker() {}

  public static synchronized KafkaBroker get() throws IOException {
    if (broker == null) {
      Path dir = Files.createTempDirectory("agriscore-kafka-shared");
      KafkaBroker b = KafkaBroker.create(dir);
      b.start();
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        b.stop();
        deleteQuietly(dir);
      }));
      broker = b;
    }
    return broker;
  }

  public static void deleteQuietly(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a temporary directory; the OS cleans it eventually
    }
  }
}
