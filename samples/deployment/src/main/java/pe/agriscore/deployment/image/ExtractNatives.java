package pe.agriscore.deployment.image;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import pe.agriscore.CreditScorer;
import pe.agriscore.engine.NativeCache;

/**
 * An image build step: opens each bundle given with {@link CreditScorer#open}, which starts its
 * engine and so extracts the engine's natives (TensorFlow's libraries, libtorch) into {@value
 * NativeCache#CACHE_DIR}, and verifies the bundle's golden cases on the way; then exits. The
 * image then starts with those natives in place (docs/natives.md): nothing is extracted when a
 * container starts, and the cache directory may be read-only.
 *
 * <pre>{@code
 * java -Dagriscore.cache_dir=/opt/agriscore/natives -cp <the program's jars>:/opt/agriscore/tools \
 *     pe.agriscore.deployment.image.ExtractNatives /build/farmer-mlp-tf /build/farmer-mlp-pt
 * }</pre>
 *
 * <p>Exits 2 without {@value NativeCache#CACHE_DIR} (the natives would go to a home directory the
 * image does not keep) or without a bundle; a bundle that fails to open fails the build.
 */
public final class ExtractNatives {

  private ExtractNatives() {}

  public static void main(String[] args) throws Exception {
    String dir = System.getProperty(NativeCache.CACHE_DIR);
    if (dir == null || dir.isBlank() || args.length == 0) {
      System.err.println("extract-natives: usage: java -D" + NativeCache.CACHE_DIR
          + "=<dir> ... " + ExtractNatives.class.getName() + " <bundle>...");
      System.exit(2);
    }
    for (String bundle : args) {
      try (CreditScorer scorer = CreditScorer.open(Path.of(bundle))) {
        System.out.println("extract-natives: opened " + bundle);
      }
    }
    System.out.println("extract-natives: " + Path.of(dir) + " holds " + size(Path.of(dir))
        / (1 << 20) + " MiB");
  }

  private static long size(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
    }
  }
}
