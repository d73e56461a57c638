package dev.keycard.core.hls;

import static dev.keycard.core.hls.PlaylistUris.EDGE;
import static dev.keycard.core.hls.PlaylistUris.SIGNATURE;
import static dev.keycard.core.hls.PlaylistUris.assertEveryUriSigned;
import static dev.keycard.core.hls.PlaylistUris.masked;
import static dev.keycard.core.hls.PlaylistUris.resource;
import static dev.keycard.core.hls.PlaylistUris.uris;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keycard.core.hls.PlaylistRewrite.Refused;
import dev.keycard.core.hls.PlaylistRewrite.Rewritten;
import dev.keycard.core.hls.PlaylistUris.RecordingSigner;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PlaylistRewriterTest {
  private static final String PLAYLIST_PATH = "/live/demo/index.m3u8";
  private static final PlaylistRewriter REWRITER = PlaylistRewriter.builder().build();

  private final RecordingSigner signer = new RecordingSigner();

  private Rewritten rewritten(String playlist) {
    PlaylistRewrite result = REWRITER.rewrite(playlist, PLAYLIST_PATH, signer);
    assertThat(result).isInstanceOf(Rewritten.class);
    return (Rewritten) result;
  }

  private Refused refused(PlaylistRewriter rewriter, String playlist) {
    PlaylistRewrite result = rewriter.rewrite(playlist, PLAYLIST_PATH, signer);
    assertThat(result).isInstanceOf(Refused.class);
    return (Refused) result;
  }

  private Refused refused(String playlist) {
    return refused(REWRITER, playlist);
  }

  private static String signed(String path) {
    return EDGE + path + SIGNATURE;
  }

  private static String mediaPlaylistWith(String segmentUri) {
    return "#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:2.0,\n" + segmentUri + "\n";
  }

  @Nested
  class RealPlaylists {
    @ParameterizedTest
    @ValueSource(strings = {"live-sliding-window.m3u8", "vod-endlist.m3u8", "multivariant.m3u8",
        "fmp4-encrypted.m3u8", "ll-hls.m3u8", "ll-hls-delta.m3u8"})
    void leavesNoUnsignedUri(String name) {
      String playlist = resource(name);
      String text = rewritten(playlist).text();

      assertEveryUriSigned(text);
      assertThat(uris(text)).hasSameSizeAs(uris(playlist));
    }

    @ParameterizedTest
    @ValueSource(strings = {"live-sliding-window.m3u8", "vod-endlist.m3u8", "multivariant.m3u8",
        "fmp4-encrypted.m3u8", "ll-hls.m3u8", "ll-hls-delta.m3u8"})
    void oracleSeesTheUnsignedUrisOfTheOriginal(String name) {
      String playlist = resource(name);

      assertThat(uris(playlist)).isNotEmpty();
      assertThatThrownBy(() -> assertEveryUriSigned(playlist)).isInstanceOf(AssertionError.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"live-sliding-window.m3u8", "vod-endlist.m3u8", "multivariant.m3u8",
        "fmp4-encrypted.m3u8", "ll-hls.m3u8", "ll-hls-delta.m3u8"})
    void changesNothingButUris(String name) {
      String playlist = resource(name);

      assertThat(masked(rewritten(playlist).text())).isEqualTo(masked(playlist));
    }

    @ParameterizedTest
    @ValueSource(strings = {"live-sliding-window.m3u8", "multivariant.m3u8", "ll-hls.m3u8"})
    void preservesCrlfLineEndings(String name) {
      String playlist = resource(name).replace("\n", "\r\n");
      String text = rewritten(playlist).text();

      assertThat(text.replace("\r\n", "")).doesNotContain("\n", "\r");
      assertThat(masked(text)).isEqualTo(masked(playlist));
      assertEveryUriSigned(text);
    }

    @Test
    void resolvesSlidingWindowSegmentsAgainstThePlaylistPath() {
      rewritten(resource("live-sliding-window.m3u8"));

      assertThat(signer.paths).containsExactly(
          "/live/demo/segment_2680.ts",
          "/live/demo/segment_2681.ts",
          "/live/demo/segment_2682.ts",
          "/live/slate/slate_0001.ts",
          "/live/demo/segment_2684.ts",
          "/live/demo/segment_2685.ts");
    }

    @Test
    void dropsTheOriginalQuerySoOnlySignedParametersReachTheEdge() {
      String text = rewritten(resource("live-sliding-window.m3u8")).text();

      assertThat(text).contains("\n" + signed("/live/demo/segment_2682.ts") + "\n")
          .doesNotContain("cache=2682");
    }

    @Test
    void keepsDiscontinuityAndSequenceTagsOfALiveWindow() {
      Rewritten result = rewritten(resource("live-sliding-window.m3u8"));

      assertThat(result.text()).contains("#EXT-X-MEDIA-SEQUENCE:2680\n", "#EXT-X-DISCONTINUITY\n",
          "#EXT-X-DISCONTINUITY-SEQUENCE:12\n", "#EXTINF:5.839,live\n");
      assertThat(result.targetDuration()).contains(Duration.ofSeconds(6));
      assertThat(result.endList()).isFalse();
    }

    @Test
    void reportsEndListAndSignsEachByteRangeOfOneFileOnce() {
      Rewritten result = rewritten(resource("vod-endlist.m3u8"));

      assertThat(result.endList()).isTrue();
      assertThat(result.targetDuration()).contains(Duration.ofSeconds(10));
      assertThat(result.text()).contains("#EXT-X-BYTERANGE:1052768@0\n" + signed("/live/demo/movie.ts"));
      assertThat(uris(result.text())).hasSize(5).containsOnly(signed("/live/demo/movie.ts"));
      assertThat(signer.paths).containsExactly("/live/demo/movie.ts");
    }

    @Test
    void signsVariantsRenditionsIFrameStreamsAndSessionData() {
      Rewritten result = rewritten(resource("multivariant.m3u8"));

      assertThat(result.targetDuration()).isEmpty();
      assertThat(signer.paths).containsExactly(
          "/live/demo/meta/lyrics.json",
          "/keys/session.key",
          "/live/demo/audio/en/index.m3u8",
          "/live/demo/audio/fr/index.m3u8",
          "/live/demo/subs/en/index.m3u8",
          "/live/demo/1080p/index.m3u8",
          "/live/demo/720p/index.m3u8",
          "/live/demo/360p/index.m3u8",
          "/live/demo/1080p/iframes.m3u8",
          "/live/demo/360p/iframes.m3u8");
      assertThat(result.text())
          .contains("CODECS=\"avc1.640028,mp4a.40.2\",RESOLUTION=1920x1080")
          .contains("NAME=\"Français\"")
          .contains("#EXT-X-MEDIA:TYPE=CLOSED-CAPTIONS,GROUP-ID=\"cc\",NAME=\"English CC\",LANGUAGE=\"en\",INSTREAM-ID=\"CC1\"\n")
          .contains("#EXT-X-I-FRAME-STREAM-INF:BANDWIDTH=186522,CODECS=\"avc1.640028\",RESOLUTION=1920x1080,URI=\""
              + signed("/live/demo/1080p/iframes.m3u8") + "\"\n");
    }

    @Test
    void keepsKeySystemIdentifiersAndSignsKeyFiles() {
      String text = rewritten(resource("fmp4-encrypted.m3u8")).text();

      assertThat(text)
          .contains("#EXT-X-MAP:URI=\"" + signed("/live/demo/init.mp4") + "\",BYTERANGE=\"720@0\"\n")
          .contains("URI=\"skd://keycard-demo-key-1\",KEYFORMAT=\"com.apple.streamingkeydelivery\"")
          .contains("URI=\"data:text/plain;base64,AAAAW3Bzc2gAAAAA7e+LqXnWSs6jyCfc1R0h7QAAADsIARIQ62dqu8s0Xpa7z2FmMPGj2hoNd2lkZXZpbmVfdGVzdA==\"")
          .contains("#EXT-X-KEY:METHOD=SAMPLE-AES,URI=\"" + signed("/live/demo/keys/content-1.key")
              + "\",IV=0x1e2f4c9a7b3d5e6f708192a3b4c5d6e7,KEYFORMAT=\"identity\"\n")
          .contains("#EXT-X-KEY:METHOD=NONE\n")
          .contains("#EXT-X-MAP:URI=\"" + signed("/live/clear/init.mp4") + "\"\n");
      assertThat(signer.paths).contains("/live/clear/chunk_2.m4s", "/live/clear/chunk_3.m4s");
    }

    @Test
    void signsPartsPreloadHintsAndRenditionReports() {
      Rewritten result = rewritten(resource("ll-hls.m3u8"));

      assertThat(result.text())
          .contains("#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,CAN-SKIP-UNTIL=24.0,PART-HOLD-BACK=3.012\n")
          .contains("#EXT-X-PART:DURATION=1.00002,URI=\"" + signed("/live/demo/filePart269.mp4")
              + "\",BYTERANGE=\"23000@20000\"\n")
          .contains("#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"" + signed("/live/demo/filePart270.2.mp4") + "\"\n")
          .contains("#EXT-X-PRELOAD-HINT:TYPE=MAP,URI=\"" + signed("/live/demo/init.mp4")
              + "\",BYTERANGE-START=0,BYTERANGE-LENGTH=720\n")
          .contains("#EXT-X-RENDITION-REPORT:URI=\"" + signed("/live/720p/index.m3u8")
              + "\",LAST-MSN=270,LAST-PART=1\n");
      assertThat(result.targetDuration()).contains(Duration.ofSeconds(4));
    }

    @Test
    void keepsTheSkipTagOfADeltaPlaylist() {
      String text = rewritten(resource("ll-hls-delta.m3u8")).text();

      assertThat(text).contains("#EXT-X-MEDIA-SEQUENCE:266\n#EXT-X-SKIP:SKIPPED-SEGMENTS=2\n#EXT-X-MAP:URI=\""
          + signed("/live/demo/init.mp4") + "\"\n#EXTINF:4.00008,\n" + signed("/live/demo/fileSequence268.mp4") + "\n");
    }

    @Test
    void refusesPathTraversalAboveTheRoot() {
      Refused refusal = refused(resource("escapes-root.m3u8"));

      assertThat(refusal.reason()).isEqualTo(PlaylistRefusal.ESCAPES_ROOT);
      assertThat(refusal.line()).isEqualTo(8);
    }
  }

  /**
   * RFC 3986 §5.4 examples, with the base {@code http://a/b/c/d;p?q} reduced to its path. Two of them
   * resolve to names holding {@code ..} ({@code g..}, {@code ..g}): RFC 3986 allows those, but the URL
   * signers' path rule refuses any {@code ..}, so the rewriter refuses them as unsafe.
   */
  @Nested
  class Rfc3986Section5_4 {
    @ParameterizedTest
    @CsvSource({
        "g, /b/c/g", "./g, /b/c/g", "g/, /b/c/g/", "/g, /g", "g?y, /b/c/g", "g#s, /b/c/g",
        "g?y#s, /b/c/g", ";x, /b/c/;x", "g;x, /b/c/g;x", "g;x?y#s, /b/c/g;x", "., /b/c/", "./, /b/c/",
        ".., /b/", "../, /b/", "../g, /b/g", "../.., /", "../../, /", "../../g, /g",
        "/./g, /g", "/../b/g, REFUSED", "g., /b/c/g.", ".g, /b/c/.g", "g.., UNSAFE", "..g, UNSAFE",
        "./../g, /b/g", "./g/., /b/c/g/", "g/./h, /b/c/g/h", "g/../h, /b/c/h", "g;x=1/./y, /b/c/g;x=1/y",
        "g;x=1/../y, /b/c/y", "../../../g, REFUSED", "../../../../g, REFUSED"})
    void resolvesReferenceAgainstPlaylistPath(String reference, String expected) {
      PlaylistRewrite result = REWRITER.rewrite(mediaPlaylistWith(reference), "/b/c/d;p", signer);

      if (expected.equals("REFUSED")) {
        assertThat(result).isEqualTo(new Refused(PlaylistRefusal.ESCAPES_ROOT, 4));
      } else if (expected.equals("UNSAFE")) {
        assertThat(result).isEqualTo(new Refused(PlaylistRefusal.UNSAFE_PATH, 4));
      } else {
        assertThat(result).isInstanceOf(Rewritten.class);
        assertThat(signer.paths).containsExactly(expected);
      }
    }

    @ParameterizedTest
    @ValueSource(strings = {"?y", "#s"})
    void refusesReferenceToThePlaylistItself(String reference) {
      String playlist = "#EXTM3U\n#EXT-X-MAP:URI=\"" + reference + "\"\n";

      assertThat(REWRITER.rewrite(playlist, "/b/c/d;p", signer))
          .isEqualTo(new Refused(PlaylistRefusal.MALFORMED_URI, 2));
    }
  }

  @Nested
  class UriPolicy {
    @Test
    void refusesAbsoluteUrlToAnotherOriginByDefault() {
      assertThat(refused(mediaPlaylistWith("https://evil.example/live/x.ts")).reason())
          .isEqualTo(PlaylistRefusal.FOREIGN_URL);
      assertThat(refused(mediaPlaylistWith("//evil.example/live/x.ts")).reason())
          .isEqualTo(PlaylistRefusal.FOREIGN_URL);
    }

    @Test
    void keepsForeignUrlUnsignedWhenConfiguredTo() {
      PlaylistRewriter rewriter = PlaylistRewriter.builder().foreignUrls(ForeignUrlPolicy.KEEP_UNSIGNED).build();
      String playlist = mediaPlaylistWith("https://ads.example/break/1.ts?x=1");

      PlaylistRewrite result = rewriter.rewrite(playlist, PLAYLIST_PATH, signer);

      assertThat(result).isEqualTo(new Rewritten(playlist, Optional.of(Duration.ofSeconds(2)), false));
      assertThat(signer.paths).isEmpty();
    }

    @Test
    void signsAbsoluteUrlOfOurOwnOriginByItsPath() {
      PlaylistRewriter rewriter = PlaylistRewriter.builder().sameOrigin("https://Origin.Example:8443").build();
      String playlist = "#EXTM3U\n#EXT-X-MAP:URI=\"HTTPS://origin.example:8443/live/demo/init.mp4?v=2\"\n"
          + "#EXTINF:2.0,\n//origin.example:8443/live/../vod/x.ts\n";

      PlaylistRewrite result = rewriter.rewrite(playlist, PLAYLIST_PATH, signer);

      assertThat(result).isInstanceOf(Rewritten.class);
      assertThat(signer.paths).containsExactly("/live/demo/init.mp4", "/vod/x.ts");
    }

    @Test
    void refusesOurOriginWithAnotherPort() {
      PlaylistRewriter rewriter = PlaylistRewriter.builder().sameOrigin("https://origin.example").build();

      assertThat(refused(rewriter, mediaPlaylistWith("https://origin.example:444/x.ts")).reason())
          .isEqualTo(PlaylistRefusal.FOREIGN_URL);
    }

    @ParameterizedTest
    @ValueSource(strings = {"file:///etc/passwd", "skd://key-1", "data:video/mp2t;base64,AAAA", "ftp://origin/x.ts"})
    void refusesOtherSchemesOutsideKeyTags(String uri) {
      assertThat(refused(mediaPlaylistWith(uri)).reason()).isEqualTo(PlaylistRefusal.UNSUPPORTED_SCHEME);
    }

    @Test
    void refusesUnknownKeySystemSchemesUnlessAllowed() {
      String playlist = "#EXTM3U\n#EXT-X-KEY:METHOD=SAMPLE-AES,URI=\"clearkey://k1\",KEYFORMAT=\"x\"\n";

      assertThat(refused(playlist).reason()).isEqualTo(PlaylistRefusal.UNSUPPORTED_SCHEME);
      assertThat(PlaylistRewriter.builder().keySystemScheme("ClearKey").build().rewrite(playlist, PLAYLIST_PATH, signer))
          .isInstanceOf(Rewritten.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"%2e%2e/%2e%2e/%2e%2e/etc/passwd", "..%2Fsecret.ts", "a%5c..%5cb.ts", "seg.ts%00.m3u8"})
    void refusesPercentEncodedTraversal(String uri) {
      assertThat(refused(mediaPlaylistWith(uri)).reason()).isEqualTo(PlaylistRefusal.UNSAFE_PATH);
    }

    /**
     * Regression: the rewriter once had a path rule of its own that let {@code %25} and {@code %01}
     * through to a signer whose rule refused them, and the signer threw. Now every resolved path
     * passes the signers' own rule first, so a signer is never handed a path it would refuse.
     */
    @ParameterizedTest
    @ValueSource(strings = {"seg%25.ts", "seg%01.ts", "seg%7f.ts", "a//b.ts", "dir/%2525.ts"})
    void refusesPathsTheUrlSignersRefuseBeforeCallingTheSigner(String uri) {
      UriSigner strict = path -> {
        throw new AssertionError("the signer must not be called with " + path);
      };

      assertThat(REWRITER.rewrite(mediaPlaylistWith(uri), PLAYLIST_PATH, strict))
          .isInstanceOfSatisfying(Refused.class, r -> assertThat(r.reason()).isEqualTo(PlaylistRefusal.UNSAFE_PATH));
    }

    @Test
    void refusesThePlaylistWhenTheSignerRefusesAUri() {
      UriSigner onlySegmentZero = path -> path.endsWith("/seg-0.ts") ? "/signed" + path : null;

      assertThat(REWRITER.rewrite(mediaPlaylistWith("seg-1.ts"), PLAYLIST_PATH, onlySegmentZero))
          .isEqualTo(new Refused(PlaylistRefusal.REFUSED_BY_SIGNER, 4));
    }

    @ParameterizedTest
    @ValueSource(strings = {"seg 1.ts", "seg\"1.ts", "seg%zz.ts", "seg%2.ts", "<seg>.ts", "ségment.ts", "seg\\1.ts"})
    void refusesCharactersOutsideRfc3986(String uri) {
      assertThat(refused(mediaPlaylistWith(uri)).reason()).isEqualTo(PlaylistRefusal.MALFORMED_URI);
    }

    @Test
    void keepsPercentEncodedCharactersThatAreNotDelimiters() {
      rewritten(mediaPlaylistWith("caf%C3%A9/seg%201.ts"));

      assertThat(signer.paths).containsExactly("/live/demo/caf%C3%A9/seg%201.ts");
    }

    @Test
    void refusesVariableSubstitution() {
      String playlist = "#EXTM3U\n#EXT-X-DEFINE:NAME=\"base\",VALUE=\"https://evil.example\"\n"
          + "#EXTINF:2.0,\n{$base}/x.ts\n";

      assertThat(refused(playlist).reason()).isEqualTo(PlaylistRefusal.VARIABLE_SUBSTITUTION);
    }
  }

  @Nested
  class Attributes {
    @Test
    void signsUriAttributeWhateverTheCaseOfItsName() {
      String text = rewritten("#EXTM3U\n#EXT-X-MAP:uri=\"init.mp4\"\n").text();

      assertThat(text).isEqualTo("#EXTM3U\n#EXT-X-MAP:uri=\"" + signed("/live/demo/init.mp4") + "\"\n");
    }

    @Test
    void refusesUnquotedUriAttribute() {
      assertThat(refused("#EXTM3U\n#EXT-X-MAP:URI=init.mp4\n").reason()).isEqualTo(PlaylistRefusal.MALFORMED_URI);
    }

    @Test
    void refusesUnterminatedQuotedString() {
      assertThat(refused("#EXTM3U\n#EXT-X-MAP:URI=\"init.mp4\n#EXTINF:2,\n\"x.ts\"\n").reason())
          .isEqualTo(PlaylistRefusal.MALFORMED_TAG);
    }

    @Test
    void refusesEmptyUriAttribute() {
      assertThat(refused("#EXTM3U\n#EXT-X-MAP:URI=\"\"\n").reason()).isEqualTo(PlaylistRefusal.MALFORMED_URI);
    }

    @Test
    void signsInterstitialAssetsButNotClientAttributes() {
      String playlist = "#EXTM3U\n#EXT-X-DATERANGE:ID=\"ad1\",CLASS=\"com.apple.hls.interstitial\","
          + "START-DATE=\"2026-11-29T03:40:00.000Z\",X-ASSET-URI=\"ads/1.m3u8\",X-COM-EXAMPLE-URI=\"opaque\"\n";

      String text = rewritten(playlist).text();

      assertThat(text).contains("X-ASSET-URI=\"" + signed("/live/demo/ads/1.m3u8") + "\",X-COM-EXAMPLE-URI=\"opaque\"\n");
    }

    @Test
    void signsContentSteeringServer() {
      String text = rewritten("#EXTM3U\n#EXT-X-CONTENT-STEERING:SERVER-URI=\"/steering?video=1\",PATHWAY-ID=\"CDN-A\"\n").text();

      assertThat(text).contains("SERVER-URI=\"" + signed("/steering") + "\",PATHWAY-ID=\"CDN-A\"");
    }

    @Test
    void refusesUnknownTagCarryingAUri() {
      assertThat(refused("#EXTM3U\n#EXT-X-VENDOR-PREFETCH:URI=\"next.ts\"\n").reason())
          .isEqualTo(PlaylistRefusal.UNKNOWN_URI_TAG);
    }

    @Test
    void refusesCommentThatLooksLikeAUriTag() {
      assertThat(refused("#EXTM3U\n# #EXT-X-MAP:URI=\"init.mp4\"\n").reason())
          .isEqualTo(PlaylistRefusal.UNKNOWN_URI_TAG);
    }

    @Test
    void keepsSegmentTitleThatMentionsUri() {
      String playlist = "#EXTM3U\n#EXTINF:2.0,URI=\"title\"\nseg.ts\n";

      assertThat(rewritten(playlist).text()).isEqualTo("#EXTM3U\n#EXTINF:2.0,URI=\"title\"\n" + signed("/live/demo/seg.ts") + "\n");
    }

    @Test
    void signsIndentedTagsThatLenientPlayersRead() {
      String text = rewritten("#EXTM3U\n  #EXT-X-MAP:URI=\"init.mp4\"\n").text();

      assertThat(text).isEqualTo("#EXTM3U\n  #EXT-X-MAP:URI=\"" + signed("/live/demo/init.mp4") + "\"\n");
    }
  }

  @Nested
  class PlaylistShape {
    @ParameterizedTest
    @ValueSource(strings = {"", "\n", "#EXTINF:2,\nseg.ts\n", "\uFEFF#EXTM3U\nseg.ts\n", "#EXTM3U8\n", " #EXTM3U\n"})
    void refusesTextThatIsNotAPlaylist(String text) {
      assertThat(refused(text).reason()).isEqualTo(PlaylistRefusal.NOT_A_PLAYLIST);
    }

    @Test
    void refusesPlaylistLargerThanTheLimit() {
      PlaylistRewriter rewriter = PlaylistRewriter.builder().maxLength(64).build();

      assertThat(refused(rewriter, resource("vod-endlist.m3u8")).reason()).isEqualTo(PlaylistRefusal.TOO_LARGE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"live/demo/index.m3u8", "/live/../index.m3u8", "/live/./index.m3u8",
        "/live/index.m3u8?token=1", "/live/%2e%2e/index.m3u8", "", "/live/in dex.m3u8"})
    void refusesPlaylistPathThatIsNotNormalized(String path) {
      assertThat(REWRITER.rewrite(mediaPlaylistWith("seg.ts"), path, signer))
          .isEqualTo(new Refused(PlaylistRefusal.INVALID_PLAYLIST_PATH, 0));
    }

    @ParameterizedTest
    @ValueSource(strings = {"#EXT-X-TARGETDURATION:2.5", "#EXT-X-TARGETDURATION:", "#EXT-X-TARGETDURATION",
        "#EXT-X-TARGETDURATION:-1", "#EXT-X-TARGETDURATION:99999999999"})
    void refusesMalformedTargetDuration(String tag) {
      assertThat(refused("#EXTM3U\n" + tag + "\n").reason()).isEqualTo(PlaylistRefusal.MALFORMED_TAG);
    }

    @Test
    void refusesSecondTargetDuration() {
      assertThat(refused("#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXT-X-TARGETDURATION:10\n").reason())
          .isEqualTo(PlaylistRefusal.MALFORMED_TAG);
    }

    @Test
    void keepsAMissingFinalLineEndingAndMixedLineEndings() {
      String text = rewritten("#EXTM3U\r\n#EXTINF:2.0,\nseg-1.ts\r\n#EXTINF:2.0,\r\nseg-2.ts").text();

      assertThat(text).isEqualTo("#EXTM3U\r\n#EXTINF:2.0,\n" + signed("/live/demo/seg-1.ts") + "\r\n#EXTINF:2.0,\r\n"
          + signed("/live/demo/seg-2.ts"));
    }

    @Test
    void keepsBlanksAroundAUriLine() {
      String text = rewritten("#EXTM3U\n#EXTINF:2.0,\n\tseg.ts  \n").text();

      assertThat(text).isEqualTo("#EXTM3U\n#EXTINF:2.0,\n\t" + signed("/live/demo/seg.ts") + "  \n");
    }
  }

  @Nested
  class Signer {
    @ParameterizedTest
    @ValueSource(strings = {"", "#comment", "https://edge.test/x?\"", "https://edge.test/x\n#EXT-X-ENDLIST", " https://edge.test/x"})
    void outputThatWouldBreakThePlaylistIsAProgrammingError(String output) {
      assertThatThrownBy(() -> REWRITER.rewrite(mediaPlaylistWith("seg.ts"), PLAYLIST_PATH, path -> output))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageNotContaining("edge.test");
    }

    @Test
    void originsMustBeBareSchemeAndAuthority() {
      assertThatThrownBy(() -> PlaylistRewriter.builder().sameOrigin("https://origin.example/live"))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> PlaylistRewriter.builder().sameOrigin("ftp://origin.example"))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }
}
