package dev.keycard.server.edge;

import dev.keycard.core.signedurl.UrlSigningKey;
import dev.keycard.core.signedurl.UrlSigningKeys;
import dev.keycard.core.stream.StreamId;
import dev.keycard.core.testing.InMemoryStreamStore;
import dev.keycard.core.testing.MutableClock;
import dev.keycard.server.stream.LocalOrigin;
import dev.keycard.server.stream.MediaType;
import dev.keycard.server.stream.Origin;
import dev.keycard.server.stream.OriginReply;
import dev.keycard.server.stream.PlaybackUrls;
import dev.keycard.server.stream.StreamRegistry;
import dev.keycard.server.stream.UrlScheme;
import dev.keycard.server.testing.MediaClient;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A real edge on a random loopback port in front of a real in-process origin holding streams
 * {@code a} and {@code b}, with a hand-moved clock and a revocation set the test controls.
 */
final class TestEdge implements AutoCloseable {
  static final Instant T0 = Instant.parse("2026-11-29T04:00:00Z");
  static final StreamId A = new StreamId("a");
  static final StreamId B = new StreamId("b");
  static final Duration SESSION_TTL = Duration.ofHours(1);

  final MutableClock clock = new MutableClock(T0);
  final StreamRegistry registry = new StreamRegistry(new InMemoryStreamStore(), clock);
  final LocalOrigin origin = new LocalOrigin(registry, null, clock);
  final UrlSigningKeys keys = UrlSigningKeys.of(new UrlSigningKey("k1", secret(1)));
  final PlaybackUrls urls = new PlaybackUrls(keys, UrlScheme.KEYCARD, clock);
  final Set<String> revoked = ConcurrentHashMap.newKeySet();
  final CountingOrigin counting;
  final Edge edge;
  final Vertx vertx = Vertx.vertx();
  final HttpServer server;
  final MediaClient client;

  TestEdge(long cacheBytes, Duration originDelay) {
    this(cacheBytes, originDelay, false);
  }

  /** @param bindToClient whether playback sessions are bound to the address that opens them */
  TestEdge(long cacheBytes, Duration originDelay, boolean bindToClient) {
    registry.register(A);
    registry.register(B);
    counting = new CountingOrigin(origin, vertx, originDelay);
    edge = new Edge(counting, new PlaybackRules(urls, revoked::contains, SESSION_TTL, bindToClient, clock), cacheBytes);
    server = vertx.createHttpServer().requestHandler(edge).listen(0, "127.0.0.1").await();
    client = new MediaClient("http://127.0.0.1:" + server.actualPort());
  }

  TestEdge() {
    this(64L * 1024 * 1024, Duration.ZERO);
  }

  /** Publishes a live playlist naming seg-0.ts … seg-(count-1).ts, and those segments. */
  void publish(StreamId stream, int count, int segmentBytes) {
    StringBuilder playlist = new StringBuilder("#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:0\n");
    for (int i = 0; i < count; i++) {
      origin.put(stream, "seg-" + i + ".ts", MediaType.MPEG_TS, Buffer.buffer(ts(segmentBytes, i)));
      playlist.append("#EXTINF:2.000,\nseg-").append(i).append(".ts\n");
    }
    putPlaylist(stream, playlist.toString());
  }

  void putPlaylist(StreamId stream, String text) {
    origin.put(stream, "index.m3u8", MediaType.PLAYLIST, Buffer.buffer(text.getBytes(StandardCharsets.UTF_8)));
  }

  /** A URL for {@code path} signed like stream-start does, living {@code life}. */
  String signed(String path, Duration life, String session) {
    return urls.sign(path, clock.instant().plus(life), session);
  }

  String signed(String path) {
    return signed(path, Duration.ofMinutes(5), "s-1");
  }

  /** A playback ticket for {@code path}, as stream-start hands out, living {@code life}. */
  String ticket(String path, Duration life, String session) {
    return urls.signTicket(path, clock.instant().plus(life), session);
  }

  static byte[] ts(int bytes, int fill) {
    byte[] b = new byte[bytes];
    Arrays.fill(b, (byte) fill);
    for (int i = 0; i < b.length; i += 188) {
      b[i] = 0x47;
    }
    return b;
  }

  static byte[] secret(int fill) {
    byte[] s = new byte[32];
    Arrays.fill(s, (byte) fill);
    return s;
  }

  @Override
  public void close() {
    vertx.close().await();
  }

  /**
   * The real origin behind a counter, answering after {@code delay} on a Vert.x timer, so that
   * concurrent requests really overlap with a fetch in flight.
   */
  static final class CountingOrigin implements Origin {
    private final Origin origin;
    private final Vertx vertx;
    private final Duration delay;
    final AtomicInteger fetches = new AtomicInteger();
    /** When set, what the next fetches do instead of fetching: throw it, or fail the stage with it. */
    volatile RuntimeException thrown;
    volatile RuntimeException failed;

    CountingOrigin(Origin origin, Vertx vertx, Duration delay) {
      this.origin = origin;
      this.vertx = vertx;
      this.delay = delay;
    }

    @Override
    public CompletionStage<OriginReply> fetch(StreamId stream, String file) {
      fetches.incrementAndGet();
      if (thrown != null) {
        throw thrown;
      }
      if (failed != null) {
        return CompletableFuture.failedFuture(failed);
      }
      if (delay.isZero()) {
        return origin.fetch(stream, file);
      }
      CompletableFuture<OriginReply> later = new CompletableFuture<>();
      vertx.setTimer(delay.toMillis(), id -> origin.fetch(stream, file).whenComplete((r, e) -> later.complete(r)));
      return later;
    }

    @Override
    public void onChange(Consumer<String> listener) {
      origin.onChange(listener);
    }
  }
}
