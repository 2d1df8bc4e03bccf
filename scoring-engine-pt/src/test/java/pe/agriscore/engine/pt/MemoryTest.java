package pe.agriscore.engine.pt;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pe.agriscore.bundle.ModelBundle;
import pe.agriscore.engine.EngineOptions;
import pe.agriscore.engine.ScoringModel;
import pe.agriscore.preprocessing.Encoder;
import pe.agriscore.testing.TestBundles;

/**
 * Scoring many records keeps resident memory flat: every call's tensors are freed when it
 * returns. {@code -Dagriscore.pt.memory_records=5000000} scales the run up.
 */
class MemoryTest {

  /**
   * Generous: the JIT's code cache and GC bookkeeping grow a little too. The module's test JVM
   * pre-touches its heap (see pom.xml), so the heap's first use of its pages is not counted.
   */
  private static final long MAX_GROWTH_KIB = 150 * 1024;

  @TempDir Path tmp;

  @Test
  void residentMemoryStaysFlatWhileScoring() throws Exception {
    int records = Integer.getInteger("agriscore.pt.memory_records", 200_000);
    Path dir = PtFixtures.farmerBundle(tmp, PtFixtures.SCRIPTED, PtFixtures.golden(2));
    try (ModelBundle bundle = ModelBundle.open(dir);
        ScoringModel model = new PyTorchEngine().load(bundle, EngineOptions.defaults())) {
      Encoder encoder = bundle.encoder();
      int width = encoder.width();
      // 512 distinct encoded requests, reused: the point is the engine's memory, not the data's.
      float[] pool = new float[512 * width];
      Random rnd = new Random(1);
      for (int i = 0; i < 512; ) {
        var request = TestBundles.randomRequest(rnd, "PE-" + i);
        if (encoder.validate(request).isEmpty()) {
          encoder.encode(request, pool, i++ * width);
        }
      }
      double checksum = 0;
      int done = 0;
      int warmRecords = Math.min(20_000, records / 10);
      long warm = 0;
      long heapWarm = 0;
      long start = 0;
      while (done < records) {
        // Batch sizes from 1 to 64 vary the tensor shapes as real traffic does.
        int n = Math.min(records - done, 1 + rnd.nextInt(64));
        int from = rnd.nextInt(512 - n + 1);
        float[] batch = java.util.Arrays.copyOfRange(pool, from * width, (from + n) * width);
        for (double p : model.predict(batch, n)) {
          checksum += p;
        }
        done += n;
        if (warm == 0 && done >= warmRecords) {
          warm = PtFixtures.residentKib();
          heapWarm = Runtime.getRuntime().totalMemory() / 1024;
          start = System.nanoTime();
        }
      }
      long end = PtFixtures.residentKib();
      long heapEnd = Runtime.getRuntime().totalMemory() / 1024;
      double seconds = (System.nanoTime() - start) / 1e9;
      System.out.printf("MemoryTest: %,d records, VmRSS after warm-up %,d KiB, at the end %,d KiB"
          + " (growth %,d KiB; committed heap %,d -> %,d KiB), %,.0f records/s after warm-up,"
          + " mean p %.4f%n", records, warm, end, end - warm, heapWarm, heapEnd,
          (records - warmRecords) / seconds, checksum / records);
      assertTrue(checksum / records > 0 && checksum / records < 1);
      assertTrue(end - warm < MAX_GROWTH_KIB,
          "resident memory grew by " + (end - warm) + " KiB over " + records + " records");
    }
  }
}
