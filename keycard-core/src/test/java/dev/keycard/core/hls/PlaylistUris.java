package dev.keycard.core.hls;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A test oracle written independently of {@link PlaylistRewriter}: finds every URI in a playlist with
 * plain regular expressions, so the tests do not trust the code they check.
 */
final class PlaylistUris {
  static final String EDGE = "https://edge.test";
  static final String SIGNATURE = "?sig=test";

  /** Quoted URI attributes anywhere in a tag line; the look-behind keeps X-ASSET-URI from matching URI. */
  private static final Pattern URI_ATTRIBUTE =
      Pattern.compile("(?i)(?<![A-Z0-9-])(URI|SERVER-URI|X-ASSET-URI|X-ASSET-LIST)=\"([^\"]*)\"");
  private static final Pattern LINE = Pattern.compile("([^\r\n]*)(\r?\n|$)");

  private PlaylistUris() {}

  /** A signer that records what it was asked to sign. */
  static final class RecordingSigner implements UriSigner {
    final List<String> paths = new ArrayList<>();

    @Override
    public String sign(String absolutePath) {
      paths.add(absolutePath);
      return EDGE + absolutePath + SIGNATURE;
    }
  }

  static String resource(String name) {
    try (InputStream in = PlaylistUris.class.getResourceAsStream("/hls/" + name)) {
      if (in == null) {
        throw new IllegalArgumentException("no test resource /hls/" + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every URI of the playlist: URI lines and URI attributes of tag lines, in order. */
  static List<String> uris(String playlist) {
    List<String> found = new ArrayList<>();
    for (String line : lines(playlist)) {
      String trimmed = line.strip();
      if (trimmed.isEmpty()) {
        continue;
      }
      if (!trimmed.startsWith("#")) {
        found.add(trimmed);
        continue;
      }
      if (trimmed.startsWith("#EXT") && !trimmed.startsWith("#EXTINF:")) {
        // An EXTINF title is free text (RFC 8216 §4.3.2.1), never a URI.
        Matcher m = URI_ATTRIBUTE.matcher(trimmed);
        while (m.find()) {
          found.add(m.group(2));
        }
      }
    }
    return found;
  }

  /** The playlist with each URI replaced by a marker: what must come out of a rewrite unchanged. */
  static String masked(String playlist) {
    StringBuilder out = new StringBuilder();
    Matcher line = LINE.matcher(playlist);
    while (line.find() && !(line.group(1).isEmpty() && line.group(2).isEmpty())) {
      String content = line.group(1);
      String trimmed = content.strip();
      if (!trimmed.isEmpty() && !trimmed.startsWith("#")) {
        content = content.replace(trimmed, "<URI>");
      } else if (trimmed.startsWith("#EXT") && !trimmed.startsWith("#EXTINF:")) {
        content = URI_ATTRIBUTE.matcher(content).replaceAll("$1=\"<URI>\"");
      }
      out.append(content).append(line.group(2));
    }
    return out.toString();
  }

  /** Every URI is our signed URL, except key-system identifiers of key tags. */
  static void assertEveryUriSigned(String rewritten) {
    for (String line : lines(rewritten)) {
      String trimmed = line.strip();
      boolean keyTag = trimmed.startsWith("#EXT-X-KEY:") || trimmed.startsWith("#EXT-X-SESSION-KEY:");
      List<String> uris = trimmed.startsWith("#") ? uris("#EXTM3U\n" + trimmed) : uris(trimmed);
      for (String uri : uris) {
        if (keyTag && (uri.startsWith("skd:") || uri.startsWith("data:"))) {
          continue;
        }
        assertThat(uri).as("URI in line: %s", line).startsWith(EDGE + "/").endsWith(SIGNATURE);
      }
    }
  }

  private static List<String> lines(String playlist) {
    return List.of(playlist.split("\r?\n", -1));
  }
}
