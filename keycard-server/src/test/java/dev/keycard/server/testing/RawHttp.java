package dev.keycard.server.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** Reading HTTP/1.1 answers off a plain socket, for tests that watch what happens to the connection. */
public final class RawHttp {
  private RawHttp() {}

  /**
   * Reads one answer (head and a Content-Length body) and nothing after it, so the test can then see
   * whether the connection stays open, ends (FIN) or is reset.
   */
  public static String readAnswer(InputStream in) throws IOException {
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("closed before the end of the head: " + head);
      }
      head.append((char) b);
    }
    int length = head.toString().lines().filter(l -> l.toLowerCase(Locale.ROOT).startsWith("content-length:"))
        .map(l -> Integer.parseInt(l.substring("content-length:".length()).trim())).findFirst().orElse(0);
    return head + new String(in.readNBytes(length), StandardCharsets.UTF_8);
  }
}
