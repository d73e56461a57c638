package dev.keycard.server.testing;

import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * One TCP connection to a test server, written to byte by byte as a client (slow, stalled, or
 * malformed) would, and read back with a deadline. For what a well-behaved client cannot send:
 * {@link TestHttp} is the client for everything else.
 */
public final class RawConnection implements AutoCloseable {
  private final Socket socket;
  private final InputStream in;
  private final ByteArrayOutputStream received = new ByteArrayOutputStream();
  private boolean closedByServer;

  public RawConnection(int port) {
    try {
      socket = new Socket();
      socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
      socket.setTcpNoDelay(true);
      in = socket.getInputStream();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A parsed answer; {@code body} is what followed the head, as far as it was read. */
  public record Answer(int status, Map<String, String> headers, String body) {
    public String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }

    public JsonObject json() {
      return new JsonObject(body);
    }
  }

  /** Sends {@code text} (ISO-8859-1) at once; false when the server has already closed the connection. */
  public boolean send(String text) {
    return send(text.getBytes(StandardCharsets.ISO_8859_1));
  }

  public boolean send(byte[] bytes) {
    try {
      socket.getOutputStream().write(bytes);
      socket.getOutputStream().flush();
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Reads the next answer: the head, then as much body as its {@code Content-Length} announces.
   * Returns {@code null} when no complete answer arrived within {@code deadline}.
   */
  public Answer readAnswer(Duration deadline) {
    long end = System.nanoTime() + deadline.toNanos();
    while (true) {
      byte[] bytes = received.toByteArray();
      int length = answerLength(bytes);
      if (length > 0) {
        received.reset();
        received.write(bytes, length, bytes.length - length);
        return parse(bytes);
      }
      if (!readSome(end)) {
        return null;
      }
    }
  }

  /**
   * Waits until the server closes the connection (end of stream or reset), reading and dropping
   * whatever arrives meanwhile; true if it did within {@code deadline}.
   */
  public boolean awaitClose(Duration deadline) {
    long end = System.nanoTime() + deadline.toNanos();
    while (!closedByServer) {
      if (!readSome(end) && !closedByServer) {
        return false;
      }
    }
    return true;
  }

  /** What was read and not yet returned as an answer, as text. */
  public String received() {
    return received.toString(StandardCharsets.ISO_8859_1);
  }

  /** Reads what is available; false on the deadline or at the end of the stream. */
  private boolean readSome(long endNanos) {
    if (closedByServer) {
      return false;
    }
    long left = (endNanos - System.nanoTime()) / 1_000_000;
    if (left <= 0) {
      return false;
    }
    try {
      socket.setSoTimeout((int) Math.max(1, Math.min(left, Integer.MAX_VALUE)));
      byte[] buf = new byte[8192];
      int n = in.read(buf);
      if (n < 0) {
        closedByServer = true;
        return false;
      }
      received.write(buf, 0, n);
      return true;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (SocketException e) { // reset by the server
      closedByServer = true;
      return false;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The length of the complete answer at the start of {@code bytes}, or 0 if it is not all there. */
  private static int answerLength(byte[] bytes) {
    String text = new String(bytes, StandardCharsets.ISO_8859_1);
    int split = text.indexOf("\r\n\r\n");
    if (split < 0) {
      return 0;
    }
    String length = headers(text.substring(0, split)).get("content-length");
    int total = split + 4 + (length == null ? 0 : Integer.parseInt(length));
    return bytes.length >= total ? total : 0;
  }

  private static Map<String, String> headers(String head) {
    String[] lines = head.split("\r\n");
    Map<String, String> headers = new TreeMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
    }
    return headers;
  }

  private static Answer parse(byte[] bytes) {
    String text = new String(bytes, StandardCharsets.ISO_8859_1);
    int split = text.indexOf("\r\n\r\n");
    String[] lines = text.substring(0, split).split("\r\n");
    Map<String, String> headers = headers(text.substring(0, split));
    String length = headers.get("content-length");
    int bodyLength = length == null ? 0 : Integer.parseInt(length);
    String body = new String(bytes, split + 4, bodyLength, StandardCharsets.UTF_8);
    return new Answer(Integer.parseInt(lines[0].split(" ")[1]), headers, body);
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException e) {
      // closing a test's socket: nothing to do
    }
  }
}
