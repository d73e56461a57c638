package dev.keycard.server.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keycard.core.signedurl.UrlCheck;
import dev.keycard.core.signedurl.UrlSigningKey;
import dev.keycard.core.signedurl.UrlSigningKeys;
import dev.keycard.core.stream.StreamId;
import dev.keycard.core.testing.InMemoryStreamStore;
import dev.keycard.core.token.AccessToken;
import dev.keycard.core.testing.MutableClock;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Stream-start's decision and the URL it hands out, in both keycard schemes. */
class StreamStartTest {
  private static final Instant T0 = Instant.parse("2026-11-29T04:00:00.700Z");
  private static final StreamId CAM = new StreamId("cam");
  private final MutableClock clock = new MutableClock(T0);
  private final StreamRegistry registry = new StreamRegistry(new InMemoryStreamStore(), clock);
  private final UrlSigningKeys keys = UrlSigningKeys.of(new UrlSigningKey("k1", secret()));

  StreamStartTest() {
    registry.register(CAM);
  }

  private StreamStart start(UrlScheme scheme) {
    return new StreamStart(registry, new EdgeEntrySigner(new PlaybackUrls(keys, scheme, clock), "https://edge.example",
        Duration.ofMinutes(5), Duration.ofHours(8), clock), new SecureRandom());
  }

  @Test
  void signsTheEntryPlaylistForTheTokensSessionUntilTheWholeSecondAfterTheTtl() {
    StartResult result = start(UrlScheme.KEYCARD).start(token(Set.of("stream:watch"), "family-1"), CAM);

    StartResult.Started started = (StartResult.Started) result;
    assertThat(started.expiresAt()).isEqualTo(Instant.parse("2026-11-29T04:05:00Z"));
    URI url = URI.create(started.playlistUrl());
    assertThat(url.getScheme() + "://" + url.getAuthority()).isEqualTo("https://edge.example");
    UrlCheck.Valid valid = (UrlCheck.Valid) new PlaybackUrls(keys, UrlScheme.KEYCARD, clock)
        .verify(url.getRawPath(), url.getRawQuery(), null);
    assertThat(valid.path()).isEqualTo("/live/cam/index.m3u8");
    assertThat(valid.sessionId()).isEqualTo("family-1");
  }

  @Test
  void handsOutPathPrefixTokensWhenConfigured() {
    StartResult.Started started = (StartResult.Started) start(UrlScheme.PREFIX)
        .start(token(Set.of("stream:watch:cam"), "family-1"), CAM);

    URI url = URI.create(started.playlistUrl());
    assertThat(url.getRawPath()).startsWith("/t/").endsWith("/live/cam/index.m3u8");
    UrlCheck.Valid valid = (UrlCheck.Valid) new PlaybackUrls(keys, UrlScheme.KEYCARD, clock)
        .verify(url.getRawPath(), url.getRawQuery(), null);
    assertThat(valid.scope()).isEqualTo("/live/cam/");
    assertThat(valid.sessionId()).isEqualTo("family-1");
  }

  @Test
  void givesTokensWithoutAFamilyARandomSession() {
    StreamStart start = start(UrlScheme.KEYCARD);
    String first = ((StartResult.Started) start.start(token(Set.of("stream:watch"), null), CAM)).playlistUrl();
    String second = ((StartResult.Started) start.start(token(Set.of("stream:watch"), null), CAM)).playlistUrl();

    assertThat(first).contains("&sid=p-");
    assertThat(sid(first)).isNotEqualTo(sid(second));
  }

  @Test
  void checksEntitlementBeforeExistence() {
    StreamStart start = start(UrlScheme.KEYCARD);

    assertThat(start.start(token(Set.of("profile"), "f"), new StreamId("nope")))
        .isEqualTo(new StartResult.NotEntitled("stream:watch:nope"));
    assertThat(start.start(token(Set.of("stream:watch:other"), "f"), CAM))
        .isEqualTo(new StartResult.NotEntitled("stream:watch:cam"));
    assertThat(start.start(token(Set.of("stream:watch"), "f"), new StreamId("nope")))
        .isInstanceOf(StartResult.UnknownStream.class);
  }

  @Test
  void refusesPlaylistUrlLivesOutsideOneToTenMinutes() {
    PlaybackUrls urls = new PlaybackUrls(keys, UrlScheme.KEYCARD, clock);
    for (Duration bad : List.of(Duration.ofSeconds(59), Duration.ofMinutes(10).plusSeconds(1))) {
      assertThatThrownBy(() -> new EdgeEntrySigner(urls, "http://e", bad, Duration.ofHours(8), clock))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--playlist-url-ttl");
    }
  }

  private static String sid(String url) {
    return url.replaceAll(".*&sid=([^&]*)&.*", "$1");
  }

  private static AccessToken token(Set<String> scopes, String sid) {
    return new AccessToken("alice", scopes, "keycard", "http://issuer", List.of("keycard-api"), "jti-1", sid,
        T0, T0, T0.plusSeconds(900));
  }

  private static byte[] secret() {
    byte[] s = new byte[32];
    Arrays.fill(s, (byte) 3);
    return s;
  }
}
