package pe.agriscore.engine.tf;

import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import java.io.IOException;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import pe.agriscore.CreditScorer;

/**
 * Child JVM: loads the bundle {@code args[0]} as an application does and reports what the load
 * changed in the process: {@code PROPERTY k=v} for each system property set or changed, {@code
 * ENV k=v} for TF_CPP_MIN_LOG_LEVEL set through libc, {@code NETWORK uri} for each connection
 * attempted, {@code CUDART} if a CUDA runtime was mapped, then {@code SCORED p} or {@code REFUSED
 * message}.
 */
public final class EffectsMain {
  private EffectsMain() {}

  public static void main(String[] args) throws IOException {
    Map<String, String> before = properties();
    String envBefore = libcGetenv("TF_CPP_MIN_LOG_LEVEL");
    ProxySelector.setDefault(new ProxySelector() {
      @Override
      public List<Proxy> select(URI uri) {
        System.out.println("NETWORK " + uri);
        return List.of(Proxy.NO_PROXY);
      }

      @Override
      public void connectFailed(URI uri, SocketAddress sa, IOException e) {}
    });
    String outcome;
    try (CreditScorer scorer = CreditScorer.open(Path.of(args[0]))) {
      outcome = "SCORED " + scorer.score(Mlp.validRequests(1, 1).get(0)).probabilityOfDefault();
    } catch (RuntimeException e) {
      outcome = "REFUSED " + e.getMessage();
    }
    properties().forEach((k, v) -> {
      if (!v.equals(before.get(k))) {
        System.out.println("PROPERTY " + k + "=" + v);
      }
    });
    String envAfter = libcGetenv("TF_CPP_MIN_LOG_LEVEL");
    if (!Objects.equals(envBefore, envAfter)) {
      System.out.println("ENV TF_CPP_MIN_LOG_LEVEL=" + envAfter);
    }
    if (Files.readString(Path.of("/proc/self/maps")).contains("libcudart")) {
      System.out.println("CUDART");
    }
    System.out.println(outcome);
  }

  private static Map<String, String> properties() {
    Map<String, String> all = new TreeMap<>();
    System.getProperties().forEach((k, v) -> all.put(k.toString(), v.toString()));
    return all;
  }

  /** The process environment as native code sees it (Java's own view is a startup copy). */
  private static String libcGetenv(String name) {
    Function getenv = NativeLibrary.getInstance(Platform.C_LIBRARY_NAME).getFunction("getenv");
    return getenv.invokeString(new Object[] {name}, false);
  }
}
