package dev.keycard.server.stream;

import dev.keycard.core.signedurl.NginxDirectoryToken;
import dev.keycard.core.signedurl.UrlGrant;
import dev.keycard.core.signedurl.UrlSigner;
import dev.keycard.core.stream.StreamId;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Objects;

/**
 * Entry URLs for an nginx in front of keycard's origin: {@code {media}/s/{md5}/{expires}/live/{stream}/index.m3u8},
 * a directory token that the playlist's relative URIs inherit, so nginx checks every request by
 * itself and serves the origin's playlists unmodified (docs/signed-urls.md, scheme 5).
 *
 * <p>nginx can neither renew the token nor consult keycard's revocations, and a player reloads the
 * same playlist URL for as long as it plays, so the token lives for the whole playback session
 * ({@code --playback-session-ttl}). The playback session id is not in the token: revocation at nginx
 * is by expiry only. One MD5: fast enough for the event loop.
 */
public final class NginxEntrySigner implements EntrySigner {
  private final UrlSigner signer;
  private final String mediaBaseUrl;
  private final Duration ttl;
  private final InstantSource clock;

  /** @param mediaBaseUrl where players reach nginx, {@code https://media.example.com}, no trailing slash */
  public NginxEntrySigner(NginxDirectoryToken token, String mediaBaseUrl, Duration ttl, InstantSource clock) {
    this.signer = Objects.requireNonNull(token, "token").signer();
    this.mediaBaseUrl = Objects.requireNonNull(mediaBaseUrl, "mediaBaseUrl");
    this.ttl = Objects.requireNonNull(ttl, "ttl");
    this.clock = Objects.requireNonNull(clock, "clock");
    if (token.bindsClientIp()) {
      // Stream-start does not know the address nginx will see (proxies, NAT, mobile networks).
      throw new IllegalArgumentException("stream-start signs nginx tokens without a client address");
    }
  }

  @Override
  public StartResult.Started sign(StreamId stream, String sessionId) {
    Instant expiresAt = Instant.ofEpochSecond(clock.instant().plus(ttl).getEpochSecond());
    return new StartResult.Started(mediaBaseUrl + signer.sign(UrlGrant.of(stream.entryPlaylistPath(), expiresAt)), expiresAt,
        ttl);
  }
}
