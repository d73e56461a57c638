package dev.keycard.server.stream;

import dev.keycard.core.signedurl.CloudFrontCookies;
import dev.keycard.core.signedurl.CloudFrontPolicy;
import dev.keycard.core.signedurl.CloudFrontSigner;
import dev.keycard.core.stream.StreamId;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Stream-start for CloudFront, in the standard HLS pattern: signed cookies carrying a custom policy
 * whose resource is the stream's directory ({@code https://media.example.com/live/{stream}/*}), valid
 * for the playback session ({@code --playback-session-ttl}), and the plain playlist URL. The player's
 * requests for the unmodified playlist and every segment carry the cookies; CloudFront checks them.
 *
 * <p>CloudFront cannot consult keycard's revocations: revocation there is by expiry only. Signing is
 * RSA, so stream-start runs it on a worker thread ({@link #blocks()}).
 *
 * @see <a href="https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-setting-signed-cookie-custom-policy.html">CloudFront: signed cookies with a custom policy</a>
 */
public final class CloudFrontEntrySigner implements EntrySigner {
  private final CloudFrontSigner signer;
  private final String mediaBaseUrl;
  private final String cookieDomain;
  private final Duration ttl;
  private final InstantSource clock;

  /**
   * @param mediaBaseUrl the distribution as players reach it, {@code https://media.example.com}
   * @param cookieDomain the cookies' {@code Domain}, or {@code null} for host-only cookies
   */
  public CloudFrontEntrySigner(CloudFrontSigner signer, String mediaBaseUrl, String cookieDomain, Duration ttl,
      InstantSource clock) {
    this.signer = Objects.requireNonNull(signer, "signer");
    this.mediaBaseUrl = Objects.requireNonNull(mediaBaseUrl, "mediaBaseUrl");
    this.cookieDomain = cookieDomain;
    this.ttl = Objects.requireNonNull(ttl, "ttl");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** The policy for one stream's directory until {@code expiresAt}. */
  public CloudFrontPolicy policy(StreamId stream, Instant expiresAt) {
    return new CloudFrontPolicy(mediaBaseUrl + stream.livePrefix() + "*", expiresAt, null, null);
  }

  @Override
  public StartResult.Started sign(StreamId stream, String sessionId) {
    Instant now = clock.instant();
    Instant expiresAt = Instant.ofEpochSecond(now.plus(ttl).getEpochSecond());
    Duration maxAge = Duration.ofSeconds(expiresAt.getEpochSecond() - now.getEpochSecond());
    CloudFrontCookies signed = signer.cookies(policy(stream, expiresAt));
    List<PlaybackCookie> cookies = new ArrayList<>(4);
    for (Map.Entry<String, String> c : signed.asMap().entrySet()) {
      cookies.add(new PlaybackCookie(c.getKey(), c.getValue(), cookieDomain, stream.livePrefix(), maxAge));
    }
    return new StartResult.Started(mediaBaseUrl + stream.entryPlaylistPath(), expiresAt, ttl, cookies);
  }

  @Override
  public boolean blocks() {
    return true;
  }
}
