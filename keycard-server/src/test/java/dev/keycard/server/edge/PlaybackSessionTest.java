package dev.keycard.server.edge;

import static dev.keycard.server.edge.EdgeTest.assertRefused;
import static dev.keycard.server.edge.TestEdge.A;
import static dev.keycard.server.edge.TestEdge.SESSION_TTL;
import static dev.keycard.server.edge.TestEdge.T0;
import static org.assertj.core.api.Assertions.assertThat;

import dev.keycard.core.signedurl.UrlCheck;
import dev.keycard.core.signedurl.UrlRejection;
import dev.keycard.server.stream.UrlScheme;
import dev.keycard.server.testing.MediaClient;
import dev.keycard.server.testing.MediaClient.Reply;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Playback that outlives the URL stream-start hands out: the ticket opens a playback session, whose
 * media playlist URL players reload for hours, while revocation, the ticket's own expiry and the
 * session's end still hold. Hours pass on the edge's clock, not in the test.
 */
class PlaybackSessionTest {
  private static final Duration TICKET_LIFE = Duration.ofMinutes(1);
  private TestEdge edge;

  @AfterEach
  void stop() {
    if (edge != null) {
      edge.close();
    }
  }

  private TestEdge edge(boolean bindToClient) {
    edge = new TestEdge(64L * 1024 * 1024, Duration.ZERO, bindToClient);
    edge.publish(A, 4, 2_000);
    return edge;
  }

  private String ticket(String session) {
    return edge.ticket("/live/a/index.m3u8", TICKET_LIFE, session);
  }

  private UrlCheck.Valid verified(String url) {
    URI u = URI.create(url);
    return (UrlCheck.Valid) edge.urls.verify(u.getRawPath(), u.getRawQuery(), "127.0.0.1");
  }

  /** Opens the session: the ticket's answer, and the one media playlist URL it names. */
  private String open(String ticket) {
    Reply master = edge.client.get(ticket);
    assertThat(master.status()).isEqualTo(200);
    return MediaClient.uriLines(master.text()).get(0);
  }

  @Test
  void ticketIsAnsweredWithASingleVariantPlaylistDeclaringThePeakBitrate() {
    edge(false);

    Reply master = edge.client.get(ticket("s-1"));

    assertThat(master.header("Content-Type")).isEqualTo("application/vnd.apple.mpegurl");
    assertThat(master.header("Cache-Control")).isEqualTo("no-store");
    // Each segment is 2,000 bytes over 2 s: 8,000 bit/s.
    assertThat(master.text()).startsWith("#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=8000\n/live/a/index.m3u8?");
    UrlCheck.Valid media = verified(MediaClient.uriLines(master.text()).get(0));
    assertThat(media.ticket()).isFalse();
    assertThat(media.sessionId()).isEqualTo("s-1");
    assertThat(media.expiresAt()).isEqualTo(T0.plus(SESSION_TTL));
  }

  @Test
  void playerKeepsReloadingTheMediaPlaylistLongAfterTheTicketExpired() {
    edge(false);
    String media = open(ticket("s-1"));

    for (Duration later : List.of(Duration.ofMinutes(2), Duration.ofMinutes(30), SESSION_TTL.minusSeconds(1))) {
      edge.clock.set(T0.plus(later));
      edge.publish(A, 4, 2_000); // the encoder keeps the stream live meanwhile

      Reply playlist = edge.client.get(media);
      assertThat(playlist.status()).as("at +%s", later).isEqualTo(200);
      List<String> segments = MediaClient.uriLines(playlist.text());
      assertThat(edge.client.get(segments.get(0)).status()).isEqualTo(200);
      // Segment URLs live 20 s, never beyond the session's end.
      Instant expected = T0.plus(later).plusSeconds(20);
      assertThat(verified(segments.get(0)).expiresAt())
          .isEqualTo(expected.isAfter(T0.plus(SESSION_TTL)) ? T0.plus(SESSION_TTL) : expected);
    }
  }

