package pe.agriscore.service;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A POST held in flight without any timing: its headers go with {@code Expect: 100-continue},
 * and the service answers {@code 100 Continue} only when the controller starts reading the body
 * ({@link TomcatLimits}), so once {@link #open} returns the request is inside the controller,
 * where it stays until {@link #finish} sends the body.
 */
final class HeldRequest implements AutoCloseable {

  private final Socket socket;
  private final byte[] body;

  private HeldRequest(Socket socket, byte[] body) {
    this.socket = socket;
    this.body = body;
  }

  /** Sends the headers and waits for the service's {@code 100 Continue}. */
  static HeldRequest open(int port, String path, String apiKey, byte[] body) throws IOException {
    Socket s = new Socket();
    try {
      s.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
      s.setSoTimeout(60_000);
      OutputStream out = s.getOutputStream();
      out.write(("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nX-API-Key: " + apiKey
          + "\r\nContent-Type: application/json\r\nExpect: 100-continue\r\nContent-Length: "
          + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String interim = readHead(s.getInputStream());
      assertTrue(interim.startsWith("HTTP/1.1 100"), interim);
      return new HeldRequest(s, body);
    } catch (IOException | RuntimeException | Error e) {
      s.close();
      throw e;
    }
  }

  /** Sends the body; returns the response's status code and body. */
  Response finish() throws IOException {
    socket.getOutputStream().write(body);
    socket.getOutputStream().flush();
    InputStream in = socket.getInputStream();
    String head = readHead(in);
    int status = Integer.parseInt(head.substring(9, 12));
    int length = Integer.parseInt(header(head, "Content-Length"));
    return new Response(status, new String(in.readNBytes(length), StandardCharsets.UTF_8));
  }

  /** A response read off the socket. */
  record Response(int status, String body) { }

  @Override
  public void close() throws IOException {
    socket.close();
  }

  /** A response's status line and headers, up to the blank line. */
  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (true) {
      int b = in.read();
      assertTrue(b >= 0, () -> "the connection closed after: " + head);
      head.write(b);
      String s = head.toString(StandardCharsets.US_ASCII);
      if (s.endsWith("\r\n\r\n")) {
        return s;
      }
    }
  }

  private static String header(String head, String name) {
    for (String line : head.split("\r\n")) {
      if (line.regionMatches(true, 0, name + ":", 0, name.length() + 1)) {
        return line.substring(name.length() + 1).strip();
      }
    }
    throw new AssertionError("no " + name + " in " + head);
  }
}
