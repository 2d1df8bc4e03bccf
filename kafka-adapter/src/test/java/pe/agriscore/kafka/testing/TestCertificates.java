package pe.agriscore.kafka.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A certificate authority and what a TLS broker and its clients need from it, made with the
 * JDK's {@code keytool} the way an operator would: a CA key pair, a broker key pair whose
 * certificate the CA signs for {@code 127.0.0.1} and {@code localhost}, and a truststore holding
 * only the CA certificate. All stores are PKCS12 with one password.
 */
public final class TestCertificates {

  /** The password of every store and key made here. */
  public static final String PASSWORD = "test-store-password";

  private final Path dir;
  private final String name;

  private TestCertificates(Path dir, String name) {
    this.dir = dir;
    this.name = name;
  }

  /** Makes a CA named {@code name} in {@code dir}, with its truststore. */
  public static TestCertificates authority(Path dir, String name)
      throws IOException, InterruptedException {
    Files.createDirectories(dir);
    TestCertificates ca = new TestCertificates(dir, name);
    ca.keytool("-genkeypair", "-alias", "ca", "-keyalg", "RSA", "-keysize", "2048",
        "-dname", "CN=" + name, "-ext", "bc:c", "-validity", "2",
        "-keystore", ca.caKeystore().toString());
    ca.keytool("-exportcert", "-rfc", "-alias", "ca", "-keystore", ca.caKeystore().toString(),
        "-file", ca.caCertificate().toString());
    ca.keytool("-importcert", "-noprompt", "-alias", "ca", "-file", ca.caCertificate().toString(),
        "-keystore", ca.truststore().toString());
    return ca;
  }

  /**
   * Makes a keystore with a key pair for {@code cn} whose certificate this CA signs for the
   * loopback address and {@code localhost}, with the CA certificate in its chain.
   */
  public Path signedKeystore(String cn) throws IOException, InterruptedException {
    Path keystore = dir.resolve(cn + "-keystore.p12");
    Path request = dir.resolve(cn + ".csr");
    Path signed = dir.resolve(cn + ".pem");
    String san = "SAN=ip:127.0.0.1,dns:localhost";
    keytool("-genkeypair", "-alias", cn, "-keyalg", "RSA", "-keysize", "2048", "-dname",
        "CN=" + cn, "-validity", "2", "-keystore", keystore.toString());
    keytool("-certreq", "-alias", cn, "-keystore", keystore.toString(), "-file",
        request.toString());
    keytool("-gencert", "-rfc", "-alias", "ca", "-keystore", caKeystore().toString(), "-infile",
        request.toString(), "-outfile", signed.toString(), "-ext", san, "-validity", "2");
    keytool("-importcert", "-noprompt", "-alias", "ca", "-file", caCertificate().toString(),
        "-keystore", keystore.toString());
    keytool("-importcert", "-alias", cn, "-file", signed.toString(), "-keystore",
        keystore.toString());
    return keystore;
  }

  /** A PKCS12 truststore holding only this CA's certificate. */
  public Path truststore() {
    return dir.resolve(name + "-truststore.p12");
  }

  private Path caKeystore() {
    return dir.resolve(name + "-ca.p12");
  }

  private Path caCertificate() {
    return dir.resolve(name + "-ca.pem");
  }

  private void keytool(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    command.addAll(List.of(args));
    command.addAll(List.of("-storetype", "PKCS12", "-storepass", PASSWORD));
    if (List.of(args).contains("-genkeypair")) {
      command.addAll(List.of("-keypass", PASSWORD));
    }
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    byte[] output = p.getInputStream().readAllBytes();
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IOException("keytool " + String.join(" ", args) + " failed:\n"
          + new String(output, StandardCharsets.UTF_8));
    }
  }
}
