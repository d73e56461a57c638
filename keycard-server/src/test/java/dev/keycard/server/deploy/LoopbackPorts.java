package dev.keycard.server.deploy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Free loopback ports for servers these tests start as separate processes (keycard in the image,
 * nginx), which are told a port rather than asked which one they got. Drawn at random from
 * 61000–64999, above Linux's ephemeral ports (32768–60999), so that a port the kernel hands out to
 * a client or to another test's port 0 meanwhile is never one of them.
 */
final class LoopbackPorts {
  private static final int FIRST = 61_000;
  private static final int LAST = 64_999;

  private LoopbackPorts() {}

  /** A port nothing listened on a moment ago. */
  static int free() {
    for (int attempt = 0; attempt < 100; attempt++) {
      int port = ThreadLocalRandom.current().nextInt(FIRST, LAST + 1);
      try (ServerSocket probe = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
        return probe.getLocalPort();
      } catch (IOException taken) {
        // another one
      }
    }
    throw new IllegalStateException("no free loopback port in " + FIRST + "-" + LAST);
  }
}
