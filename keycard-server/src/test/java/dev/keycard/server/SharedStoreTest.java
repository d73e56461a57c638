package dev.keycard.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.SignedJWT;
import dev.keycard.core.signedurl.UrlSigningKey;
import dev.keycard.server.cli.KeycardCommand;
import dev.keycard.server.store.h2.H2Database;
import dev.keycard.server.testing.MediaClient;
import dev.keycard.server.testing.MediaClient.Reply;
import dev.keycard.server.testing.TestHttp.Answer;
import dev.keycard.server.testing.TestKeycard;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several keycard instances on one store, as behind a load balancer: two servers in this JVM on one
 * data directory (the H2 database with {@code AUTO_SERVER}, which a second process would reach over
 * loopback). What one instance does, the other honours: revocations within the denylist catch-up
 * interval, signing keys and URL-signing keys at once (one of each, however the instances start) or
 * after the periodic reload.
 */
class SharedStoreTest {
  /** Generous for a loaded two-core machine; the catch-up runs every second. */
  private static final Duration BOUND = Duration.ofSeconds(15);

  @TempDir
  Path dataDir;
  private final List<TestKeycard> instances = new ArrayList<>();

  @AfterEach
  void stop() {
    instances.forEach(TestKeycard::close);
  }

  private TestKeycard start() {
    TestKeycard k = TestKeycard.start(dataDir);
    instances.add(k);
    return k;
  }

  private static String bearer(String token) {
    return "Bearer " + token;
  }

  private static String playlistUrl(TestKeycard at, String accessToken) {
    Answer started = at.http().postJson("/api/v1/stream/start", new JsonObject().put("stream_id", "demo"),
        "Authorization", bearer(accessToken));
    assertThat(started.status()).isEqualTo(200);
    return started.json().getString("playlist_url");
  }

  /** Polls until {@code done}, at most {@link #BOUND}; returns how long it took. */
  private static Duration await(Supplier<Boolean> done) throws InterruptedException {
    long start = System.nanoTime();
    while (!done.get()) {
      assertThat(Duration.ofNanos(System.nanoTime() - start)).as("waited for the other instance").isLessThan(BOUND);
      Thread.sleep(50);
    }
    return Duration.ofNanos(System.nanoTime() - start);
  }

  @Test
  void logoutThroughOneInstanceIsRefusedByTheOtherAfterItsCatchUpAtTheApiAndTheEdge() throws Exception {
    TestKeycard a = start();
    TestKeycard b = start();
    a.addUser("alice", "alice's password", "profile stream:watch");
    String access = b.http().login("alice", "alice's password").json().getString("access_token");
    MediaClient edgeA = new MediaClient(a.server().edgeBaseUrl());
    Reply media = edgeA.mediaPlaylist(playlistUrl(a, access));
    String segment = MediaClient.uriLines(media.text()).getFirst();
    assertThat(a.http().me(access).status()).isEqualTo(200);
    assertThat(edgeA.get(segment).status()).isEqualTo(200);
    long seenBefore = a.server().denylist().lastSequence();

    assertThat(b.http().post("/auth/logout", null, "", "Authorization", bearer(access)).status()).isEqualTo(204);

    assertThat(b.http().me(access).status()).isEqualTo(401);
    Duration took = await(() -> a.http().me(access).status() == 401);
    Answer refused = a.http().me(access);
    assertThat(refused.json().getString("error_description")).isEqualTo("The access token was revoked");
    Reply cut = edgeA.get(segment);
    assertThat(cut.status()).isEqualTo(403);
    assertThat(new JsonObject(cut.text()).getString("error")).isEqualTo("session_revoked");
    assertThat(a.server().denylist().lastSequence()).isGreaterThan(seenBefore);
    System.out.println("instance A refused the token logged out through B after " + took.toMillis() + " ms");
  }

