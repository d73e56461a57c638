package dev.keycard.resourceserver.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpHeaders;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How long a fetched document may be reused, from its {@code Cache-Control} (RFC 9111 §5.2.2). */
class IssuerHttpTest {
  private static Duration maxAge(String... values) {
    return IssuerHttp.maxAge(HttpHeaders.of(values.length == 0 ? Map.of() : Map.of("Cache-Control", List.of(values)),
        (a, b) -> true));
  }

  @Test
  void maxAgeIsReadAndNoStoreOrNoCacheMeanRefetch() {
    assertThat(maxAge("public, max-age=60")).isEqualTo(Duration.ofSeconds(60));
    assertThat(maxAge("max-age=\"300\"")).isEqualTo(Duration.ofSeconds(300));
    assertThat(maxAge("public", "s-maxage=5, max-age=7")).isEqualTo(Duration.ofSeconds(7));
    assertThat(maxAge("no-store")).isEqualTo(Duration.ZERO);
    assertThat(maxAge("no-cache, max-age=60")).isEqualTo(Duration.ZERO);
    assertThat(maxAge("public")).isNull();
    assertThat(maxAge()).isNull();
  }

  @Test
  void basicClientAuthenticationFormEncodesIdAndSecretBeforeJoiningThem() {
    String header = IssuerHttp.basic("svc:a", "p@ss word/");
    String decoded = new String(java.util.Base64.getDecoder().decode(header.substring("Basic ".length())),
        java.nio.charset.StandardCharsets.UTF_8);
    assertThat(header).startsWith("Basic ");
    assertThat(decoded).isEqualTo("svc%3Aa:p%40ss+word%2F");
  }
}
