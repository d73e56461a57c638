package dev.keycard.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.SignedJWT;
import dev.keycard.core.testing.MutableClock;
import dev.keycard.server.cli.KeycardCommand;
import dev.keycard.server.testing.TestHttp.Answer;
import dev.keycard.server.testing.TestKeycard;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Lifetimes over HTTP, with a clock the test moves (no sleeping). */
class ExpiryTest {
  @TempDir
  Path dataDir;
  MutableClock clock;
  TestKeycard keycard;

  @BeforeEach
  void start() {
    clock = new MutableClock(Instant.now());
    keycard = TestKeycard.start(TestKeycard.config(dataDir), clock);
    keycard.addUser("pia", "pia's password", "stream:view");
  }

  @AfterEach
  void stop() {
    keycard.close();
  }

  @Test
  void accessTokenIsRefusedAsExpiredAfterItsLifetimePlusSkew() {
    String access = keycard.http().login("pia", "pia's password").json().getString("access_token");
    clock.advance(Duration.ofMinutes(15).plusSeconds(20));
    assertThat(keycard.http().me(access).status()).as("within the clock skew").isEqualTo(200);
    clock.advance(Duration.ofSeconds(15));
    Answer me = keycard.http().me(access);
    assertThat(me.status()).isEqualTo(401);
    assertThat(me.json().getString("error_description")).isEqualTo("The access token expired");
  }

  @Test
  void refreshTokenUnusedForTheIdleLifetimeIsRefused() {
    String refresh = keycard.http().login("pia", "pia's password").json().getString("refresh_token");
    clock.advance(Duration.ofDays(14).plusSeconds(1));
    Answer answer = keycard.http().refresh(refresh);
    assertThat(answer.status()).isEqualTo(400);
    assertThat(answer.json().getString("error")).isEqualTo("invalid_grant");
  }

  @Test
  void maintenancePurgesFamiliesPastTheirAbsoluteLifetime() throws Exception {
    JsonObject tokens = keycard.http().login("pia", "pia's password").json();
    String family = SignedJWT.parse(tokens.getString("access_token")).getJWTClaimsSet().getStringClaim("sid");
    var store = keycard.server().stores().refreshTokens();
    assertThat(store.findFamily(family)).isPresent();
    clock.advance(Duration.ofDays(30).plusSeconds(1));
    keycard.server().runMaintenance();
    assertThat(store.findFamily(family)).isEmpty();
  }

  @Test
  void retiredKeyLeavesTheJwksOnceItsTokensHaveExpired() throws Exception {
    String before = keycard.http().login("pia", "pia's password").json().getString("access_token");
    String oldKid = SignedJWT.parse(before).getHeader().getKeyID();
    int exit = KeycardCommand.execute(new String[] {"keys", "rotate", "--data-dir", dataDir.toString()},
        new ByteArrayInputStream(new byte[0]), new PrintWriter(new StringWriter(), true),
        new PrintWriter(new StringWriter(), true), Map.of());
    assertThat(exit).isEqualTo(0);
    keycard.server().runMaintenance();
    assertThat(JWKSet.parse(keycard.http().get("/.well-known/jwks.json").body()).getKeyByKeyId(oldKid)).isNotNull();

    // The CLI retired the old key at the real time; past lifetime + skew from then, it is dropped.
    clock.set(Instant.now().plus(Duration.ofMinutes(15)).plusSeconds(31));
    keycard.server().runMaintenance();
    JWKSet jwks = JWKSet.parse(keycard.http().get("/.well-known/jwks.json").body());
    assertThat(jwks.getKeyByKeyId(oldKid)).isNull();
    assertThat(jwks.getKeys()).hasSize(1);
  }
}
