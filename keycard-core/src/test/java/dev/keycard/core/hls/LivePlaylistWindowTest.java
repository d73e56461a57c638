package dev.keycard.core.hls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keycard.core.hls.PlaylistUris.RecordingSigner;
import dev.keycard.core.testing.MutableClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LivePlaylistWindowTest {
  private static final Instant START = Instant.parse("2026-11-29T04:00:00Z");
  private static final Duration TWO_SECONDS = Duration.ofSeconds(2);
  /** The shipped demo stream: four 2 s segments. */
  private static final List<SegmentFile> DEMO = List.of(
      new SegmentFile("demo-0.ts", TWO_SECONDS), new SegmentFile("demo-1.ts", TWO_SECONDS),
      new SegmentFile("demo-2.ts", TWO_SECONDS), new SegmentFile("demo-3.ts", TWO_SECONDS));
  private static final Duration LOOP = Duration.ofSeconds(8);

  private final MutableClock clock = new MutableClock(START);

  private LivePlaylistWindow window(List<SegmentFile> segments, int windowSize) {
    return LivePlaylistWindow.builder().segments(segments).windowSize(windowSize).start(START).clock(clock).build();
  }

  private LivePlaylistWindow demo() {
    return window(DEMO, 3);
  }

  /** One media segment as a player sees it (RFC 8216 §6.3.1 and §6.3.2 numbering). */
  private record Entry(long mediaSequence, long discontinuitySequence, String uri, String extinf, Instant date) {}

  private static List<Entry> entries(String playlist) {
    List<Entry> entries = new ArrayList<>();
    long sequence = -1;
    long discontinuity = -1;
    String extinf = null;
    Instant date = null;
    for (String line : playlist.split("\n")) {
      if (line.startsWith("#EXT-X-MEDIA-SEQUENCE:")) {
        sequence = Long.parseLong(line.substring(22));
      } else if (line.startsWith("#EXT-X-DISCONTINUITY-SEQUENCE:")) {
        discontinuity = Long.parseLong(line.substring(30));
      } else if (line.equals("#EXT-X-DISCONTINUITY")) {
        discontinuity++;
      } else if (line.startsWith("#EXT-X-PROGRAM-DATE-TIME:")) {
        date = Instant.parse(line.substring(25));
      } else if (line.startsWith("#EXTINF:")) {
        extinf = line;
      } else if (!line.startsWith("#")) {
        entries.add(new Entry(sequence++, discontinuity, line, extinf, date));
        // RFC 8216 §4.3.2.6: later segments are dated by adding durations.
        double seconds = Double.parseDouble(extinf.substring(8, extinf.length() - 1));
        date = date.plusNanos(Math.round(seconds * 1e9));
      }
    }
    return entries;
  }

  private static List<String> uris(String playlist) {
    return entries(playlist).stream().map(Entry::uri).toList();
  }

  @Test
  void startsWithAFullWindowAtTheStartInstant() {
    assertThat(demo().playlist()).isEqualTo("""
        #EXTM3U
        #EXT-X-VERSION:3
        #EXT-X-TARGETDURATION:2
        #EXT-X-MEDIA-SEQUENCE:0
        #EXT-X-DISCONTINUITY-SEQUENCE:0
        #EXT-X-INDEPENDENT-SEGMENTS
        #EXT-X-PROGRAM-DATE-TIME:2026-11-29T03:59:54.000Z
        #EXTINF:2.000,
        seg-0.ts
        #EXTINF:2.000,
        seg-1.ts
        #EXTINF:2.000,
        seg-2.ts
        """);
  }

  @Test
  void slidesOneSegmentWhenASegmentDurationHasPassed() {
    LivePlaylistWindow window = demo();

    clock.advance(Duration.ofMillis(1999));
    assertThat(uris(window.playlist())).containsExactly("seg-0.ts", "seg-1.ts", "seg-2.ts");
    clock.advance(Duration.ofMillis(1));
    assertThat(window.playlist()).contains("#EXT-X-MEDIA-SEQUENCE:1\n");
    assertThat(uris(window.playlist())).containsExactly("seg-1.ts", "seg-2.ts", "seg-3.ts");
  }

  @Test
  void marksTheFirstSegmentOfTheNextLoopAsADiscontinuity() {
    LivePlaylistWindow window = demo();
    clock.advance(Duration.ofSeconds(4));

    assertThat(window.playlist()).endsWith("""
        #EXT-X-MEDIA-SEQUENCE:2
        #EXT-X-DISCONTINUITY-SEQUENCE:0
        #EXT-X-INDEPENDENT-SEGMENTS
        #EXT-X-PROGRAM-DATE-TIME:2026-11-29T03:59:58.000Z
        #EXTINF:2.000,
        seg-2.ts
        #EXTINF:2.000,
        seg-3.ts
        #EXT-X-DISCONTINUITY
        #EXT-X-PROGRAM-DATE-TIME:2026-11-29T04:00:02.000Z
        #EXTINF:2.000,
        seg-4.ts
        """);
  }

  @Test
  void keepsTheDiscontinuityTagWhileItsSegmentIsFirstThenCountsIt() {
    LivePlaylistWindow window = demo();

    clock.set(START.plus(Duration.ofSeconds(8)));
    String firstIsLoopStart = window.playlist();
    clock.set(START.plus(Duration.ofSeconds(10)));
    String loopStartGone = window.playlist();

    assertThat(firstIsLoopStart).contains("#EXT-X-MEDIA-SEQUENCE:4\n#EXT-X-DISCONTINUITY-SEQUENCE:0\n")
        .contains("#EXT-X-INDEPENDENT-SEGMENTS\n#EXT-X-DISCONTINUITY\n#EXT-X-PROGRAM-DATE-TIME:2026-11-29T04:00:02.000Z\n"
            + "#EXTINF:2.000,\nseg-4.ts\n");
    assertThat(loopStartGone).contains("#EXT-X-MEDIA-SEQUENCE:5\n#EXT-X-DISCONTINUITY-SEQUENCE:1\n")
        .doesNotContain("#EXT-X-DISCONTINUITY\n");
    assertThat(entries(firstIsLoopStart).get(0).discontinuitySequence()).isEqualTo(1);
    assertThat(entries(loopStartGone).get(0).discontinuitySequence()).isEqualTo(1);
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 7, 1000})
  void numbersSegmentsContinuouslyAfterManyLoops(int loops) {
    LivePlaylistWindow window = demo();
    clock.advance(LOOP.multipliedBy(loops).plusSeconds(2));

    List<Entry> entries = entries(window.playlist());

    long first = 4L * loops + 1;
    assertThat(entries).extracting(Entry::mediaSequence).containsExactly(first, first + 1, first + 2);
    assertThat(entries).extracting(Entry::uri)
        .containsExactly("seg-" + first + ".ts", "seg-" + (first + 1) + ".ts", "seg-" + (first + 2) + ".ts");
    assertThat(entries.get(0).discontinuitySequence()).isEqualTo(loops);
    assertThat(window.playlist()).contains("#EXT-X-DISCONTINUITY-SEQUENCE:" + loops + "\n");
  }

  @Test
  void givesEverySegmentTheSameNumbersInEveryPlaylistThatListsIt() {
    LivePlaylistWindow window = window(List.of(
        new SegmentFile("a.ts", Duration.ofMillis(2000)), new SegmentFile("b.ts", Duration.ofMillis(1500)),
        new SegmentFile("c.ts", Duration.ofMillis(2500))), 6);
    Map<Long, Entry> seen = new HashMap<>();
    long previousFirst = -1;

    for (int step = 0; step < 200; step++) {
      List<Entry> entries = entries(window.playlist());
      assertThat(entries).hasSize(6);
      assertThat(entries.get(0).mediaSequence()).isGreaterThanOrEqualTo(previousFirst);
      previousFirst = entries.get(0).mediaSequence();
      Entry last = entries.get(entries.size() - 1);
      Duration lastDuration = Duration.ofNanos(Math.round(
          Double.parseDouble(last.extinf().substring(8, last.extinf().length() - 1)) * 1e9));
      assertThat(last.date().plus(lastDuration)).isBeforeOrEqualTo(clock.instant());
      for (Entry entry : entries) {
        assertThat(seen.putIfAbsent(entry.mediaSequence(), entry)).isIn(null, entry);
        assertThat(window.lookup(entry.uri())).isInstanceOf(SegmentLookup.Found.class);
      }
      clock.advance(Duration.ofMillis(250));
    }
    assertThat(previousFirst).isGreaterThan(20);
  }

  @Test
  void listsTheExactDurationOfEachFile() {
    LivePlaylistWindow window = window(List.of(
        new SegmentFile("a.ts", Duration.ofNanos(2_021_333_000)), new SegmentFile("b.ts", Duration.ofMillis(1500)),
        new SegmentFile("c.ts", Duration.ofSeconds(2))), 6);

    assertThat(entries(window.playlist())).extracting(Entry::extinf).containsExactly(
        "#EXTINF:2.021333,", "#EXTINF:1.500,", "#EXTINF:2.000,", "#EXTINF:2.021333,", "#EXTINF:1.500,",
        "#EXTINF:2.000,");
  }

  @Test
  void setsTargetDurationToTheLongestSegmentRoundedUp() {
    LivePlaylistWindow window = window(List.of(
        new SegmentFile("a.ts", Duration.ofNanos(2_021_333_000)), new SegmentFile("b.ts", TWO_SECONDS)), 5);

    assertThat(window.targetDuration()).isEqualTo(Duration.ofSeconds(3));
    assertThat(window.playlist()).contains("\n#EXT-X-TARGETDURATION:3\n");
  }

  @Test
  void neverEnds() {
    LivePlaylistWindow window = demo();
    clock.advance(Duration.ofDays(400));

    assertThat(window.playlist()).doesNotContain("#EXT-X-ENDLIST").contains("#EXT-X-VERSION:3\n");
  }

  @Test
  void showsTheStartWindowBeforeTheStartInstant() {
    LivePlaylistWindow window = demo();
    String atStart = window.playlist();
    clock.set(START.minusSeconds(30));

    assertThat(window.playlist()).isEqualTo(atStart);
  }

  @Test
  void spansSeveralLoopsWhenTheWindowIsLongerThanTheLoop() {
    LivePlaylistWindow window = window(DEMO, 9);

    List<Entry> entries = entries(window.playlist());

    assertThat(entries).extracting(Entry::uri).containsExactly(
        "seg-0.ts", "seg-1.ts", "seg-2.ts", "seg-3.ts", "seg-4.ts", "seg-5.ts", "seg-6.ts", "seg-7.ts", "seg-8.ts");
    assertThat(entries).extracting(Entry::discontinuitySequence).containsExactly(0L, 0L, 0L, 0L, 1L, 1L, 1L, 1L, 2L);
  }

  @Test
  void mapsSegmentNamesBackToTheShippedFile() {
    LivePlaylistWindow window = demo();
    clock.advance(LOOP.multipliedBy(3));

    assertThat(window.lookup("seg-0.ts")).isEqualTo(new SegmentLookup.Found(DEMO.get(0), 0));
    assertThat(window.lookup("seg-13.ts")).isEqualTo(new SegmentLookup.Found(DEMO.get(1), 13));
    assertThat(window.lookup("seg-14.ts")).isEqualTo(new SegmentLookup.Found(DEMO.get(2), 14));
    assertThat(window.lookup("seg-15.ts")).isEqualTo(new SegmentLookup.NotYetAvailable(15));
    assertThat(window.lookup(LivePlaylistWindow.segmentName(14))).isEqualTo(window.lookup("seg-14.ts"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"seg-01.ts", "seg-.ts", "seg--1.ts", "seg-1.m4s", "seg-1.ts.ts", "../seg-1.ts",
      "seg-1.TS", "demo-1.ts", "seg-9999999999999999999.ts", "seg-1a.ts", ""})
  void doesNotMapNamesItNeverWrites(String name) {
    assertThat(demo().lookup(name)).isEqualTo(new SegmentLookup.Unknown());
  }

  @Test
  void writesPlaylistsThatTheRewriterSignsCompletely() {
    LivePlaylistWindow window = demo();
    clock.advance(Duration.ofSeconds(6));
    RecordingSigner signer = new RecordingSigner();

    PlaylistRewrite result = PlaylistRewriter.builder().build().rewrite(window.playlist(), "/live/demo/index.m3u8", signer);

    assertThat(result).isInstanceOf(PlaylistRewrite.Rewritten.class);
    PlaylistUris.assertEveryUriSigned(((PlaylistRewrite.Rewritten) result).text());
    assertThat(((PlaylistRewrite.Rewritten) result).targetDuration()).contains(TWO_SECONDS);
    assertThat(signer.paths).containsExactly("/live/demo/seg-3.ts", "/live/demo/seg-4.ts", "/live/demo/seg-5.ts");
  }

  @Test
  void refusesAWindowShorterThanThreeTargetDurations() {
    assertThatThrownBy(() -> window(DEMO, 2)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("6.2.2");
  }

  @Test
  void refusesBadConfiguration() {
    assertThatThrownBy(() -> window(List.of(), 3)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> window(List.of(new SegmentFile("a.m4s", TWO_SECONDS)), 3))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> window(DEMO, 0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> LivePlaylistWindow.builder().segments(DEMO).clock(clock).build())
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> new SegmentFile("../a.ts", TWO_SECONDS)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new SegmentFile("a.ts", Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void readsTheSegmentManifest() {
    List<SegmentFile> segments = SegmentManifest.parse("""
        # comment
        demo-0.ts 2.021333

        demo-1.ts\t2
        """);

    assertThat(segments).containsExactly(
        new SegmentFile("demo-0.ts", Duration.ofNanos(2_021_333_000)), new SegmentFile("demo-1.ts", TWO_SECONDS));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "# only a comment\n", "demo-0.ts\n", "demo-0.ts 2.0 extra\n", "demo-0.ts 2.0000001\n",
      "demo-0.ts -2\n", "demo-0.ts 0\n", "../demo-0.ts 2\n", "demo-0.ts 1e3\n"})
  void refusesABrokenSegmentManifest(String manifest) {
    assertThatThrownBy(() -> SegmentManifest.parse(manifest)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void readsTheShippedDemoManifest() throws IOException {
    Path manifest = Path.of("..", "keycard-server", "src", "main", "resources", "demo-stream", "segments.txt");
    Assumptions.assumeTrue(Files.isRegularFile(manifest), "demo-stream/segments.txt not found next to keycard-core");

    List<SegmentFile> segments = SegmentManifest.parse(Files.readString(manifest));

    assertThat(segments).isNotEmpty();
    for (SegmentFile segment : segments) {
      assertThat(manifest.resolveSibling(segment.name())).isRegularFile();
    }
    LivePlaylistWindow window = window(segments, 3);
    assertThat(window.targetDuration()).isEqualTo(TWO_SECONDS);
  }
}
