package pe.agriscore.deployment.image;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.URI;
import java.security.cert.X509Certificate;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * The container images' health check, run by the container engine inside the container: no
 * shell and no curl in the image, only this class and the JVM. It GETs one loopback URL and exits
 * 0 on a 200, 1 on any other answer or none (within 5 s), 2 for a URL it refuses.
 *
 * <p>The URL is the environment variable {@value #URL_VARIABLE} if set, else the first argument
 * (the image's default). Only loopback hosts are accepted: the check asks the program in its own
 * container whether it is ready, so over HTTPS the certificate is not verified (it names the
 * service's public host, never 127.0.0.1), and nothing is sent anywhere else.
 *
 * <pre>{@code
 * HEALTHCHECK CMD ["java", "-cp", "/opt/agriscore/tools",
 *     "pe.agriscore.deployment.image.HealthCheck",
 *     "https://127.0.0.1:8443/actuator/health/readiness"]
 * }</pre>
 */
public final class HealthCheck {

  /** Overrides the image's URL, e.g. for a service started with another profile or port. */
  public static final String URL_VARIABLE = "HEALTHCHECK_URL";

  private HealthCheck() {}

  public static void main(String[] args) {
    String url = System.getenv(URL_VARIABLE);
    if (url == null || url.isBlank()) {
      url = args.length > 0 ? args[0] : null;
    }
    if (url == null) {
      System.err.println("healthcheck: no URL: set " + URL_VARIABLE + " or pass one");
      System.exit(2);
    }
    System.exit(check(url));
  }

  /** 0 if {@code url} answers 200, 1 otherwise, 2 if it is not an http(s) loopback URL. */
  static int check(String url) {
    URI uri;
    try {
      uri = URI.create(url);
      if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
          || uri.getHost() == null || !InetAddress.getByName(uri.getHost()).isLoopbackAddress()) {
        System.err.println("healthcheck: " + url + " is not an http(s) URL of a loopback host");
        return 2;
      }
    } catch (IllegalArgumentException | IOException e) {
      System.err.println("healthcheck: " + url + " is not a URL: " + e.getMessage());
      return 2;
    }
    try {
      HttpURLConnection c = (HttpURLConnection) uri.toURL().openConnection();
      if (c instanceof HttpsURLConnection https) {
        https.setSSLSocketFactory(trustingLoopback().getSocketFactory());
        https.setHostnameVerifier((host, session) -> true);
      }
      c.setConnectTimeout(5_000);
      c.setReadTimeout(5_000);
      int status = c.getResponseCode();
      try (InputStream in = status < 400 ? c.getInputStream() : c.getErrorStream()) {
        if (in != null) {
          in.readAllBytes();
        }
      }
      if (status != 200) {
        System.err.println("healthcheck: " + url + " answered " + status);
        return 1;
      }
      return 0;
    } catch (IOException | java.security.GeneralSecurityException e) {
      System.err.println("healthcheck: " + url + ": " + e);
      return 1;
    }
  }

  /** Accepts the loopback server's certificate, whoever signed it (see the class comment). */
  private static SSLContext trustingLoopback() throws java.security.GeneralSecurityException {
    TrustManager any = new X509TrustManager() {
      @Override
      public void checkClientTrusted(X509Certificate[] chain, String authType) {}

      @Override
      public void checkServerTrusted(X509Certificate[] chain, String authType) {}

      @Override
      public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
      }
    };
    SSLContext ssl = SSLContext.getInstance("TLS");
    ssl.init(null, new TrustManager[] {any}, null);
    return ssl;
  }
}
