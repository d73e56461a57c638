package dev.keycard.store.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RedisEndpointTest {

  @Test
  void acceptsRedisRedissAndSentinelUrls() {
    assertThat(new RedisEndpoint("redis://127.0.0.1:6379", null).where()).isEqualTo("redis://127.0.0.1:6379");
    assertThat(new RedisEndpoint("rediss://cache.example:6380/2", null).where()).isEqualTo("rediss://cache.example:6380");
    assertThat(new RedisEndpoint("redis-sentinel://s1:26379,s2:26379/0#main", null).where())
        .isEqualTo("redis-sentinel://s1:26379,s2:26379#main");
  }

  @Test
  void refusesOtherSchemesWithoutRepeatingTheUrl() {
    assertThatThrownBy(() -> new RedisEndpoint("http://user:s3cret@host", null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--redis-url").hasMessageNotContaining("s3cret");
    assertThatThrownBy(() -> new RedisEndpoint("127.0.0.1:6379", null)).hasMessageContaining("--redis-url");
  }

  @Test
  void refusesASentinelUrlWithoutItsMaster() {
    assertThatThrownBy(() -> new RedisEndpoint("redis-sentinel://:s3cret@s1:26379", null))
        .hasMessageContaining("#").hasMessageNotContaining("s3cret");
  }

  @Test
  void refusesAPasswordGivenTwice() {
    assertThatThrownBy(() -> new RedisEndpoint("redis://:inurl@host:6379", "fromfile"))
        .hasMessageContaining("twice").hasMessageNotContaining("inurl").hasMessageNotContaining("fromfile");
  }

  @Test
  void toStringNeverShowsThePassword() {
    assertThat(new RedisEndpoint("redis://:inurl@host:6379", null).toString())
        .doesNotContain("inurl").contains("(hidden)").contains("host:6379");
    assertThat(new RedisEndpoint("redis://host:6379", "fromfile").toString()).doesNotContain("fromfile").contains("(hidden)");
    assertThat(new RedisEndpoint("redis://host:6379", null).toString()).contains("password=none");
  }
}
