package dev.keycard.server.edge;

import static dev.keycard.server.edge.TestEdge.A;
import static dev.keycard.server.edge.TestEdge.B;
import static org.assertj.core.api.Assertions.assertThat;

import dev.keycard.core.signedurl.UrlCheck;
import dev.keycard.core.signedurl.UrlSigningKey;
import dev.keycard.core.signedurl.UrlSigningKeys;
import dev.keycard.server.stream.MediaType;
import dev.keycard.server.stream.PlaybackUrls;
import dev.keycard.server.stream.UrlScheme;
import dev.keycard.server.testing.MediaClient;
import dev.keycard.server.testing.MediaClient.Reply;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The edge over real HTTP: what it serves, what it refuses, and how its segment cache behaves. */
class EdgeTest {
  private TestEdge edge;

  @AfterEach
  void stop() {
    if (edge != null) {
      edge.close();
    }
  }

  private TestEdge edge() {
    edge = new TestEdge();
    edge.publish(A, 4, 2_000);
    edge.publish(B, 4, 2_000);
    return edge;
  }

  @Test
  void rewritesPlaylistSoEveryUriIsSignedForTheSameSessionAndNotStored() {
    TestEdge e = edge();
    Reply playlist = e.client.get(e.signed("/live/a/index.m3u8"));

    assertThat(playlist.status()).isEqualTo(200);
    assertThat(playlist.header("Content-Type")).isEqualTo("application/vnd.apple.mpegurl");
    assertThat(playlist.header("Cache-Control")).isEqualTo("no-store");
    List<String> uris = MediaClient.uriLines(playlist.text());
    assertThat(uris).hasSize(4);
    for (String uri : uris) {
      URI u = URI.create(uri);
      UrlCheck check = e.urls.verify(u.getRawPath(), u.getRawQuery(), null);
      assertThat(check).isInstanceOf(UrlCheck.Valid.class);
      UrlCheck.Valid valid = (UrlCheck.Valid) check;
      assertThat(valid.path()).startsWith("/live/a/seg-");
      assertThat(valid.sessionId()).isEqualTo("s-1");
      // Three target durations of 2 s would be 6 s: the floor of 20 s applies.
      assertThat(valid.expiresAt()).isEqualTo(TestEdge.T0.plusSeconds(20));
    }
  }

  @Test
  void signsUriAttributesOfFmp4AndLowLatencyTags() {
    TestEdge e = edge();
    e.putPlaylist(A, """
        #EXTM3U
        #EXT-X-VERSION:9
        #EXT-X-TARGETDURATION:4
        #EXT-X-PART-INF:PART-TARGET=1.0
        #EXT-X-MAP:URI="init.mp4"
        #EXTINF:4.000,
        seg-0.m4s
        #EXT-X-PART:DURATION=1.0,URI="seg-1.part0.m4s"
        #EXT-X-PRELOAD-HINT:TYPE=PART,URI="seg-1-part1.m4s"
        """);
    Reply playlist = e.client.get(e.signed("/live/a/index.m3u8"));

    assertThat(playlist.status()).isEqualTo(200);
    Matcher uri = Pattern.compile("URI=\"([^\"]*)\"").matcher(playlist.text());
    int attributes = 0;
    while (uri.find()) {
      attributes++;
      assertThat(uri.group(1)).startsWith("/live/a/").contains("&sig=");
    }
    assertThat(attributes).isEqualTo(3);
    assertThat(MediaClient.uriLines(playlist.text())).singleElement().asString().startsWith("/live/a/seg-0.m4s?exp=");
    // Twelve seconds: three target durations of 4 s, under the 20 s floor.
    assertThat(playlist.text()).contains("exp=" + TestEdge.T0.plusSeconds(20).getEpochSecond());
  }

