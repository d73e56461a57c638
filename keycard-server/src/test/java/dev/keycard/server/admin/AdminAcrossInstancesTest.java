package dev.keycard.server.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keycard.server.testing.MediaClient;
import dev.keycard.server.testing.TestHttp;
import dev.keycard.server.testing.TestHttp.Answer;
import dev.keycard.server.testing.TestKeycard;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two instances on one store, as behind a load balancer: a session revoked through one instance's
 * admin API stops at the other's API and edge (its denylist catch-up, every second here); and each
 * instance shows the session use it served itself.
 */
class AdminAcrossInstancesTest {
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

  private static String login(TestHttp http, String user) {
    Answer login = http.login(user, user + "'s password");
    assertThat(login.status()).isEqualTo(200);
    return login.json().getString("access_token");
  }

  private static Duration within(BooleanSupplier condition) throws InterruptedException {
    long start = System.nanoTime();
    while (!condition.getAsBoolean()) {
      assertThat(Duration.ofNanos(System.nanoTime() - start)).as("waited for the other instance").isLessThan(BOUND);
      Thread.sleep(20);
    }
    return Duration.ofNanos(System.nanoTime() - start);
  }

  @Test
  void aSessionRevokedThroughOneInstanceStopsAtTheOthersApiAndEdge() throws Exception {
    TestKeycard a = start();
    TestKeycard b = start();
    a.addUser("root", "root's password", "keycard:admin");
    a.addUser("alice", "alice's password", "profile stream:watch");
    String admin = login(a.http(), "root");
    String alice = login(b.http(), "alice");
    Answer started = b.http().postJson("/api/v1/stream/start", new JsonObject().put("stream_id", "demo"),
        "Authorization", "Bearer " + alice);
    String playlist = started.json().getString("playlist_url");
    MediaClient edgeOfB = new MediaClient(b.server().edgeBaseUrl());
    assertThat(edgeOfB.get(playlist).status()).isEqualTo(200);

    // Each instance's own view: A served none of alice's requests, B served them all.
    JsonObject seenByA = sessions(a, admin, "alice").getJsonObject(0);
    JsonObject seenByB = sessions(b, admin, "alice").getJsonObject(0);
    assertThat(seenByA.getValue("last_used")).isNull();
    assertThat(seenByA.getJsonArray("active_streams")).isEmpty();
    assertThat(seenByB.getLong("last_used")).isNotNull();
    assertThat(seenByB.getString("last_ip")).isEqualTo("127.0.0.1");
    assertThat(seenByB.getJsonArray("active_streams")).hasSize(1);

    Answer revoked = a.http().method("DELETE", "/api/v1/admin/sessions/" + seenByA.getString("sid"),
        "Authorization", "Bearer " + admin);
    assertThat(revoked.status()).isEqualTo(200);

    Duration took = within(() -> b.http().me(alice).status() == 401);
    within(() -> edgeOfB.get(playlist).status() == 403);
    System.out.println("admin revocation through A refused at B after " + took.toMillis() + " ms");
  }

  private static io.vertx.core.json.JsonArray sessions(TestKeycard at, String admin, String user) {
    Answer answer = at.http().get("/api/v1/admin/users/" + user + "/sessions", "Authorization", "Bearer " + admin);
    assertThat(answer.status()).isEqualTo(200);
    return answer.json().getJsonArray("sessions");
  }
}
