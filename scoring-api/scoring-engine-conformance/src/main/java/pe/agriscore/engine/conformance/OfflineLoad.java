package pe.agriscore.engine.conformance;

import java.io.InputStream;
import java.net.URI;
import java.nio.file.Path;
import pe.agriscore.CreditScorer;
import pe.agriscore.internal.bundle.ModelBundle;

/**
 * Child JVM entry point: {@code <load|control> <bundle dir>}. {@code load} opens the bundle with
 * {@link CreditScorer} (which loads the engine and its natives and runs the golden cases) and
 * scores one golden request; {@code control} fetches a URL instead, to prove that the parent's
 * trap (a proxy that counts connections) sees a download when one is attempted.
 */
public final class OfflineLoad {

  /** Printed by a child that loaded and scored. */
  public static final String LOADED = "OFFLINE LOAD OK";

  /** The URL the control run fetches (any host outside the machine: the proxy catches it). */
  static final String CONTROL_URL = "http://repo.maven.apache.org/maven2/";

  private OfflineLoad() {}

  public static void main(String[] args) throws Exception {
    if (args[0].equals("control")) {
      try (InputStream in = URI.create(CONTROL_URL).toURL().openStream()) {
        in.read();
      } catch (java.io.IOException expected) {
        System.out.println("control fetch failed as the trap closes it: " + expected);
      }
      return;
    }
    Path dir = Path.of(args[1]);
    try (ModelBundle bundle = ModelBundle.open(dir);
        CreditScorer scorer = CreditScorer.open(dir)) {
      double p = scorer.score(bundle.goldenCases().get(0).request()).probabilityOfDefault();
      System.out.println(LOADED + " " + p);
    }
  }
}