  @Test
  void servesSegmentNamedByThePlaylistWithItsContentType() {
    TestEdge e = edge();
    String segment = MediaClient.uriLines(e.client.get(e.signed("/live/a/index.m3u8")).text()).get(2);

    Reply reply = e.client.get(segment);

    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.header("Content-Type")).isEqualTo("video/mp2t");
    assertThat(reply.header("X-Content-Type-Options")).isEqualTo("nosniff");
    assertThat(reply.header("Access-Control-Allow-Origin")).isEqualTo("*");
    assertThat(reply.body()).isEqualTo(TestEdge.ts(2_000, 2));
  }

  @Test
  void answersHeadWithTheHeadersOnly() {
    TestEdge e = edge();
    for (int i = 0; i < 2; i++) { // a miss, then a segment from the cache
      Reply reply = e.client.method("HEAD", e.signed("/live/a/seg-1.ts"));

      assertThat(reply.status()).isEqualTo(200);
      assertThat(reply.header("Content-Type")).isEqualTo("video/mp2t");
      assertThat(reply.header("Content-Length")).isEqualTo("2000");
      assertThat(reply.body()).isEmpty();
    }
    // No body slipped out after a head: the next answer on the keep-alive connection is whole.
    assertThat(e.client.get(e.signed("/live/a/seg-1.ts")).body()).isEqualTo(TestEdge.ts(2_000, 1));
  }

  @Test
  void refusesUnsignedRequest() {
    assertRefused(edge().client.get("/live/a/index.m3u8"), 403, "missing_signature");
  }

  @Test
  void refusesTamperedSignature() {
    TestEdge e = edge();
    String url = e.signed("/live/a/seg-0.ts");
    int at = url.indexOf("sig=") + 4;
    String tampered = url.substring(0, at) + (url.charAt(at) == 'A' ? 'B' : 'A') + url.substring(at + 1);

    assertRefused(e.client.get(tampered), 403, "bad_signature");
  }

  @Test
  void refusesUrlWhosePathOrExpiryWasChanged() {
    TestEdge e = edge();
    String url = e.signed("/live/a/seg-0.ts");

    assertRefused(e.client.get(url.replace("seg-0.ts", "seg-1.ts")), 403, "bad_signature");
    String exp = url.replaceAll(".*exp=([0-9]+).*", "$1");
    assertRefused(e.client.get(url.replace("exp=" + exp, "exp=" + (Long.parseLong(exp) + 3600))), 403, "bad_signature");
    assertRefused(e.client.get(url.replace("sid=s-1", "sid=s-2")), 403, "bad_signature");
  }

  @Test
  void refusesExpiredUrl() {
    TestEdge e = edge();
    String url = e.signed("/live/a/seg-0.ts", Duration.ofSeconds(10), "s-1");
    assertThat(e.client.get(url).status()).isEqualTo(200);

    e.clock.advance(Duration.ofSeconds(10));

    assertRefused(e.client.get(url), 410, "expired");
  }

  @Test
  void refusesUrlSignedForAnotherStream() {
    TestEdge e = edge();
    String forA = e.signed("/live/a/index.m3u8");

    assertRefused(e.client.get(forA.replace("/live/a/", "/live/b/")), 403, "bad_signature");
  }

  @Test
  void refusesPathPrefixTokenOfAnotherStream() {
    TestEdge e = edge();
    String forA = e.urls.sign(UrlScheme.PREFIX, "/live/a/index.m3u8", e.clock.instant().plusSeconds(60), "s-1", null);
    assertThat(e.client.get(forA).status()).isEqualTo(200);

    assertRefused(e.client.get(forA.replace("/live/a/", "/live/b/")), 403, "wrong_scope");
  }

  @Test
  void refusesUrlSignedWithUnknownKeyId() {
    TestEdge e = edge();
    PlaybackUrls stranger = new PlaybackUrls(UrlSigningKeys.of(new UrlSigningKey("k2", TestEdge.secret(2))),
        UrlScheme.KEYCARD, e.clock);

    assertRefused(e.client.get(stranger.sign("/live/a/seg-0.ts", e.clock.instant().plusSeconds(60), "s-1")),
        403, "unknown_key");
  }

  @Test
  void refusesPathTraversal() {
    TestEdge e = edge();
    String query = e.signed("/live/a/index.m3u8").replaceAll("^[^?]*", "");

    assertRefused(e.client.get("/live/a/../b/index.m3u8" + query), 400, "path_traversal");
    assertRefused(e.client.get("/live/a/%2e%2e/b/index.m3u8" + query), 400, "path_traversal");
    assertRefused(e.client.get("/live/a/..%2fb/index.m3u8" + query), 400, "path_traversal");
  }

  @Test
  void fetchesOnlyFilesOfTheOriginsStreamsEvenWhenSigned() {
    TestEdge e = edge();

    assertRefused(e.client.get(e.signed("/etc/passwd")), 404, "not_found");
    assertRefused(e.client.get(e.signed("/live/unknown/index.m3u8")), 404, "not_found");
    assertRefused(e.client.get(e.signed("/live/a/sub/seg-0.ts")), 404, "not_found");
    assertRefused(e.client.get(e.signed("/live/a/seg-0.exe")), 404, "not_found");
    assertRefused(e.client.get(e.signed("/live/a/seg-99.ts")), 404, "not_found");
  }

  @Test
  void refusesOtherMethods() {
    TestEdge e = edge();
    Reply reply = e.client.method("POST", e.signed("/live/a/index.m3u8"));
    assertRefused(reply, 405, "method_not_allowed");
    assertThat(reply.header("Allow")).isEqualTo("GET, HEAD");
  }

  @Test
  void answersStreamOfflineWhenThePlaylistStopsBeingUpdated() {
    TestEdge e = edge();
    assertThat(e.client.get(e.signed("/live/a/index.m3u8")).status()).isEqualTo(200);

    e.clock.advance(Duration.ofSeconds(7));

    assertRefused(e.client.get(e.signed("/live/a/index.m3u8")), 503, "stream_offline");
  }

  @Test
  void answersStreamOfflineForARegisteredStreamNobodyPublished() {
    TestEdge e = edge();
    e.registry.register(new dev.keycard.core.stream.StreamId("quiet"));

    assertRefused(e.client.get(e.signed("/live/quiet/index.m3u8")), 503, "stream_offline");
  }

  @Test
  void refusesRevokedPlaybackSessionWhileOthersPlayOn() {
    TestEdge e = edge();
    String mine = e.signed("/live/a/seg-0.ts", Duration.ofMinutes(5), "s-1");
    String theirs = e.signed("/live/a/seg-0.ts", Duration.ofMinutes(5), "s-2");

    e.revoked.add("s-1");

    assertRefused(e.client.get(mine), 403, "session_revoked");
    assertRefused(e.client.get(e.signed("/live/a/index.m3u8", Duration.ofMinutes(5), "s-1")), 403, "session_revoked");
    assertThat(e.client.get(theirs).status()).isEqualTo(200);
  }

  @Test
  void refusesPlaylistThatNamesAnotherStreamsFiles() {
    TestEdge e = edge();
    e.putPlaylist(A, "#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:2.0,\n/live/b/seg-0.ts\n");

    assertRefused(e.client.get(e.signed("/live/a/index.m3u8")), 502, "bad_origin_playlist");
  }

  @Test
  void signsPlaylistUrisInThePathPrefixSchemeWhenThePlaylistCameInIt() {
    TestEdge e = edge();
    String url = e.urls.sign(UrlScheme.PREFIX, "/live/a/index.m3u8", e.clock.instant().plusSeconds(60), "s-1", null);

    Reply playlist = e.client.get(url);

    assertThat(playlist.status()).isEqualTo(200);
    List<String> uris = MediaClient.uriLines(playlist.text());
    assertThat(uris).allSatisfy(u -> assertThat(u).startsWith("/t/").contains("/live/a/seg-"));
    assertThat(e.client.get(uris.get(0)).status()).isEqualTo(200);
  }

  @Test
  void fillsSegmentCacheOnceUnderFiftyConcurrentViewers() {
    edge = new TestEdge(64L * 1024 * 1024, Duration.ofMillis(300));
    edge.publish(A, 2, 100_000);
    int before = edge.counting.fetches.get();

    List<CompletableFuture<Reply>> replies = IntStream.range(0, 50)
        .mapToObj(i -> edge.client.getAsync(edge.signed("/live/a/seg-1.ts", Duration.ofMinutes(1), "viewer-" + i)))
        .toList();

    assertThat(replies).allSatisfy(r -> {
      assertThat(r.join().status()).isEqualTo(200);
      assertThat(r.join().body()).hasSize(100_000);
    });
    assertThat(edge.counting.fetches.get() - before).isEqualTo(1);
    assertThat(edge.client.get(edge.signed("/live/a/seg-1.ts")).status()).isEqualTo(200);
    assertThat(edge.counting.fetches.get() - before).isEqualTo(1);
  }

  @Test
  void keepsSegmentCacheWithinItsByteBound() {
    edge = new TestEdge(1024 * 1024, Duration.ZERO);
    edge.publish(A, 30, 100_000);

    for (int i = 0; i < 30; i++) {
      assertThat(edge.client.get(edge.signed("/live/a/seg-" + i + ".ts")).status()).isEqualTo(200);
    }

    assertThat(edge.edge.cachedBytes()).isPositive().isLessThanOrEqualTo(1024 * 1024);
  }

  @Test
  void servesTheNewSegmentWhenTheOriginReplacesOne() {
    TestEdge e = edge();
    assertThat(e.client.get(e.signed("/live/a/seg-0.ts")).body()).isEqualTo(TestEdge.ts(2_000, 0));

    e.origin.put(A, "seg-0.ts", MediaType.MPEG_TS, Buffer.buffer(TestEdge.ts(1_000, 7)));

    assertThat(e.client.get(e.signed("/live/a/seg-0.ts")).body()).isEqualTo(TestEdge.ts(1_000, 7));
  }

  @Test
  void doesNotKeepNotFoundAnswersInTheCache() {
    TestEdge e = edge();
    assertThat(e.client.get(e.signed("/live/a/seg-9.ts")).status()).isEqualTo(404);

    e.origin.put(A, "seg-9.ts", MediaType.MPEG_TS, Buffer.buffer(TestEdge.ts(188, 9)));

    assertThat(e.client.get(e.signed("/live/a/seg-9.ts")).status()).isEqualTo(200);
  }

  /**
   * Regression: a publisher's playlist naming {@code seg%25.ts} passed the rewriter's own path rule,
   * the signer refused it by throwing inside a callback, and the viewer's request was never answered.
   */
  @Test
  void answersAPlaylistNamingAPathNoSignerAcceptsWith502() {
    TestEdge e = edge();
    for (String name : List.of("seg%25.ts", "seg%01.ts", "a//seg.ts")) {
      e.putPlaylist(A, "#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:2.0,\n" + name + "\n");

      assertRefused(e.client.get(e.signed("/live/a/index.m3u8")), 502, "bad_origin_playlist");
    }
  }

  @Test
  void answersEvenWhenTheOriginThrowsOrFails() {
    TestEdge e = edge();
    e.counting.thrown = new IllegalStateException("boom /live/a/secret");
    assertRefused(e.client.get(e.signed("/live/a/index.m3u8")), 500, "server_error");
    assertRefused(e.client.get(e.signed("/live/a/seg-0.ts")), 500, "server_error");

    e.counting.thrown = null;
    e.counting.failed = new IllegalStateException("unreachable");
    assertRefused(e.client.get(e.signed("/live/a/index.m3u8")), 502, "origin_unavailable");
    assertRefused(e.client.get(e.signed("/live/a/seg-1.ts")), 502, "origin_unavailable");
  }

  /** A refusal: the status, a JSON body with the error code, no-store, nothing like a stack trace. */
  static void assertRefused(Reply reply, int status, String error) {
    assertThat(reply.status()).isEqualTo(status);
    assertThat(reply.header("Content-Type")).isEqualTo("application/json");
    assertThat(reply.header("Cache-Control")).isEqualTo("no-store");
    JsonObject body = new JsonObject(reply.text());
    assertThat(body.getString("error")).isEqualTo(error);
    assertThat(reply.text()).hasSizeLessThan(200).doesNotContain("Exception", "\tat ", "dev.keycard", "/live/");
  }

}
