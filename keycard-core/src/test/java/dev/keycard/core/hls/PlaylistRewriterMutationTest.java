package dev.keycard.core.hls;

import static dev.keycard.core.hls.PlaylistUris.assertEveryUriSigned;
import static dev.keycard.core.hls.PlaylistUris.resource;
import static org.assertj.core.api.Assertions.assertThat;

import dev.keycard.core.hls.PlaylistUris.RecordingSigner;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Damaged and hostile variants of the real playlists: whatever the input, the rewriter answers with a
 * value (never an exception), and a playlist it accepts carries no unsigned URI. Seeds are fixed, so a
 * failure reproduces.
 */
class PlaylistRewriterMutationTest {
  private static final List<String> FRAGMENTS = List.of("\"", ",", "=", " ", "\t", "\r", "\n", "#", "/", ".", "..",
      "../", "%", "%2e", ":", "URI=", "URI=\"x.ts\"", "uri=\"y.ts\",", "#EXT-X-MAP:URI=\"", "\n#EXT-X-KEY:URI=\"k\"\n",
      "\nhttp://evil.example/a.ts\n", "\n//evil.example/b.ts\n", "\n  seg.ts\n", "{$v}", "\u00e9", "\uFEFF", "\n\n",
      "X-ASSET-URI=\"a.m3u8\"", "SERVER-URI=\"s\"", "\n#EXT-X-PART:URI=z.mp4\n", "\n#EXTINF:1,\n");
  private static final PlaylistRewriter REWRITER = PlaylistRewriter.builder().build();

  @ParameterizedTest
  @ValueSource(strings = {"live-sliding-window.m3u8", "vod-endlist.m3u8", "multivariant.m3u8",
      "fmp4-encrypted.m3u8", "ll-hls.m3u8", "ll-hls-delta.m3u8"})
  void acceptedMutantsCarryNoUnsignedUri(String name) {
    String original = resource(name);
    Random random = new Random(name.hashCode());
    int accepted = 0;
    for (int round = 0; round < 1500; round++) {
      String mutant = mutate(original, random);

      PlaylistRewrite result = REWRITER.rewrite(mutant, "/live/demo/index.m3u8", new RecordingSigner());

      if (result instanceof PlaylistRewrite.Rewritten rewritten) {
        accepted++;
        String text = rewritten.text();
        try {
          assertEveryUriSigned(text);
        } catch (AssertionError e) {
          throw new AssertionError("round " + round + " accepted a playlist with an unsigned URI:\n" + mutant, e);
        }
      }
    }
    assertThat(accepted).as("some mutants are still valid playlists").isGreaterThan(100);
  }

  private static String mutate(String playlist, Random random) {
    StringBuilder text = new StringBuilder(playlist);
    int edits = 1 + random.nextInt(3);
    for (int e = 0; e < edits; e++) {
      // Keep the header most of the time, or nearly every mutant is refused at line 1.
      int at = 8 + random.nextInt(Math.max(1, text.length() - 8));
      switch (random.nextInt(3)) {
        case 0 -> text.insert(at, FRAGMENTS.get(random.nextInt(FRAGMENTS.size())));
        case 1 -> text.delete(at, Math.min(text.length(), at + 1 + random.nextInt(4)));
        default -> {
          int lineStart = text.lastIndexOf("\n", at - 1) + 1;
          int lineEnd = text.indexOf("\n", at);
          String line = text.substring(lineStart, lineEnd < 0 ? text.length() : lineEnd);
          text.insert(lineStart, line + "\n");
        }
      }
    }
    return text.toString();
  }
}