  /** Two instances starting at once on an empty database: one signer and one URL key between them. */
  @RepeatedTest(2)
  void instancesStartingTogetherOnAnEmptyDatabaseMakeOneSigningKeyAndOneUrlKey() throws Exception {
    int count = 2;
    CountDownLatch go = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(count);
    List<Future<TestKeycard>> started = new ArrayList<>();
    try {
      for (int i = 0; i < count; i++) {
        started.add(pool.submit(() -> {
          go.await();
          return TestKeycard.start(dataDir);
        }));
      }
      go.countDown();
      for (Future<TestKeycard> f : started) {
        instances.add(f.get(60, TimeUnit.SECONDS));
      }
    } finally {
      pool.shutdown();
    }
    TestKeycard a = instances.get(0);
    TestKeycard b = instances.get(1);

    assertThat(a.server().stores().signingKeys().all()).hasSize(1);
    assertThat(a.server().stores().urlKeys().newestFirst()).hasSize(1);
    a.addUser("bob", "bob's password", "profile stream:watch");
    String fromA = a.http().login("bob", "bob's password").json().getString("access_token");
    String fromB = b.http().login("bob", "bob's password").json().getString("access_token");
    assertThat(b.http().me(fromA).status()).isEqualTo(200);
    assertThat(a.http().me(fromB).status()).isEqualTo(200);
    // A ticket from A's API opens a playback session at B's edge.
    String ticket = playlistUrl(a, fromA).replace(a.server().edgeBaseUrl(), b.server().edgeBaseUrl());
    assertThat(new MediaClient(b.server().edgeBaseUrl()).mediaPlaylist(ticket).status()).isEqualTo(200);
  }

  @Test
  void keysRotateReachesEveryRunningInstanceWithoutARestart() throws Exception {
    TestKeycard a = start();
    TestKeycard b = start();
    a.addUser("carol", "carol's password", "profile");
    String before = a.http().login("carol", "carol's password").json().getString("access_token");

    int exit = KeycardCommand.execute(new String[] {"keys", "rotate", "--data-dir", dataDir.toString()},
        new ByteArrayInputStream(new byte[0]), new PrintWriter(new StringWriter(), true),
        new PrintWriter(new StringWriter(), true), Map.of());
    assertThat(exit).isZero();
    // The periodic reload, run now instead of waiting for its timer.
    a.server().runMaintenance();
    b.server().runMaintenance();

    String after = a.http().login("carol", "carol's password").json().getString("access_token");
    String newKid = SignedJWT.parse(after).getHeader().getKeyID();
    assertThat(newKid).isNotEqualTo(SignedJWT.parse(before).getHeader().getKeyID());
    assertThat(b.http().me(after).status()).isEqualTo(200);
    assertThat(b.http().me(before).status()).as("the retired key still verifies").isEqualTo(200);
    assertThat(b.http().get("/.well-known/jwks.json").body()).contains(newKid);
  }

  @Test
  void aUrlKeyAnotherProcessStoredSignsAndVerifiesAfterTheNextReload() throws Exception {
    TestKeycard a = start();
    a.addUser("dan", "dan's password", "stream:watch");
    String access = a.http().login("dan", "dan's password").json().getString("access_token");
    String oldTicket = playlistUrl(a, access);
    String oldKey = a.server().stores().urlKeys().newestFirst().getFirst().keyId();

    // Another process (a future `keycard` command, another instance) stores a newer key.
    byte[] secret = new byte[UrlSigningKey.MIN_SECRET_BYTES];
    new java.security.SecureRandom().nextBytes(secret);
    try (H2Database other = H2Database.open(dataDir);
        Connection c = other.dataSource().getConnection();
        PreparedStatement insert = c.prepareStatement(
            "INSERT INTO url_signing_keys (key_id, secret, created_at) VALUES ('u-newer', ?, ?)")) {
      insert.setString(1, Base64.getUrlEncoder().withoutPadding().encodeToString(secret));
      insert.setObject(2, OffsetDateTime.now(ZoneOffset.UTC).plusSeconds(1));
      insert.executeUpdate();
    }
    a.server().runMaintenance();

    String newTicket = playlistUrl(a, access);
    MediaClient edge = new MediaClient(a.server().edgeBaseUrl());
    assertThat(newTicket).contains("kid=u-newer").doesNotContain("kid=" + oldKey);
    assertThat(edge.mediaPlaylist(newTicket).status()).isEqualTo(200);
    assertThat(edge.mediaPlaylist(oldTicket).status()).as("a URL signed before still works").isEqualTo(200);
  }
}
