package dev.keycard.server.http;

import dev.keycard.server.config.TrustedProxies;
import io.netty.util.NetUtil;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import java.util.List;

/**
 * The one rule for "the client's address", used by every decision that depends on it (login
 * throttling, anomaly detection, playback bound to an address, the audit trail): the socket's peer,
 * unless that peer is a {@linkplain TrustedProxies trusted proxy}, in which case the forwarding headers
 * are read from the right, hop by hop, while the hop is trusted. The first untrusted hop is the client:
 * entries to its left were written by the client itself and prove nothing.
 *
 * <p>{@code Forwarded} (RFC 7239) wins over {@code X-Forwarded-For} when both are present. A hop that
 * is not an address (RFC 7239's {@code unknown} or an obfuscated {@code _name}) ends the walk at the
 * last address known.
 */
public final class ClientAddresses {
  private final TrustedProxies trusted;

  public ClientAddresses(TrustedProxies trusted) {
    this.trusted = trusted;
  }

  /** The client's address as text ({@code 203.0.113.7}, {@code 2001:db8::1}), or {@code null} if unknown. */
  public String of(HttpServerRequest request) {
    // The connection's peer, not request.remoteAddress(): Vert.x Web's request wrapper answers that by
    // first working out the request's scheme, authority and absolute URI (its Forwarded parser), a
    // quarter of a microsecond on every bearer check for a value this rule never uses.
    SocketAddress remote = request.connection().remoteAddress();
    String peer = remote == null ? null : remote.hostAddress();
    if (peer == null || trusted.isEmpty()) {
      return peer;
    }
    byte[] peerBytes = NetUtil.createByteArrayFromIpAddressString(peer);
    if (peerBytes == null || !trusted.contains(peerBytes)) {
      return peer;
    }
    List<String> forwarded = request.headers().getAll("Forwarded");
    if (!forwarded.isEmpty()) {
      return walk(peer, forwardedFor(forwarded));
    }
    List<String> xff = request.headers().getAll("X-Forwarded-For");
    return xff.isEmpty() ? peer : walk(peer, xForwardedFor(xff));
  }

  /** From the right: each trusted hop hands over to the one it says it forwarded for. */
  private String walk(String peer, List<String> hops) {
    String client = peer;
    for (int i = hops.size() - 1; i >= 0; i--) {
      String hop = hops.get(i);
      byte[] bytes = NetUtil.createByteArrayFromIpAddressString(hop);
      if (bytes == null) {
        return client; // unknown or obfuscated: the last address we can name
      }
      client = NetUtil.bytesToIpAddress(bytes);
      if (!trusted.contains(bytes)) {
        return client;
      }
    }
    return client;
  }

  private static List<String> xForwardedFor(List<String> values) {
    return values.stream().flatMap(v -> java.util.Arrays.stream(v.split(","))).map(String::strip).toList();
  }

  /** The {@code for=} of each element of every {@code Forwarded} field, in order; an element without one is unknown. */
  private static List<String> forwardedFor(List<String> values) {
    return values.stream().flatMap(v -> java.util.Arrays.stream(v.split(","))).map(ClientAddresses::forOf).toList();
  }

  private static String forOf(String element) {
    for (String pair : element.split(";")) {
      int eq = pair.indexOf('=');
      if (eq > 0 && pair.substring(0, eq).strip().equalsIgnoreCase("for")) {
        return node(pair.substring(eq + 1).strip());
      }
    }
    return "unknown";
  }

  /** RFC 7239 §6: a node is an address, {@code "[v6]:port"} or {@code "v4:port"} quoted, or a name. */
  private static String node(String value) {
    String v = value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")
        ? value.substring(1, value.length() - 1) : value;
    if (v.startsWith("[")) {
      int close = v.indexOf(']');
      return close < 0 ? "unknown" : v.substring(1, close);
    }
    int colon = v.indexOf(':');
    return colon >= 0 && v.indexOf(':', colon + 1) < 0 ? v.substring(0, colon) : v;
  }
}
