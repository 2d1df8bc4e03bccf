package pe.agriscore.service;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * What the security tests make for themselves in a temp dir: self-signed certificates and
 * PKCS#12 stores made with the JDK's keytool, and RS256 tokens signed with a key whose public
 * half is in a JWK set file.
 */
final class TestCredentials {

  static final String PASSWORD = "changeit";
  static final String ISSUER = "https://idp.bank.test";
  static final String AUDIENCE = "agriscore";

  final Path dir;
  final Path serverKeystore;
  final Path serverTruststore;
  final Path jwkSet;
  private final Path clientTruststore;
  private final KeyPair signing;
  private final KeyPair rogue;

  TestCredentials(Path dir) throws Exception {
    this.dir = dir;
    serverKeystore = dir.resolve("server.p12");
    serverTruststore = dir.resolve("server-trust.p12");
    clientTruststore = dir.resolve("client-trust.p12");
    keyPair("server", "CN=localhost", serverKeystore, "SAN=ip:127.0.0.1,dns:localhost");
    keyPair("client", "CN=bank-core", dir.resolve("client.p12"), null);
    keyPair("rogue", "CN=rogue", dir.resolve("rogue.p12"), null);
    exportAndTrust("server", serverKeystore, clientTruststore);
    exportAndTrust("client", dir.resolve("client.p12"), serverTruststore);

    KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
    rsa.initialize(2048);
    signing = rsa.generateKeyPair();
    rogue = rsa.generateKeyPair();
    jwkSet = dir.resolve("jwks.json");
    Files.writeString(jwkSet, new JWKSet(new RSAKey.Builder((RSAPublicKey) signing.getPublic())
        .keyID("k1").build()).toString());
  }

  private void keyPair(String alias, String dname, Path store, String san) throws Exception {
    List<String> args = new ArrayList<>(List.of("-genkeypair", "-alias", alias, "-keyalg", "EC",
        "-groupname", "secp256r1", "-dname", dname, "-validity", "2", "-storetype", "PKCS12",
        "-keystore", store.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD));
    if (san != null) {
      args.addAll(List.of("-ext", san));
    }
    keytool(args);
  }

  private void exportAndTrust(String alias, Path from, Path truststore) throws Exception {
    Path cert = dir.resolve(alias + ".crt");
    keytool(List.of("-exportcert", "-alias", alias, "-keystore", from.toString(), "-storepass",
        PASSWORD, "-file", cert.toString()));
    keytool(List.of("-importcert", "-noprompt", "-alias", alias, "-file", cert.toString(),
        "-storetype", "PKCS12", "-keystore", truststore.toString(), "-storepass", PASSWORD));
  }

  private void keytool(List<String> args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    command.addAll(args);
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("keytool did not finish: " + command);
    }
    if (p.exitValue() != 0) {
      throw new AssertionError("keytool failed (" + p.exitValue() + "): " + command + "\n" + out);
    }
  }

  /** A client TLS context that trusts the server's certificate and presents {@code client}. */
  SSLContext clientSsl(String client) throws Exception {
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(
        TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(load(clientTruststore));
    KeyManagerFactory kmf = null;
    if (client != null) {
      kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(load(dir.resolve(client + ".p12")), PASSWORD.toCharArray());
    }
    SSLContext ssl = SSLContext.getInstance("TLS");
    ssl.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
    return ssl;
  }

  private static KeyStore load(Path p) throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(p)) {
      ks.load(in, PASSWORD.toCharArray());
    }
    return ks;
  }

  /** A token for {@code roles} that expires {@code validFor} from now (negative: expired). */
  String token(List<String> roles, Duration validFor) throws JOSEException {
    return sign(roles, validFor, (RSAPrivateKey) signing.getPrivate());
  }

  /** A well-formed token signed by a key the service does not know, under the same key id. */
  String forgedToken(List<String> roles) throws JOSEException {
    return sign(roles, Duration.ofMinutes(5), (RSAPrivateKey) rogue.getPrivate());
  }

  private static String sign(List<String> roles, Duration validFor, RSAPrivateKey key)
      throws JOSEException {
    Instant now = Instant.now();
    JWTClaimsSet claims = new JWTClaimsSet.Builder().subject("core-banking").issuer(ISSUER)
        .audience(AUDIENCE).issueTime(Date.from(now.minus(Duration.ofMinutes(10))))
        .expirationTime(Date.from(now.plus(validFor))).claim("roles", roles).build();
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("k1").build(),
        claims);
    jwt.sign(new RSASSASigner(key));
    return jwt.serialize();
  }

  void close() throws IOException {
    TestService.delete(dir);
  }
}
