package dev.keycard.sample;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keycard.resourceserver.testing.ServiceFixture;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** keycard stopped: the service goes on checking tokens with the keys it holds, and says its revocations are not current. */
class SampleServiceWithoutKeycardTest {
  @TempDir
  Path dataDir;

  @Test
  void theServiceKeepsValidatingWithItsCachedKeysWhenKeycardIsGone() throws Exception {
    ServiceFixture fixture = ServiceFixture.start(dataDir);
    try (SampleProcess sample = SampleProcess.start(SampleServiceTest.environment(fixture, "30"))) {
      String neverSeen = fixture.login();
      assertThat(sample.http().get("/keycard/health").status()).isEqualTo(200);

      fixture.close();

      assertThat(sample.http().get("/hello", "Authorization", "Bearer " + neverSeen).status()).isEqualTo(200);
      assertThat(sample.http().get("/hello", "Authorization", "Bearer " + ServiceFixture.tampered(neverSeen)).status())
          .isEqualTo(401);
      assertThat(sample.http().get("/keycard/health").json().getBoolean("feedFollowed")).isTrue();
    } finally {
      fixture.close();
    }
  }
}
