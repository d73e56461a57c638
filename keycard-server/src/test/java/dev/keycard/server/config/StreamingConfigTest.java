package dev.keycard.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keycard.server.stream.UrlScheme;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Live-delivery settings fail fast, naming the option. */
class StreamingConfigTest {
  private static StreamingConfig config(int edgePort, String baseUrl, Duration ttl, long cacheBytes) {
    return new StreamingConfig(edgePort, baseUrl, ttl, UrlScheme.KEYCARD, true, cacheBytes,
        StreamingConfig.DEFAULT_PLAYBACK_SESSION_TTL, false);
  }

  @Test
  void acceptsTheDefaultsAndDerivesTheBaseUrlFromTheBoundPort() {
    StreamingConfig c = config(8081, null, Duration.ofMinutes(5), 256L << 20);
    assertThat(c.edgeBaseUrl(8081)).isEqualTo("http://localhost:8081");
    assertThat(config(8081, "https://cdn.example.com/", Duration.ofMinutes(1), 1 << 20).edgeBaseUrl(8081))
        .isEqualTo("https://cdn.example.com");
  }

  @Test
  void refusesPlaylistUrlLivesOutsideOneToTenMinutes() {
    assertThatThrownBy(() -> config(8081, null, Duration.ofSeconds(59), 1 << 20)).hasMessageContaining("--playlist-url-ttl");
    assertThatThrownBy(() -> config(8081, null, Duration.ofMinutes(11), 1 << 20)).hasMessageContaining("--playlist-url-ttl");
  }

  @Test
  void refusesPlaybackSessionsShorterThanAMinuteOrLongerThanAWeek() {
    StreamingConfig c = StreamingConfig.defaults();
    assertThat(c.playbackSessionTtl()).isEqualTo(Duration.ofHours(8));
    assertThat(c.withPlaybackSession(Duration.ofMinutes(1), true).bindPlaybackToClient()).isTrue();
    assertThatThrownBy(() -> c.withPlaybackSession(Duration.ofSeconds(59), false)).hasMessageContaining("--playback-session-ttl");
    assertThatThrownBy(() -> c.withPlaybackSession(Duration.ofDays(8), false)).hasMessageContaining("--playback-session-ttl");
  }

  @Test
  void refusesBadEdgeSettings() {
    assertThatThrownBy(() -> config(70_000, null, Duration.ofMinutes(5), 1 << 20)).hasMessageContaining("--edge-port");
    assertThatThrownBy(() -> config(8081, "ftp://cdn", Duration.ofMinutes(5), 1 << 20)).hasMessageContaining("--edge-base-url");
    assertThatThrownBy(() -> config(8081, "https://cdn/path", Duration.ofMinutes(5), 1 << 20)).hasMessageContaining("--edge-base-url");
    assertThatThrownBy(() -> config(8081, "https://cdn?x=1", Duration.ofMinutes(5), 1 << 20)).hasMessageContaining("--edge-base-url");
    assertThatThrownBy(() -> config(8081, null, Duration.ofMinutes(5), 1024)).hasMessageContaining("--edge-cache");
    assertThatThrownBy(() -> UrlScheme.parse("nginx")).hasMessageContaining("--url-scheme");
  }
}
