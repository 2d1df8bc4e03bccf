package pe.agriscore.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Micrometer is optional: with it absent from the classpath the metrics still count and a
 * registry argument is refused with a message, not a {@code NoClassDefFoundError}.
 */
class MetricsWithoutMicrometerTest {

  @Test
  void metricsWorkWhenMicrometerIsNotOnTheClasspath() throws Exception {
    String classpath = System.getProperty("surefire.test.class.path",
        System.getProperty("java.class.path"));
    List<URL> urls = new ArrayList<>();
    int dropped = 0;
    for (String entry : classpath.split(File.pathSeparator)) {
      if (entry.contains("micrometer")) {
        dropped++;
        continue;
      }
      urls.add(Path.of(entry).toUri().toURL());
    }
    assertTrue(dropped > 0, "the test classpath has Micrometer, so dropping it means something");
    try (URLClassLoader loader = new URLClassLoader(urls.toArray(URL[]::new),
        ClassLoader.getPlatformClassLoader())) {
      assertThrows(ClassNotFoundException.class,
          () -> loader.loadClass("io.micrometer.core.instrument.MeterRegistry"));
      Class<?> metricsClass = loader.loadClass(ServiceMetrics.class.getName());
      Method create = metricsClass.getDeclaredMethod("create", Object.class, Map.class);
      create.setAccessible(true);
      Object metrics = create.invoke(null, null, Map.of("group", "g"));
      Method polled = metricsClass.getDeclaredMethod("polled", int.class);
      polled.setAccessible(true);
      polled.invoke(metrics, 7);
      polled.invoke(metrics, 3);
      Method snapshot = metricsClass.getDeclaredMethod("snapshot");
      snapshot.setAccessible(true);
      Object s = snapshot.invoke(metrics);
      assertEquals(10L, s.getClass().getMethod("recordsIn").invoke(s));
      assertEquals(2L, s.getClass().getMethod("batches").invoke(s));
      assertEquals(7L, s.getClass().getMethod("maxBatchSize").invoke(s));
      Method close = metricsClass.getDeclaredMethod("close");
      close.setAccessible(true);
      close.invoke(metrics);
      Method check = metricsClass.getDeclaredMethod("checkRegistry", Object.class);
      check.setAccessible(true);
      Throwable refused = assertThrows(Exception.class, () -> check.invoke(null, "registry"))
          .getCause();
      assertTrue(refused instanceof IllegalArgumentException, String.valueOf(refused));
    }
  }
}
