package dev.keycard.server.edge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keycard.core.testing.MutableClock;
import dev.keycard.server.config.CdnConfig;
import dev.keycard.server.config.Roles;
import dev.keycard.server.config.Roles.Role;
import dev.keycard.server.config.StreamingConfig;
import dev.keycard.server.stream.LocalOrigin;
import dev.keycard.server.stream.MediaType;
import dev.keycard.server.stream.OriginPull;
import dev.keycard.core.stream.StreamId;
import dev.keycard.server.stream.UrlScheme;
import dev.keycard.server.testing.CapturedLogs;
import dev.keycard.server.testing.CountingProxy;
import dev.keycard.server.testing.MediaClient;
import dev.keycard.server.testing.MediaClient.Reply;
import dev.keycard.server.testing.TestKeycard;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The edge as its own tier, over real HTTP: an origin instance ({@code --roles api,origin}) and
 * edge-only instances ({@code --roles edge}) in one JVM, each with its own Vert.x, on one data
 * directory; the edges pull from the origin's {@code /origin/} endpoint with the origin secret.
 */
class EdgeOnlyInstanceTest {
  private static final String SECRET = "origin-secret-0123456789abcdefghijABCDEF";
  private static final StreamId CAM = new StreamId("cam");
  private static final int SEGMENT_BYTES = 3_000;

