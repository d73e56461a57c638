package dev.keycard.server.http;

import io.netty.channel.Channel;
import io.netty.channel.ChannelException;
import io.netty.channel.ChannelOption;
import io.vertx.core.http.HttpConnection;

/**
 * Closes a connection with a TCP reset (RST) instead of the usual FIN, after what was written on it
 * has been flushed: {@code SO_LINGER} 0 on the socket, then Vert.x's ordinary close (which flushes
 * first, then closes the channel, and the kernel then sends RST instead of FIN).
 *
 * <p>Why: ffmpeg 5.1's HLS muxer ignores the HTTP status of its {@code PUT}s. Refused uploads looked
 * like success to the broadcaster. On a persistent connection ({@code -http_persistent 1}) a reset
 * is the one answer it does not ignore: it prints {@code Connection reset by peer} and exits 1; a FIN
 * only makes it reconnect. Measured with ffmpeg 5.1.9 (see docs/streaming.md). A client that already
 * sent its whole request still reads the answer written before the reset (curl and java.net.http do,
 * see {@code AbortiveCloseTest}).
 *
 * <p>Vert.x 5 has no public way to a server connection's Netty channel; {@code HttpServerConnection}
 * (an interface in {@code io.vertx.core.http.impl}, the same in 5.0 and the current main branch) has
 * it. Should a later Vert.x drop it, or the connection be of another kind, this falls back to an
 * ordinary close: the client still gets its answer, an encoder just is not stopped.
 */
final class AbortiveClose {
  private AbortiveClose() {}

  /** Resets {@code connection} once what was written to it is flushed; an ordinary close if it cannot. */
  static void reset(HttpConnection connection) {
    if (connection instanceof io.vertx.core.http.impl.HttpServerConnection server) {
      Channel channel = server.channelHandlerContext().channel();
      try {
        if (channel.isOpen()) {
          // Works with NIO and epoll alike; a timeout of 0 is what makes close() a reset.
          channel.config().setOption(ChannelOption.SO_LINGER, 0);
        }
      } catch (ChannelException closedMeanwhile) {
        // The socket went away between the check and the call: nothing left to reset.
      }
    }
    connection.close();
  }
}
