package dev.keycard.server.stream;

import dev.keycard.core.stream.StreamId;
import dev.keycard.core.token.AccessToken;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * {@code POST /api/v1/stream/start}'s decision: is the token entitled to the stream, and if so, the
 * signed entry URL its {@link EntrySigner} makes for the configured delivery scheme.
 *
 * <p>The URL carries a playback-session id: the token's {@code sid} claim (its refresh-token family,
 * RFC 9068 §2.2 leaves {@code sid} to the issuer), so revoking that family (logout, refresh-token
 * reuse, an admin) makes the edge refuse every URL of this playback. A token without a family
 * (client credentials) gets a random id. The id is no secret: it is already readable in the JWT and
 * grants nothing by itself.
 */
public final class StreamStart {
  /** The alphabet signed URLs allow for session ids. */
  private static final Pattern SESSION_ID = Pattern.compile("[A-Za-z0-9._-]{1,128}");
  private static final StartResult UNKNOWN = new StartResult.UnknownStream();

  private final StreamRegistry registry;
  private final EntrySigner signer;
  private final SecureRandom random;
  private final StreamLimiter limiter;

  public StreamStart(StreamRegistry registry, EntrySigner signer, SecureRandom random) {
    this(registry, signer, random, null);
  }

  /** @param limiter the concurrent-stream limit, or {@code null} for none */
  public StreamStart(StreamRegistry registry, EntrySigner signer, SecureRandom random, StreamLimiter limiter) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.signer = Objects.requireNonNull(signer, "signer");
    this.random = Objects.requireNonNull(random, "random");
    this.limiter = limiter;
  }

  /**
   * Entitlement is checked before existence, so a token that may watch nothing cannot probe which
   * stream ids exist.
   */
  public StartResult start(AccessToken token, StreamId stream) {
    return start(token, stream, null);
  }

  /**
   * As {@link #start(AccessToken, StreamId)}; then, for an existing stream the token may watch, the
   * concurrent-stream limit.
   *
   * @param clientIp the caller's address (for the audit trail), or {@code null}
   */
  public StartResult start(AccessToken token, StreamId stream, String clientIp) {
    if (!StreamScopes.canWatch(token.scopes(), stream)) {
      return new StartResult.NotEntitled(StreamScopes.watchScope(stream));
    }
    if (!registry.isRegistered(stream)) {
      return UNKNOWN;
    }
    String sessionId = sessionId(token);
    if (limiter != null) {
      var refused = limiter.admit(token, sessionId, stream, clientIp);
      if (refused.isPresent()) {
        return refused.get();
      }
    }
    return signer.sign(stream, sessionId);
  }

  /**
   * Whether {@link #start} must run on a worker thread: when signing blocks (see
   * {@link EntrySigner#blocks()}), and with the concurrent-stream limit on (Redis, revocations).
   */
  public boolean blocks() {
    return signer.blocks() || limiter != null && limiter.enabled();
  }

  private String sessionId(AccessToken token) {
    String sid = token.sessionId();
    if (sid != null && SESSION_ID.matcher(sid).matches()) {
      return sid;
    }
    byte[] bytes = new byte[16];
    random.nextBytes(bytes);
    return "p-" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
