package pe.agriscore.engine.tf;

import java.nio.file.Files;
import java.nio.file.Path;

/** Child JVM: waits for {@code args[1]} to exist, then extracts into {@code args[0]}. */
public final class ExtractMain {
  private ExtractMain() {}

  public static void main(String[] args) throws Exception {
    Path go = Path.of(args[1]);
    while (!Files.exists(go)) {
      Thread.sleep(5);
    }
    System.out.println("EXTRACTED " + TensorFlowNatives.extract(Path.of(args[0])));
  }
}
