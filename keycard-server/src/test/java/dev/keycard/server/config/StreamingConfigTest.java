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
    assertThatThrownBy(() -> UrlScheme.parse("akamai")).hasMessageContaining("--url-scheme");
  }

  private static final String SECRET = "secret-0123456789abcdefghijABCDEFGHIJ";

  private static StreamingConfig cdn(UrlScheme scheme, CdnConfig cdn) {
    return StreamingConfig.defaults().withCdn(scheme, cdn);
  }

  @Test
  void nginxSchemeRefusesToStartWithoutItsSecretBaseUrlOrOriginSecret() {
    assertThat(cdn(UrlScheme.NGINX, new CdnConfig(SECRET, "https://media.example.com/", SECRET, null, null, null))
        .cdn().mediaBaseUrl()).isEqualTo("https://media.example.com");
    assertThatThrownBy(() -> cdn(UrlScheme.NGINX, new CdnConfig(SECRET, "https://media.example.com", null, null, null, null)))
        .hasMessageContaining("KEYCARD_NGINX_SECRET").hasMessageContaining("--nginx-secret-file");
    assertThatThrownBy(() -> cdn(UrlScheme.NGINX, new CdnConfig(SECRET, null, SECRET, null, null, null)))
        .hasMessageContaining("--media-base-url");
    assertThatThrownBy(() -> cdn(UrlScheme.NGINX, new CdnConfig(null, "https://media.example.com", SECRET, null, null, null)))
        .hasMessageContaining("KEYCARD_ORIGIN_SECRET");
  }

  @Test
  void cloudFrontSchemeRefusesToStartWithoutItsKey() throws Exception {
    java.security.PrivateKey key = java.security.KeyPairGenerator.getInstance("RSA").generateKeyPair().getPrivate();
    assertThat(cdn(UrlScheme.CLOUDFRONT, new CdnConfig(SECRET, "https://media.example.com", null, "K2JCJMDEHXQW5F", key, null))
        .urlScheme()).isEqualTo(UrlScheme.CLOUDFRONT);
    assertThatThrownBy(() -> cdn(UrlScheme.CLOUDFRONT, new CdnConfig(SECRET, "https://media.example.com", null, null, key, null)))
        .hasMessageContaining("--cloudfront-key-pair-id");
    assertThatThrownBy(() -> cdn(UrlScheme.CLOUDFRONT, new CdnConfig(SECRET, "https://media.example.com", null, "K2JCJMDEHXQW5F", null, null)))
        .hasMessageContaining("--cloudfront-private-key-file");
    assertThatThrownBy(() -> new CdnConfig(SECRET, null, null, "K2J CJ", null, null)).hasMessageContaining("--cloudfront-key-pair-id");
    assertThatThrownBy(() -> new CdnConfig(SECRET, null, null, null, null, "example.com; Secure")).hasMessageContaining("--cloudfront-cookie-domain");
  }

  @Test
  void bindingToTheClientAddressIsRefusedWhereStreamStartCannotKnowIt() {
    CdnConfig nginx = new CdnConfig(SECRET, "https://media.example.com", SECRET, null, null, null);
    assertThatThrownBy(() -> StreamingConfig.defaults().withPlaybackSession(Duration.ofHours(8), true).withCdn(UrlScheme.NGINX, nginx))
        .hasMessageContaining("--playback-bind-ip");
  }

  @Test
  void secretsMustBeLongAndSafeInNginxConfigurationAndNeverShow() {
    assertThatThrownBy(() -> new CdnConfig("short", null, null, null, null, null)).hasMessageContaining("origin secret");
    assertThatThrownBy(() -> new CdnConfig(SECRET + "\"; return 200", null, null, null, null, null)).hasMessageContaining("origin secret");
    assertThatThrownBy(() -> new CdnConfig(null, null, SECRET + "$uri", null, null, null)).hasMessageContaining("nginx secret");
    assertThatThrownBy(() -> new CdnConfig(null, "https://media.example.com/live", null, null, null, null)).hasMessageContaining("--media-base-url");

    String shown = cdn(UrlScheme.NGINX, new CdnConfig(SECRET, "https://media.example.com", "n" + SECRET, null, null, null)).toString();
    assertThat(shown).doesNotContain(SECRET).contains("(hidden)");
  }
}
