package pe.agriscore.deployment.image;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/** The images' health check against a real HTTP server on 127.0.0.1. */
class HealthCheckTest {

  @Test
  void exitsZeroOnlyFor200AndRefusesHostsOtherThanLoopback() throws Exception {
    HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
        0);
    http.createContext("/ready", ex -> {
      ex.sendResponseHeaders(200, -1);
      ex.close();
    });
    http.createContext("/down", ex -> {
      ex.sendResponseHeaders(503, -1);
      ex.close();
    });
    http.start();
    try {
      String base = "http://127.0.0.1:" + http.getAddress().getPort();
      assertEquals(0, HealthCheck.check(base + "/ready"));
      assertEquals(1, HealthCheck.check(base + "/down"));
      assertEquals(1, HealthCheck.check("http://127.0.0.1:1/ready"), "nothing listening");
      assertEquals(2, HealthCheck.check("http://192.0.2.1:8080/ready"), "not loopback");
      assertEquals(2, HealthCheck.check("ftp://127.0.0.1/ready"), "not http(s)");
      assertEquals(2, HealthCheck.check("not a url"));
    } finally {
      http.stop(0);
    }
  }
}
