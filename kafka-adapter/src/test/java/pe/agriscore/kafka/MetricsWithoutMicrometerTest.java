package pe.agriscore.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Micrometer is optional: with it absent from the classpath the metrics still count and the
 * service's API loads; only {@link KafkaScoringMetrics}, which a host without Micrometer never
 * names, needs it.
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
      Constructor<?> create = metricsClass.getDeclaredConstructor(Map.class);
      create.setAccessible(true);
      Object metrics = create.newInstance(Map.of("group", "g"));
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
      // The service's whole API resolves without Micrometer; only the binder names its types.
      for (Class<?> c : List.of(KafkaScoringService.class, KafkaScoringService.Builder.class,
          KafkaScoringConfig.class, ServiceMetrics.class)) {
        assertTrue(loader.loadClass(c.getName()).getDeclaredMethods().length > 0, c.getName());
      }
      assertThrows(NoClassDefFoundError.class,
          () -> loader.loadClass(KafkaScoringMetrics.class.getName()).getDeclaredMethods());
    }
  }
}
