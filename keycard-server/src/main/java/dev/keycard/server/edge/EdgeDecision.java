package dev.keycard.server.edge;

import dev.keycard.core.signedurl.UrlCheck;
import dev.keycard.core.stream.StreamId;
import dev.keycard.server.stream.UrlScheme;

/**
 * What the edge does with a request, decided by {@link PlaybackRules} before any I/O: refuse it, serve
 * a playlist (fetched from the origin and rewritten), or serve a segment (from the cache).
 */
public sealed interface EdgeDecision permits EdgeRefusal, EdgeDecision.ServePlaylist, EdgeDecision.ServeSegment {

  /**
   * @param path     the playlist's path at the edge ({@code /live/{stream}/{file}}), what its URIs resolve against
   * @param grant    the verified URL: its session, expiry, ticket mark and address binding
   * @param scheme   the keycard scheme the URL came in, which the playlist's URIs are signed in
   * @param clientIp the requester's address (a new playback session may be bound to it)
   */
  record ServePlaylist(StreamId stream, String file, String path, UrlCheck.Valid grant, UrlScheme scheme,
      String clientIp) implements EdgeDecision {}

  /** @param path the segment's path at the edge, also its cache key (the signature is not part of it) */
  record ServeSegment(StreamId stream, String file, String path) implements EdgeDecision {}
}
