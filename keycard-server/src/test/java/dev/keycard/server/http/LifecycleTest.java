package dev.keycard.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.SignedJWT;
import dev.keycard.server.cli.KeycardCommand;
import dev.keycard.server.testing.TestHttp.Answer;
import dev.keycard.server.testing.TestKeycard;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What must outlive a restart, a key rotation, a race or an outage. */
class LifecycleTest {
  @TempDir
  Path dataDir;

  @Test
  void restartKeepsUsersRefreshTokensAndRevocations() {
    try (TestKeycard keycard = TestKeycard.start(dataDir)) {
      keycard.addUser("frank", "frank's password", "stream:view");
      JsonObject kept = keycard.http().login("frank", "frank's password").json();
      JsonObject loggedOut = keycard.http().login("frank", "frank's password").json();
      assertThat(keycard.http().post("/auth/logout", null, "", "Authorization",
          "Bearer " + loggedOut.getString("access_token")).status()).isEqualTo(204);

      keycard.restart();

      assertThat(keycard.http().login("frank", "frank's password").status()).isEqualTo(200);
      // Same signing key after the restart: the old access token still verifies.
      assertThat(keycard.http().me(kept.getString("access_token")).status()).isEqualTo(200);
      assertThat(keycard.http().refresh(kept.getString("refresh_token")).status()).isEqualTo(200);
      // The revocation was durable.
      assertThat(keycard.http().me(loggedOut.getString("access_token")).status()).isEqualTo(401);
      assertThat(keycard.http().refresh(loggedOut.getString("refresh_token")).status()).isEqualTo(400);
    }
  }

  @Test
  void keyRotationFromTheCliKeepsOldTokensValidAndSignsNewOnesWithTheNewKey() throws Exception {
    try (TestKeycard keycard = TestKeycard.start(dataDir)) {
      keycard.addUser("gina", "gina's password", "");
      String before = keycard.http().login("gina", "gina's password").json().getString("access_token");
      String oldKid = SignedJWT.parse(before).getHeader().getKeyID();

      StringWriter out = new StringWriter();
      int exit = KeycardCommand.execute(new String[] {"keys", "rotate", "--data-dir", dataDir.toString()},
          new ByteArrayInputStream(new byte[0]), new PrintWriter(out, true), new PrintWriter(new StringWriter(), true),
          Map.of());
      assertThat(exit).isEqualTo(0);
      assertThat(out.toString()).contains("new signing key");
      keycard.server().runMaintenance();

      String after = keycard.http().login("gina", "gina's password").json().getString("access_token");
      String newKid = SignedJWT.parse(after).getHeader().getKeyID();
      assertThat(newKid).isNotEqualTo(oldKid);
      assertThat(keycard.http().me(before).status()).isEqualTo(200);
      assertThat(keycard.http().me(after).status()).isEqualTo(200);
      JWKSet jwks = JWKSet.parse(keycard.http().get("/.well-known/jwks.json").body());
      assertThat(jwks.getKeyByKeyId(oldKid)).isNotNull();
      assertThat(jwks.getKeyByKeyId(newKid)).isNotNull();
    }
  }

  @Test
  void parallelRefreshesWithTheSameTokenNeverBothSucceed() throws Exception {
    try (TestKeycard keycard = TestKeycard.start(dataDir)) {
      keycard.addUser("hank", "hank's password", "");
      for (int round = 0; round < 3; round++) {
        String refresh = keycard.http().login("hank", "hank's password").json().getString("refresh_token");
        int racers = 8;
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(racers);
        try {
          List<Future<Answer>> answers = new ArrayList<>();
          for (int i = 0; i < racers; i++) {
            answers.add(pool.submit(() -> {
              go.await();
              return keycard.http().refresh(refresh);
            }));
          }
          go.countDown();
          int ok = 0;
          for (Future<Answer> a : answers) {
            Answer answer = a.get();
            if (answer.status() == 200) {
              ok++;
            } else {
              assertThat(answer.status()).isEqualTo(400);
              assertThat(answer.json().getString("error")).isEqualTo("invalid_grant");
            }
          }
          assertThat(ok).isLessThanOrEqualTo(1);
        } finally {
          pool.shutdownNow();
        }
      }
    }
  }

  @Test
  void storeOutageIsServiceUnavailableNotACredentialError() {
    try (TestKeycard keycard = TestKeycard.start(dataDir)) {
      keycard.addUser("ivan", "ivan's password", "");
      String access = keycard.http().login("ivan", "ivan's password").json().getString("access_token");
      keycard.server().stores().close();

      Answer login = keycard.http().login("ivan", "ivan's password");
      assertThat(login.status()).isEqualTo(503);
      assertThat(login.json().getString("error")).isEqualTo("temporarily_unavailable");
      assertThat(login.header("Retry-After")).as("RFC 9110 §10.2.3: when to come back").isEqualTo("5");
      assertThat(login.body()).doesNotContain("Exception", "jdbc", "h2");
      assertThat(keycard.http().refresh("kcr_anything").status()).isEqualTo(503);
      // JWT checks need no database: the API keeps answering.
      assertThat(keycard.http().me(access).status()).isEqualTo(200);
    }
  }
}
