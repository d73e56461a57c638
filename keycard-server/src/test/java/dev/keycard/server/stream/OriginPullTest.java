package dev.keycard.server.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keycard.core.stream.StreamId;
import dev.keycard.server.config.CdnConfig;
import dev.keycard.server.config.StreamingConfig;
import dev.keycard.server.testing.MediaClient;
import dev.keycard.server.testing.MediaClient.Reply;
import dev.keycard.server.testing.TestKeycard;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET|HEAD /origin/{stream}/{file}}: what nginx and CDNs pull, behind the shared origin secret,
 * on a real keycard with a real client.
 */
class OriginPullTest {
  private static final String SECRET = "origin-secret-0123456789abcdefghijABCDEF";
  private static final String HEADER = "Keycard-Origin-Secret";

  @TempDir
  Path dir;
  private TestKeycard keycard;
  private MediaClient api;

  private void start(String originSecret) {
    keycard = TestKeycard.start(TestKeycard.config(dir.resolve("data")), StreamingConfig.defaults()
        .withCdn(UrlScheme.KEYCARD, new CdnConfig(originSecret, null, null, null, null, null)), InstantSource.system());
    api = new MediaClient(keycard.http().base());
  }

  @AfterEach
  void stop() {
    if (keycard != null) {
      keycard.close();
    }
  }

  private Reply pull(String path) {
    return api.get(path, HEADER, SECRET);
  }

  private String firstSegment() {
    return MediaClient.uriLines(pull("/origin/demo/index.m3u8").text()).get(0);
  }

  @Test
  void pullWhenNoOriginSecretIsConfiguredThenNotFoundAsIfThereWereNoRoute() {
    start(null);

    Reply reply = pull("/origin/demo/index.m3u8");

    assertThat(reply.status()).isEqualTo(404);
    assertThat(reply.text()).contains("\"error\":\"not_found\"");
  }

  @Test
  void pullWhenSecretMissingOrWrongThenForbiddenWithoutDetail() {
    start(SECRET);

    for (Reply reply : List.of(api.get("/origin/demo/index.m3u8"),
        api.get("/origin/demo/index.m3u8", HEADER, SECRET.substring(1) + "x"),
        api.get("/origin/demo/index.m3u8", HEADER, SECRET + "x"),
        api.get("/origin/nosuch/index.m3u8", HEADER, "wrong"),
        api.get("/origin/demo/index.m3u8", "Authorization", "Bearer " + SECRET))) {
      assertThat(reply.status()).isEqualTo(403);
      assertThat(reply.text()).contains("\"error\":\"access_denied\"").doesNotContain(SECRET);
      assertThat(reply.header("Cache-Control")).isEqualTo("no-store");
    }
  }

  @Test
  void pullServesThePlaylistUnmodifiedForHalfATargetDurationInSharedCaches() {
    start(SECRET);
    OriginReply.Found held = (OriginReply.Found) keycard.server().streaming().origin().read(DemoStream.ID, "index.m3u8");

    Reply reply = pull("/origin/demo/index.m3u8");

    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.header("Content-Type")).isEqualTo("application/vnd.apple.mpegurl");
    // The demo stream's target duration is 2 s.
    assertThat(reply.header("Cache-Control")).isEqualTo("public, max-age=1");
    assertThat(reply.text()).isEqualTo(held.body().toString(StandardCharsets.UTF_8));
    assertThat(MediaClient.uriLines(reply.text())).allSatisfy(uri -> assertThat(uri).doesNotContain("/").doesNotContain("?"));
  }

  @Test
  void pullServesSegmentsForAShortTimeInSharedCaches() {
    start(SECRET);

    Reply reply = pull("/origin/demo/" + firstSegment());

    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.header("Content-Type")).isEqualTo("video/mp2t");
    assertThat(reply.header("Cache-Control")).isEqualTo("public, max-age=10");
    assertThat(reply.header("Content-Length")).isEqualTo(String.valueOf(reply.body().length));
    assertThat(reply.body()[0]).isEqualTo((byte) 0x47);
  }

  @Test
  void pullAlsoAnswersTheViewersPathBehindACdnOriginPath() {
    start(SECRET);
    String segment = firstSegment();

    assertThat(pull("/origin/live/demo/index.m3u8").text()).isEqualTo(pull("/origin/demo/index.m3u8").text());
    assertThat(pull("/origin/live/demo/" + segment).body()).isEqualTo(pull("/origin/demo/" + segment).body());
    assertThat(pull("/origin/live/demo/sub/" + segment).status()).isEqualTo(400);
  }

  @Test
  void pullAnswersHeadWithTheLengthAndNoBody() {
    start(SECRET);
    String segment = firstSegment();
    int length = pull("/origin/demo/" + segment).body().length;

    Reply head = api.method("HEAD", "/origin/demo/" + segment, HEADER, SECRET);

    assertThat(head.status()).isEqualTo(200);
    assertThat(head.header("Content-Length")).isEqualTo(String.valueOf(length));
    assertThat(head.body()).isEmpty();
  }

  @Test
  void pullRefusesMethodsOtherThanGetAndHead() {
    start(SECRET);

    for (String method : List.of("POST", "PUT", "DELETE")) {
      Reply reply = api.method(method, "/origin/demo/index.m3u8", HEADER, SECRET);
      assertThat(reply.status()).as(method).isEqualTo(405);
      assertThat(reply.header("Allow")).isEqualTo("GET, HEAD");
    }
  }

  @Test
  void pullRefusesPathsThatAreNotAPlainStreamFile() throws IOException {
    start(SECRET);

    for (String target : List.of("/origin/demo/../demo/index.m3u8", "/origin/demo/%2e%2e/index.m3u8", "/origin/demo//index.m3u8",
        "/origin/demo/index.m3u8/x", "/origin/Demo/index.m3u8", "/origin/demo/index.exe", "/origin/demo", "/origin/",
        "/origin/demo/sub/seg.ts", "/origin/demo/%69ndex.m3u8")) {
      assertThat(raw(target)).as(target).startsWith("HTTP/1.1 400").contains("\"error\":\"invalid_path\"");
    }
  }

  @Test
  void pullTellsUnknownOfflineAndMissingApart() {
    start(SECRET);
    keycard.server().streaming().registry().register(new StreamId("cam"));

    Reply unknown = pull("/origin/nosuch/index.m3u8");
    Reply offline = pull("/origin/cam/index.m3u8");
    Reply missing = pull("/origin/demo/seg-999999.ts");

    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.text()).contains("\"error\":\"unknown_stream\"");
    assertThat(offline.status()).isEqualTo(503);
    assertThat(offline.text()).contains("\"error\":\"stream_offline\"");
    assertThat(missing.status()).isEqualTo(404);
    assertThat(missing.text()).contains("\"error\":\"not_found\"");
    assertThat(List.of(unknown, offline, missing)).allSatisfy(r -> assertThat(r.header("Cache-Control")).isEqualTo("no-store"));
  }

  /** The request target exactly as written, with the secret: {@code java.net.URI} would refuse some of them. */
  private String raw(String target) throws IOException {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), keycard.server().port())) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + HEADER + ": " + SECRET + "\r\nConnection: close\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
    }
  }
}