  @TempDir
  Path dir;
  private final List<AutoCloseable> running = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable c : running.reversed()) {
      c.close();
    }
  }

  private <T extends AutoCloseable> T running(T c) {
    running.add(c);
    return c;
  }

  private static StreamingConfig streaming(String originSecret) {
    return StreamingConfig.defaults().withCdn(UrlScheme.KEYCARD, new CdnConfig(originSecret, null, null, null, null, null));
  }

  /** The API and the origin, on {@code port} (0: a random one). */
  private TestKeycard origin(int port) {
    TestKeycard origin = running(TestKeycard.start(TestKeycard.config(dir.resolve("data")).withPort(port),
        streaming(SECRET), new Roles(EnumSet.of(Role.API, Role.ORIGIN), null, Roles.DEFAULT_ORIGIN_TIMEOUT),
        InstantSource.system()));
    origin.addUser("viewer", "viewer's password", "stream:watch");
    return origin;
  }

  private TestKeycard edge(String originUrl, String secret, InstantSource clock, Duration timeout) {
    return running(TestKeycard.start(TestKeycard.config(dir.resolve("data")), streaming(secret),
        new Roles(EnumSet.of(Role.EDGE), originUrl, timeout), clock));
  }

  private TestKeycard edge(TestKeycard origin) {
    return edge(origin.http().base(), SECRET, InstantSource.system(), Roles.DEFAULT_ORIGIN_TIMEOUT);
  }

  /** Publishes seg-{first}…seg-{first+count-1}.ts, each filled with {@code fill}, and a playlist naming them. */
  private static void publish(TestKeycard origin, int first, int count, int fill) {
    LocalOrigin o = origin.server().streaming().origin();
    origin.server().streaming().registry().register(CAM);
    StringBuilder playlist = new StringBuilder("#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:"
        + first + "\n");
    for (int i = first; i < first + count; i++) {
      o.put(CAM, "seg-" + i + ".ts", MediaType.MPEG_TS, Buffer.buffer(TestEdge.ts(SEGMENT_BYTES, fill)));
      playlist.append("#EXTINF:2.000,\nseg-").append(i).append(".ts\n");
    }
    o.put(CAM, "index.m3u8", MediaType.PLAYLIST, Buffer.buffer(playlist.toString().getBytes(StandardCharsets.UTF_8)));
  }

  /** stream-start on the API: the ticket's path and query, good at any edge. */
  private static String ticket(TestKeycard api) {
    return ticket(api, api.http().login("viewer", "viewer's password").json().getString("access_token"));
  }

  private static String ticket(TestKeycard api, String token) {
    String url = api.http().postJson("/api/v1/stream/start", new JsonObject().put("stream_id", CAM.value()),
        "Authorization", "Bearer " + token).json().getString("playlist_url");
    URI u = URI.create(url);
    return u.getRawPath() + "?" + u.getRawQuery();
  }

  /** What a player does at {@code edge}: the ticket, the media playlist it names, the segment URIs in it. */
  private static List<String> segmentUris(MediaClient edge, String ticket) {
    Reply media = edge.mediaPlaylist(ticket);
    assertThat(media.status()).as(media.text()).isEqualTo(200);
    return MediaClient.uriLines(media.text());
  }

  @Test
  void edgeOnlyInstancesServeWhatTheyPullFromTheOriginOverHttp() {
    TestKeycard origin = origin(0);
    publish(origin, 0, 4, 7);
    MediaClient first = new MediaClient(edge(origin).edgeBase());
    MediaClient second = new MediaClient(edge(origin).edgeBase());
    String ticket = ticket(origin);

    for (MediaClient edge : List.of(first, second)) {
      Reply multivariant = edge.get(ticket);
      assertThat(multivariant.status()).isEqualTo(200);
      // The peak bit rate travelled from the origin in Keycard-Peak-Bandwidth: 3,000 bytes per 2 s.
      assertThat(multivariant.text()).contains("BANDWIDTH=12000");
      List<String> segments = segmentUris(edge, ticket);
      assertThat(segments).hasSize(4);
      Reply segment = edge.get(segments.get(2));
      assertThat(segment.status()).isEqualTo(200);
      assertThat(segment.header("Content-Type")).isEqualTo("video/mp2t");
      assertThat(segment.body()).isEqualTo(TestEdge.ts(SEGMENT_BYTES, 7));
    }
  }

  @Test
  void originPullAnswersCarryThePeakBandwidthOfMediaPlaylistsOnly() {
    TestKeycard origin = origin(0);
    publish(origin, 0, 2, 1);
    MediaClient pull = new MediaClient(origin.http().base());

    assertThat(pull.get("/origin/cam/index.m3u8", OriginPull.SECRET_HEADER, SECRET).header(OriginPull.PEAK_BANDWIDTH_HEADER))
        .isEqualTo("12000");
    assertThat(pull.get("/origin/cam/seg-0.ts", OriginPull.SECRET_HEADER, SECRET).header(OriginPull.PEAK_BANDWIDTH_HEADER))
        .isNull();
  }

  @Test
  void anEdgeWithAnotherSecretIsRefusedByTheOriginWhichLogsItAndAnswers502() {
    TestKeycard origin = origin(0);
    publish(origin, 0, 2, 1);
    String wrongSecret = "another-secret-0123456789abcdefghijABCDEF";
    MediaClient edge = new MediaClient(edge(origin.http().base(), wrongSecret, InstantSource.system(),
        Roles.DEFAULT_ORIGIN_TIMEOUT).edgeBase());
    String ticket = ticket(origin);

    try (CapturedLogs logs = new CapturedLogs()) {
      Reply reply = edge.get(ticket);

      assertThat(reply.status()).isEqualTo(502);
      assertThat(reply.text()).contains("\"error\":\"origin_unavailable\"");
      assertThat(logs.lines()).anySatisfy(line -> assertThat(line)
          .contains("origin pull: refused 1 request(s) whose Keycard-Origin-Secret header was wrong"));
      assertThat(logs.lines()).anySatisfy(line -> assertThat(line)
          .contains("the origin refused the edge's origin secret (403)"));
      assertThat(String.join("\n", logs.lines())).doesNotContain(SECRET, wrongSecret, "sig=");
    }
  }

  @Test
  void originThatDiesMidStreamIs502AtTheEdgesWhichRecoverWhenItIsBack() throws IOException {
    int port = freePort();
    TestKeycard origin = origin(port);
    publish(origin, 0, 3, 1);
    List<TestKeycard> edgeInstances = List.of(edge(origin), edge(origin));
    List<MediaClient> edges = edgeInstances.stream().map(e -> new MediaClient(e.edgeBase())).toList();
    String ticket = ticket(origin);
    List<List<String>> playing = edges.stream().map(edge -> segmentUris(edge, ticket)).toList();
    for (int i = 0; i < edges.size(); i++) {
      assertThat(edges.get(i).get(playing.get(i).get(0)).status()).isEqualTo(200); // now cached at that edge
    }

    origin.close();

    for (int i = 0; i < edges.size(); i++) {
      MediaClient edge = edges.get(i);
      Reply playlist = edge.get(ticket);
      assertThat(playlist.status()).isEqualTo(502);
      assertThat(playlist.text()).contains("\"error\":\"origin_unavailable\"");
      assertThat(edge.get(playing.get(i).get(1)).status()).isEqualTo(502); // not cached: asked of the dead origin
      assertThat(edge.get(playing.get(i).get(0)).status()).isEqualTo(200); // cached: still served
    }

    origin.restart(); // the same port and data directory; the encoder publishes again
    publish(origin, 3, 3, 2);

    for (MediaClient edge : edges) {
      List<String> segments = segmentUris(edge, ticket);
      assertThat(segments).hasSize(3);
      Reply segment = edge.get(segments.get(0));
      assertThat(segment.status()).isEqualTo(200);
      assertThat(segment.body()).isEqualTo(TestEdge.ts(SEGMENT_BYTES, 2));
    }
  }

  @Test
  void anOriginThatAcceptsButNeverAnswersIs502AfterTheOriginTimeoutNotAHang() throws IOException {
    TestKeycard origin = origin(0);
    publish(origin, 0, 2, 1);
    List<Socket> accepted = new ArrayList<>();
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Thread acceptor = Thread.ofVirtual().start(() -> {
        try {
          while (true) {
            accepted.add(silent.accept()); // read nothing, answer nothing
          }
        } catch (IOException closed) {
          // the test is over
        }
      });
      MediaClient edge = new MediaClient(edge("http://127.0.0.1:" + silent.getLocalPort(), SECRET,
          InstantSource.system(), Duration.ofMillis(300)).edgeBase());

      Reply reply = edge.get(ticket(origin));

      assertThat(reply.status()).isEqualTo(502);
      assertThat(reply.text()).contains("\"error\":\"origin_unavailable\"");
      acceptor.interrupt();
    } finally {
      for (Socket s : accepted) {
        s.close();
      }
    }
  }

  @Test
  void concurrentMissesAtAnEdgeCostTheOriginOneFetchPerSegment() {
    TestKeycard origin = origin(0);
    publish(origin, 0, 2, 9);
    CountingProxy proxy = running(new CountingProxy(origin.server().port(), Duration.ofMillis(300)));
    MediaClient edge = new MediaClient(edge(proxy.url(), SECRET, InstantSource.system(), Roles.DEFAULT_ORIGIN_TIMEOUT)
        .edgeBase());
    String segment = segmentUris(edge, ticket(origin)).get(1);

    List<CompletableFuture<Reply>> viewers = IntStream.range(0, 20).mapToObj(i -> edge.getAsync(segment)).toList();

    for (CompletableFuture<Reply> viewer : viewers) {
      Reply reply = viewer.join();
      assertThat(reply.status()).isEqualTo(200);
      assertThat(reply.body()).isEqualTo(TestEdge.ts(SEGMENT_BYTES, 9));
    }
    assertThat(proxy.count("/origin/cam/seg-1.ts")).isEqualTo(1);
  }

  @Test
  void aSegmentReplacedAtTheOriginIsServedAnewOnceItsLifeAtTheEdgeIsOver() {
    TestKeycard origin = origin(0);
    publish(origin, 0, 2, 1);
    MutableClock clock = new MutableClock(Instant.now());
    MediaClient edge = new MediaClient(edge(origin.http().base(), SECRET, clock, Roles.DEFAULT_ORIGIN_TIMEOUT).edgeBase());
    String ticket = ticket(origin);
    assertThat(fillOf(edge.get(segmentUris(edge, ticket).get(0)))).isEqualTo(1);

    publish(origin, 0, 2, 5); // an encoder restarted: the same names, new content; no notice reaches the edge
    clock.advance(OriginPull.SEGMENT_MAX_AGE.minusSeconds(1));
    assertThat(fillOf(edge.get(segmentUris(edge, ticket).get(0)))).isEqualTo(1);
    clock.advance(Duration.ofSeconds(1));

    assertThat(fillOf(edge.get(segmentUris(edge, ticket).get(0)))).isEqualTo(5);
  }

  /** The fill byte of a segment {@link #publish} made, after checking it is one. */
  private static int fillOf(Reply segment) {
    assertThat(segment.status()).isEqualTo(200);
    byte[] body = segment.body();
    assertThat(body).hasSize(SEGMENT_BYTES);
    assertThat(body).isEqualTo(TestEdge.ts(SEGMENT_BYTES, body[1]));
    return body[1];
  }

  @Test
  void anApiOnlyInstanceServesNoIngestNoOriginPullAndNoEdgeAndAnOriginOnlyOneNoLogin() {
    TestKeycard origin = running(TestKeycard.start(TestKeycard.config(dir.resolve("data")), streaming(SECRET),
        new Roles(EnumSet.of(Role.ORIGIN), null, Roles.DEFAULT_ORIGIN_TIMEOUT), InstantSource.system()));
    TestKeycard api = running(TestKeycard.start(TestKeycard.config(dir.resolve("data")), streaming(SECRET),
        new Roles(EnumSet.of(Role.API), null, Roles.DEFAULT_ORIGIN_TIMEOUT), InstantSource.system()));
    api.addUser("viewer", "viewer's password", "stream:watch");
    publish(origin, 0, 2, 1);

    assertThat(api.http().login("viewer", "viewer's password").status()).isEqualTo(200);
    assertThat(api.http().method("PUT", "/ingest/cam/seg-9.ts", "Authorization", "Bearer x").status()).isEqualTo(404);
    assertThat(api.http().get("/origin/cam/index.m3u8", OriginPull.SECRET_HEADER, SECRET).status()).isEqualTo(404);
    assertThat(api.server().edgePort()).isZero();

    assertThat(origin.http().login("viewer", "viewer's password").status()).isEqualTo(404);
    assertThat(origin.http().method("PUT", "/ingest/cam/seg-9.ts", "Authorization", "Bearer x").status()).isEqualTo(401);
    assertThat(origin.http().get("/origin/cam/index.m3u8", OriginPull.SECRET_HEADER, SECRET).status()).isEqualTo(200);
    assertThat(origin.server().edgePort()).isZero();
  }

  /**
   * The tiers apart: an origin-only instance, an API-only instance and two edge-only instances on one
   * data directory. A logout on the API instance reaches each edge through the shared revocations,
   * at the edge's next denylist catch-up (run here at once rather than waited for; the real-time
   * version with ffmpeg is in TieredDeliveryFfmpegTest); another viewer plays on.
   */
  @Test
  void logoutOnTheApiInstanceCutsTheViewerAtBothEdgesAtTheirNextCatchUpWhileAnotherViewerPlaysOn() {
    TestKeycard origin = running(TestKeycard.start(TestKeycard.config(dir.resolve("data")), streaming(SECRET),
        new Roles(EnumSet.of(Role.ORIGIN), null, Roles.DEFAULT_ORIGIN_TIMEOUT), InstantSource.system()));
    TestKeycard api = running(TestKeycard.start(TestKeycard.config(dir.resolve("data")), streaming(null),
        new Roles(EnumSet.of(Role.API), null, Roles.DEFAULT_ORIGIN_TIMEOUT), InstantSource.system()));
    api.addUser("viewer", "viewer's password", "stream:watch");
    api.addUser("other", "other's password", "stream:watch");
    publish(origin, 0, 2, 1);
    List<TestKeycard> edgeInstances = List.of(edge(origin), edge(origin));
    List<MediaClient> edges = edgeInstances.stream().map(e -> new MediaClient(e.edgeBase())).toList();
    String token = api.http().login("viewer", "viewer's password").json().getString("access_token");
    String ticket = ticket(api, token);
    String otherTicket = ticket(api, api.http().login("other", "other's password").json().getString("access_token"));
    List<String> segments = new ArrayList<>();
    List<String> otherSegments = new ArrayList<>();
    for (MediaClient edge : edges) {
      segments.add(segmentUris(edge, ticket).get(0));
      otherSegments.add(segmentUris(edge, otherTicket).get(0));
      assertThat(edge.get(segments.getLast()).status()).isEqualTo(200);
    }

    assertThat(api.http().post("/auth/logout", "application/json", "", "Authorization", "Bearer " + token).status())
        .isEqualTo(204);
    edgeInstances.forEach(e -> e.server().denylist().catchUp());

    for (int i = 0; i < edges.size(); i++) {
      Reply refused = edges.get(i).get(segments.get(i));
      assertThat(refused.status()).isEqualTo(403);
      assertThat(refused.text()).contains("\"error\":\"session_revoked\"");
      assertThat(fillOf(edges.get(i).get(otherSegments.get(i)))).isEqualTo(1);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
