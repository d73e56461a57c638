package dev.keycard.server.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keycard.core.audit.AuditAction;
import dev.keycard.core.audit.AuditEvent;
import dev.keycard.core.signedurl.UrlSigningKey;
import dev.keycard.core.signedurl.UrlSigningKeys;
import dev.keycard.core.stream.StreamId;
import dev.keycard.core.streamlimit.InMemoryPlaybackActivity;
import dev.keycard.core.streamlimit.StreamLimitPolicy;
import dev.keycard.core.testing.InMemoryStreamStore;
import dev.keycard.core.testing.MutableClock;
import dev.keycard.core.token.AccessToken;
import dev.keycard.server.config.StreamLimits;
import dev.keycard.server.monitoring.Monitoring;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Stream-start with the concurrent-stream limit: the order of the checks, the audit trail and the meters. */
class StreamLimiterTest {
  private static final Instant T0 = Instant.parse("2026-12-02T12:00:00Z");
  private static final StreamId CAM = new StreamId("cam");
  private final MutableClock clock = new MutableClock(T0);
  private final StreamRegistry registry = new StreamRegistry(new InMemoryStreamStore(), clock);
  private final List<AuditEvent> audit = new CopyOnWriteArrayList<>();
  private final List<String> revoked = new ArrayList<>();
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

  StreamLimiterTest() {
    registry.register(CAM);
  }

  private StreamStart start(StreamLimitPolicy policy) {
    StreamLimits limits = new StreamLimits(1, policy, Duration.ofSeconds(30));
    byte[] secret = new byte[32];
    Arrays.fill(secret, (byte) 5);
    PlaybackUrls urls = new PlaybackUrls(UrlSigningKeys.of(new UrlSigningKey("k1", secret)), UrlScheme.KEYCARD, clock);
    StreamLimiter limiter = new StreamLimiter(limits, new InMemoryPlaybackActivity(limits.rule(), clock), revoked::add,
        new Monitoring(meters, audit::add), clock);
    return new StreamStart(registry, new EdgeEntrySigner(urls, "https://edge.example", Duration.ofMinutes(5),
        Duration.ofHours(8), clock), new SecureRandom(), limiter);
  }

  private static AccessToken token(String sid, String... scopes) {
    return new AccessToken("alice", Set.of(scopes), "tv-app", "http://issuer", List.of("keycard-api"), "jti-" + sid, sid,
        T0, T0, T0.plusSeconds(900));
  }

  @Test
  void startBeyondTheLimitIsRefusedAuditedAsStreamRefusedAndCounted() {
    StreamStart start = start(StreamLimitPolicy.REFUSE);
    assertThat(start.blocks()).as("the limit may ask Redis: a worker thread").isTrue();
    assertThat(start.start(token("phone", "stream:watch"), CAM, "192.0.2.1")).isInstanceOf(StartResult.Started.class);

    StartResult result = start.start(token("tv", "stream:watch"), CAM, "192.0.2.7");

    assertThat(result).isEqualTo(new StartResult.TooManyStreams(1, 1));
    assertThat(audit).singleElement().satisfies(e -> {
      assertThat(e.action()).isEqualTo(AuditAction.STREAM_REFUSED);
      assertThat(e.outcome()).isEqualTo("refused");
      assertThat(e.reason()).isEqualTo("stream_limit");
      assertThat(e.subject()).isEqualTo("alice");
      assertThat(e.clientId()).isEqualTo("tv-app");
      assertThat(e.sessionId()).isEqualTo("tv");
      assertThat(e.clientIp()).isEqualTo("192.0.2.7");
      assertThat(e.details()).isEqualTo(Map.of("stream_id", "cam", "limit", "1", "active", "1"));
    });
    assertThat(meters.counter("keycard.stream.limit.refused").count()).isEqualTo(1.0);
    assertThat(revoked).isEmpty();
  }

  @Test
  void startBeyondTheLimitWithEvictOldestRevokesTheOldestSessionAndAuditsIt() {
    StreamStart start = start(StreamLimitPolicy.EVICT_OLDEST);
    start.start(token("phone", "stream:watch"), CAM, null);
    clock.advance(Duration.ofSeconds(3));

    assertThat(start.start(token("tv", "stream:watch"), CAM, null)).isInstanceOf(StartResult.Started.class);

    assertThat(revoked).containsExactly("phone");
    assertThat(audit).singleElement().satisfies(e -> {
      assertThat(e.action()).isEqualTo(AuditAction.SESSION_REVOKED);
      assertThat(e.reason()).isEqualTo("stream_limit");
      assertThat(e.sessionId()).isEqualTo("phone");
      assertThat(e.details()).isEqualTo(Map.of("stream_id", "cam", "by_session", "tv"));
    });
    assertThat(meters.counter("keycard.stream.limit.evictions").count()).isEqualTo(1.0);
  }

  @Test
  void startsRefusedForScopeOrAnUnknownStreamNeitherCountNorTakeASlot() {
    StreamStart start = start(StreamLimitPolicy.REFUSE);

    assertThat(start.start(token("phone", "profile"), CAM, null)).isInstanceOf(StartResult.NotEntitled.class);
    assertThat(start.start(token("phone", "stream:watch"), new StreamId("nope"), null))
        .isInstanceOf(StartResult.UnknownStream.class);

    assertThat(start.start(token("tv", "stream:watch"), CAM, null)).isInstanceOf(StartResult.Started.class);
    assertThat(audit).isEmpty();
  }
}
