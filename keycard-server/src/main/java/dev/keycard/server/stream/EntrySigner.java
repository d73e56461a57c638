package dev.keycard.server.stream;

import dev.keycard.core.stream.StreamId;

/**
 * Signs what a player starts a stream from: the entry playlist URL that stream-start hands out (and,
 * for CDNs that check cookies, the cookies that go with it). One implementation per delivery scheme:
 * keycard's own edge, nginx {@code secure_link}, CloudFront. Signing only: no I/O, so it runs on an
 * event loop.
 */
@FunctionalInterface
public interface EntrySigner {

  /**
   * @param stream    a registered stream the viewer is entitled to
   * @param sessionId the playback session ({@code [A-Za-z0-9._-]{1,128}}), which revocation cuts
   */
  StartResult.Started sign(StreamId stream, String sessionId);

  /**
   * Whether {@link #sign} is too slow for an event loop (an RSA signature, for CloudFront), so
   * stream-start calls it on a worker thread.
   */
  default boolean blocks() {
    return false;
  }
}