  @Test
  void ticketStillExpiresWhenStreamStartSaid() {
    edge(false);
    String ticket = ticket("s-1");

    edge.clock.advance(TICKET_LIFE);

    assertRefused(edge.client.get(ticket), 410, "expired");
  }

  @Test
  void copiedSessionUrlStopsWorkingWhenTheSessionEnds() {
    edge(false);
    String media = open(ticket("s-1"));

    edge.clock.set(T0.plus(SESSION_TTL));
    edge.publish(A, 4, 2_000);

    assertRefused(edge.client.get(media), 410, "expired");
  }

  @Test
  void revokedSessionIsCutAtTheNextRequestWhileAnotherPlaysOn() {
    edge(false);
    String mine = open(ticket("s-1"));
    String theirs = open(ticket("s-2"));
    String mySegment = MediaClient.uriLines(edge.client.get(mine).text()).get(0);

    edge.revoked.add("s-1");

    assertRefused(edge.client.get(mine), 403, "session_revoked");
    assertRefused(edge.client.get(mySegment), 403, "session_revoked");
    assertRefused(edge.client.get(ticket("s-1")), 403, "session_revoked");
    assertThat(edge.client.get(theirs).status()).isEqualTo(200);
  }

  @Test
  void ticketOpensNothingButTheStreamsPlaylist() {
    edge(false);
    String segmentTicket = edge.ticket("/live/a/seg-0.ts", TICKET_LIFE, "s-1");
    String prefixTicket = edge.urls.signTicketIn(UrlScheme.PREFIX, "/live/a/index.m3u8", T0.plus(TICKET_LIFE), "s-1");

    assertRefused(edge.client.get(segmentTicket), 403, UrlRejection.WRONG_SCOPE.name().toLowerCase());
    assertRefused(edge.client.get(prefixTicket.replace("/index.m3u8", "/seg-0.ts")), 403, "wrong_scope");
    assertThat(edge.client.get(prefixTicket).text()).contains("#EXT-X-STREAM-INF:");
  }

  @Test
  void encodersOwnMultivariantPlaylistGetsItsVariantsSignedForTheSession() {
    edge(false);
    edge.putPlaylist(A, "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=800000\nlow.m3u8\n"
        + "#EXT-X-STREAM-INF:BANDWIDTH=2400000\nhigh.m3u8\n");

    Reply master = edge.client.get(ticket("s-1"));

    assertThat(master.status()).isEqualTo(200);
    List<String> variants = MediaClient.uriLines(master.text());
    assertThat(variants).hasSize(2);
    assertThat(verified(variants.get(0)).path()).isEqualTo("/live/a/low.m3u8");
    assertThat(verified(variants.get(1)).path()).isEqualTo("/live/a/high.m3u8");
    assertThat(variants).allSatisfy(v -> {
      assertThat(verified(v).expiresAt()).isEqualTo(T0.plus(SESSION_TTL));
      assertThat(verified(v).ticket()).isFalse();
    });
  }

  @Test
  void sessionBoundToTheClientCarriesItsAddressIntoEveryUrl() {
    edge(true);
    String media = open(ticket("s-1"));
    URI u = URI.create(media);

    assertThat(media).contains("&bind=ip");
    // The address is inside the MAC: from anywhere else the signature does not match.
    assertThat(edge.urls.verify(u.getRawPath(), u.getRawQuery(), "192.0.2.7"))
        .isEqualTo(UrlRejection.BAD_SIGNATURE.asCheck());
    String segment = MediaClient.uriLines(edge.client.get(media).text()).get(0);
    assertThat(segment).contains("&bind=ip");
    assertThat(edge.client.get(segment).status()).isEqualTo(200);
  }

  @Test
  void unboundSessionWorksFromAnyAddress() {
    edge(false);
    URI u = URI.create(open(ticket("s-1")));

    assertThat(u.getRawQuery()).doesNotContain("bind=");
    assertThat(edge.urls.verify(u.getRawPath(), u.getRawQuery(), "192.0.2.7")).isInstanceOf(UrlCheck.Valid.class);
  }
}
