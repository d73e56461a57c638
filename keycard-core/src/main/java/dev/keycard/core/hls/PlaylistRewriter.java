package dev.keycard.core.hls;

import dev.keycard.core.hls.PlaylistRewrite.Refused;
import dev.keycard.core.hls.PlaylistRewrite.Rewritten;
import dev.keycard.core.signedurl.SafePath;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Rewrites an HLS playlist (media or multivariant) so that every URI in it is replaced by a signed URL,
 * leaving every other byte as it was: other tags, comments, blank lines, attribute order and the line
 * endings (LF or CRLF, RFC 8216 §4.1) of each line.
 *
 * <p><b>What is a URI.</b> Every line that is neither blank nor starts with {@code #} (media segments,
 * and variant streams after {@code EXT-X-STREAM-INF}), and the quoted URI attributes of
 * {@code EXT-X-KEY}, {@code EXT-X-SESSION-KEY}, {@code EXT-X-MAP}, {@code EXT-X-MEDIA},
 * {@code EXT-X-I-FRAME-STREAM-INF}, {@code EXT-X-SESSION-DATA}, {@code EXT-X-PART},
 * {@code EXT-X-PRELOAD-HINT}, {@code EXT-X-RENDITION-REPORT} ({@code URI}),
 * {@code EXT-X-CONTENT-STEERING} ({@code SERVER-URI}) and {@code EXT-X-DATERANGE} ({@code X-ASSET-URI},
 * {@code X-ASSET-LIST}, HLS interstitials). Attribute names are matched case-insensitively and a
 * {@code URI} attribute without quotes is refused, so a sloppy playlist cannot slip an unsigned URI
 * past the rewriter. Any other tag (except {@code EXTINF}, whose title is free text) or comment that
 * contains {@code URI=} is refused as {@link PlaylistRefusal#UNKNOWN_URI_TAG}: unknown URI carriers
 * fail closed. Tags indented with blanks are treated as tags, since lenient players read them.
 *
 * <p><b>Resolution.</b> Relative references and absolute paths are resolved against the playlist's own
 * path (RFC 3986 §5.2, with {@code remove_dot_segments}), then handed to the {@link UriSigner}. Unlike
 * RFC 3986, which silently clamps a {@code ..} at the root, a reference that climbs above the root is
 * refused ({@link PlaylistRefusal#ESCAPES_ROOT}). Every resolved path must then pass {@link SafePath},
 * the path rule the URL signers apply ({@link PlaylistRefusal#UNSAFE_PATH} otherwise): no
 * percent-encoded dots, slashes, backslashes, percent signs or control characters, which a file
 * server could decode into another path after the signature was checked, and no empty segments. So
 * a playlist never hands a signer a path it would refuse.
 *
 * <p><b>Absolute URLs.</b> An {@code http(s)} URL, or a {@code //host/...} reference, whose origin was
 * declared with {@link Builder#sameOrigin} is treated as its path and signed. Any other is handled by the
 * {@link ForeignUrlPolicy} (default: refuse the playlist). Inside {@code EXT-X-KEY} and
 * {@code EXT-X-SESSION-KEY}, the key-system schemes ({@code skd:} for FairPlay, {@code data:} PSSH for
 * Widevine and PlayReady, more with {@link Builder#keySystemScheme}) are kept verbatim: they name a key
 * system, not something our edge serves. Any other scheme is refused.
 *
 * <p><b>Queries and fragments.</b> The signer sees the resolved path only, and the original query
 * string and fragment are dropped. Our edge serves media by path, a query it did not sign must not
 * reach it (a client could otherwise tamper with it freely), and signers that cover the whole URL
 * (CloudFront) would need the original query merged into what they sign. The LL-HLS delivery
 * directives ({@code _HLS_msn}, {@code _HLS_part}, {@code _HLS_skip}) are not affected: players add
 * them to the signed playlist URL themselves.
 *
 * <p><b>Cost.</b> One pass over the text, one output {@link StringBuilder} and one scratch builder for
 * resolved paths; the signer is called once per URI, except that a URI identical to the previous one
 * (byte-range playlists repeat one file) reuses the previous signature. JMH
 * ({@code PlaylistRewriterBenchmark}, signer excluded): about 2 us and 4 KB for a 6-segment live
 * window, 0.4 ms for an hour of 2 s VOD segments. Built once, immutable and thread-safe.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8216#section-4">RFC 8216 §4, Playlists</a>
 * @see <a href="https://www.rfc-editor.org/rfc/rfc3986#section-5.2">RFC 3986 §5.2, Relative Resolution</a>
 * @see <a href="https://datatracker.ietf.org/doc/html/draft-pantos-hls-rfc8216bis">draft-pantos-hls-rfc8216bis, LL-HLS tags</a>
 */
public final class PlaylistRewriter {

  /** Default upper bound on playlist length, in chars: a 3-hour VOD of 2 s segments is about 0.5 MB. */
  public static final int DEFAULT_MAX_LENGTH = 4 * 1024 * 1024;

  /** Tags whose quoted attributes carry URIs (RFC 8216 §4.3 and rfc8216bis). */
  private static final UriTag[] URI_TAGS = {
      new UriTag("EXT-X-KEY", true, "URI"),
      new UriTag("EXT-X-SESSION-KEY", true, "URI"),
      new UriTag("EXT-X-MAP", false, "URI"),
      new UriTag("EXT-X-MEDIA", false, "URI"),
      new UriTag("EXT-X-I-FRAME-STREAM-INF", false, "URI"),
      new UriTag("EXT-X-SESSION-DATA", false, "URI"),
      new UriTag("EXT-X-PART", false, "URI"),
      new UriTag("EXT-X-PRELOAD-HINT", false, "URI"),
      new UriTag("EXT-X-RENDITION-REPORT", false, "URI"),
      new UriTag("EXT-X-CONTENT-STEERING", false, "SERVER-URI"),
      new UriTag("EXT-X-DATERANGE", false, "X-ASSET-URI", "X-ASSET-LIST"),
  };

  private final int maxLength;
  private final ForeignUrlPolicy foreignUrls;
  /** Lower-case {@code scheme://authority} of each origin we serve. */
  private final String[] sameOrigins;
  /** Lower-case {@code //authority} of each origin we serve, for {@code //host/...} references. */
  private final String[] sameAuthorities;
  /** Schemes kept verbatim in key tags: they name a key system, not a resource of our edge. */
  private final String[] keySystemSchemes;

  private PlaylistRewriter(Builder builder) {
    this.maxLength = builder.maxLength;
    this.foreignUrls = builder.foreignUrls;
    this.sameOrigins = builder.sameOrigins.toArray(String[]::new);
    this.keySystemSchemes = builder.keySystemSchemes.toArray(String[]::new);
    this.sameAuthorities = new String[sameOrigins.length];
    for (int i = 0; i < sameOrigins.length; i++) {
      sameAuthorities[i] = sameOrigins[i].substring(sameOrigins[i].indexOf("//"));
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * @param playlist     the playlist text as served by the origin
   * @param playlistPath the normalized absolute path the playlist was requested at, without query
   *                     ({@code /live/demo/index.m3u8}); relative URIs are resolved against it
   * @param signer       called with each resolved absolute path
   */
  public PlaylistRewrite rewrite(String playlist, String playlistPath, UriSigner signer) {
    Objects.requireNonNull(playlist, "playlist");
    Objects.requireNonNull(signer, "signer");
    if (playlist.length() > maxLength) {
      return new Refused(PlaylistRefusal.TOO_LARGE, 0);
    }
    if (playlistPath == null || SafePath.check(playlistPath) != null) {
      return new Refused(PlaylistRefusal.INVALID_PLAYLIST_PATH, 0);
    }
    return new Pass(playlist, playlistPath, signer).run();
  }

  /** The state of one rewrite: never shared between threads. */
  private final class Pass {
    private final String text;
    private final String basePath;
    private final int baseDirectoryEnd;
    private final UriSigner signer;
    private final StringBuilder out;
    private final StringBuilder scratch = new StringBuilder(128);

    private int targetDurationSeconds = -1;
    private boolean endList;

    // The previous signed URI, reused when the next one is the same text (byte-range playlists).
    private int lastFrom = -1;
    private int lastLength;
    private String lastSigned;

    Pass(String text, String basePath, UriSigner signer) {
      this.text = text;
      this.basePath = basePath;
      this.baseDirectoryEnd = basePath.lastIndexOf('/') + 1;
      this.signer = signer;
      this.out = new StringBuilder(text.length() + (text.length() >> 1) + 64);
    }

    PlaylistRewrite run() {
      int length = text.length();
      int position = 0;
      int lineNumber = 0;
      while (position < length) {
        lineNumber++;
        int lineFeed = text.indexOf('\n', position);
        int lineEnd = lineFeed < 0 ? length : lineFeed;
        // RFC 8216 §4.1: a line ends with LF or CR LF; the CR is not part of the line.
        int contentEnd = lineEnd > position && text.charAt(lineEnd - 1) == '\r' ? lineEnd - 1 : lineEnd;
        int next = lineFeed < 0 ? length : lineFeed + 1;
        PlaylistRefusal refusal = lineNumber == 1
            ? header(position, contentEnd)
            : line(position, contentEnd);
        if (refusal != null) {
          return new Refused(refusal, lineNumber);
        }
        out.append(text, contentEnd, next);
        position = next;
      }
      if (lineNumber == 0) {
        return new Refused(PlaylistRefusal.NOT_A_PLAYLIST, 1);
      }
      Optional<Duration> targetDuration = targetDurationSeconds < 0
          ? Optional.empty()
          : Optional.of(Duration.ofSeconds(targetDurationSeconds));
      return new Rewritten(out.toString(), targetDuration, endList);
    }

    /** RFC 8216 §4.3.1.1: the first line is exactly {@code #EXTM3U} (a byte-order mark is refused too). */
    private PlaylistRefusal header(int from, int to) {
      if (to - from != 7 || !text.startsWith("#EXTM3U", from)) {
        return PlaylistRefusal.NOT_A_PLAYLIST;
      }
      out.append(text, from, to);
      return null;
    }

    private PlaylistRefusal line(int from, int to) {
      int start = from;
      while (start < to && isBlank(text.charAt(start))) {
        start++;
      }
      if (start == to) {
        out.append(text, from, to);
        return null;
      }
      if (text.charAt(start) == '#') {
        if (text.startsWith("#EXT", start)) {
          // Indented tags are not tags to RFC 8216, but lenient players read them: rewrite them too.
          out.append(text, from, start);
          return tag(start, to);
        }
        if (containsUriAttribute(start, to)) {
          // Some players find tags by pattern anywhere in the text: a comment that looks like a URI
          // attribute fails closed.
          return PlaylistRefusal.UNKNOWN_URI_TAG;
        }
        out.append(text, from, to); // a comment (RFC 8216 §4.1)
        return null;
      }
      int end = to;
      while (isBlank(text.charAt(end - 1))) {
        end--;
      }
      out.append(text, from, start);
      PlaylistRefusal refusal = appendUri(start, end, false);
      if (refusal != null) {
        return refusal;
      }
      out.append(text, end, to);
      return null;
    }

    private PlaylistRefusal tag(int from, int to) {
      int colon = indexOf(':', from, to);
      int nameEnd = colon < 0 ? to : colon;
      int nameFrom = from + 1;
      int valueFrom = colon < 0 ? to : colon + 1;
      UriTag uriTag = uriTag(nameFrom, nameEnd);
      if (uriTag != null) {
        return rewriteAttributes(uriTag, from, valueFrom, to);
      }
      if (nameIs(nameFrom, nameEnd, "EXT-X-TARGETDURATION")) {
        if (targetDurationSeconds >= 0 || colon < 0) {
          return PlaylistRefusal.MALFORMED_TAG;
        }
        targetDurationSeconds = decimalInteger(valueFrom, to);
        if (targetDurationSeconds < 0) {
          return PlaylistRefusal.MALFORMED_TAG;
        }
      } else if (nameIs(nameFrom, nameEnd, "EXT-X-ENDLIST")) {
        endList = true;
      } else if (!nameIs(nameFrom, nameEnd, "EXTINF") && containsUriAttribute(nameFrom, to)) {
        // The whole line is scanned: a tag that lost its ':' still looks like a URI carrier to some.
        return PlaylistRefusal.UNKNOWN_URI_TAG;
      }
      out.append(text, from, to);
      return null;
    }

    /** Walks an attribute list (RFC 8216 §4.2), signing the values of the tag's URI attributes. */
    private PlaylistRefusal rewriteAttributes(UriTag uriTag, int from, int valueFrom, int to) {
      int copied = from;
      int i = valueFrom;
      while (i < to) {
        while (i < to && isBlank(text.charAt(i))) {
          i++;
        }
        int nameFrom = i;
        while (i < to && text.charAt(i) != '=' && text.charAt(i) != ',') {
          i++;
        }
        if (i == to || text.charAt(i) != '=') {
          return PlaylistRefusal.MALFORMED_TAG;
        }
        int nameEnd = i;
        while (nameEnd > nameFrom && isBlank(text.charAt(nameEnd - 1))) {
          nameEnd--;
        }
        if (!isAttributeName(nameFrom, nameEnd)) {
          return PlaylistRefusal.MALFORMED_TAG;
        }
        boolean isUri = uriTag.isUriAttribute(text, nameFrom, nameEnd);
        i++;
        if (i < to && text.charAt(i) == '"') {
          int close = indexOf('"', i + 1, to);
          if (close < 0) {
            return PlaylistRefusal.MALFORMED_TAG;
          }
          if (isUri) {
            out.append(text, copied, i + 1);
            PlaylistRefusal refusal = appendUri(i + 1, close, uriTag.keySystem());
            if (refusal != null) {
              return refusal;
            }
            copied = close;
          }
          i = close + 1;
        } else {
          if (isUri) {
            return PlaylistRefusal.MALFORMED_URI;
          }
          while (i < to && text.charAt(i) != ',') {
            if (text.charAt(i) == '"') {
              // Not an enumerated-string: a quoted URI hiding here could be read by a looser parser.
              return PlaylistRefusal.MALFORMED_TAG;
            }
            i++;
          }
        }
        if (i < to) {
          if (text.charAt(i) != ',') {
            return PlaylistRefusal.MALFORMED_TAG;
          }
          i++;
        }
      }
      out.append(text, copied, to);
      return null;
    }

    /** RFC 8216 §4.2: {@code [A-Z0-9-]}, here in either case since names are matched case-insensitively. */
    private boolean isAttributeName(int from, int to) {
      if (from == to) {
        return false;
      }
      for (int i = from; i < to; i++) {
        char c = text.charAt(i);
        if (!isAlpha(c) && !isDigit(c) && c != '-') {
          return false;
        }
      }
      return true;
    }

    /** Appends the signed form of the URI reference {@code text[from, to)}. */
    private PlaylistRefusal appendUri(int from, int to, boolean keySystem) {
      int length = to - from;
      if (length == 0) {
        return PlaylistRefusal.MALFORMED_URI;
      }
      if (lastSigned != null && length == lastLength && text.regionMatches(from, text, lastFrom, length)) {
        out.append(lastSigned);
        return null;
      }
      PlaylistRefusal refusal = checkCharacters(from, to);
      if (refusal != null) {
        return refusal;
      }
      int schemeEnd = schemeEnd(from, to);
      if (schemeEnd >= 0) {
        if (isHttp(from, schemeEnd)) {
          if (!text.startsWith("//", schemeEnd + 1) || schemeEnd + 3 > to) {
            return PlaylistRefusal.MALFORMED_URI;
          }
          return appendNetworkReference(from, schemeEnd + 1, to, sameOrigins);
        }
        if (keySystem && isKeySystemScheme(from, schemeEnd)) {
          out.append(text, from, to);
          return null;
        }
        return PlaylistRefusal.UNSUPPORTED_SCHEME;
      }
      if (text.startsWith("//", from)) {
        return appendNetworkReference(from, from, to, sameAuthorities);
      }
      return appendPath(from, from, to);
    }

    /**
     * A reference with an authority: {@code text[from, authorityFrom)} is {@code scheme:} or empty and
     * {@code authorityFrom} points at {@code //}.
     */
    private PlaylistRefusal appendNetworkReference(int from, int authorityFrom, int to, String[] ours) {
      int authorityEnd = authorityFrom + 2;
      while (authorityEnd < to && "/?#".indexOf(text.charAt(authorityEnd)) < 0) {
        authorityEnd++;
      }
      int originLength = authorityEnd - from;
      for (String origin : ours) {
        if (origin.length() == originLength && text.regionMatches(true, from, origin, 0, originLength)) {
          if (authorityEnd == to || text.charAt(authorityEnd) != '/') {
            return PlaylistRefusal.MALFORMED_URI;
          }
          return appendPath(from, authorityEnd, to);
        }
      }
      if (foreignUrls == ForeignUrlPolicy.KEEP_UNSIGNED) {
        out.append(text, from, to);
        return null;
      }
      return PlaylistRefusal.FOREIGN_URL;
    }

    /**
     * Resolves the path {@code text[pathFrom, ...)} of the reference {@code text[from, to)} against the
     * playlist path (RFC 3986 §5.2.2 to §5.2.4), drops query and fragment, signs and appends.
     */
    private PlaylistRefusal appendPath(int from, int pathFrom, int to) {
      int pathEnd = pathFrom;
      while (pathEnd < to && text.charAt(pathEnd) != '?' && text.charAt(pathEnd) != '#') {
        pathEnd++;
      }
      if (pathEnd == pathFrom) {
        // "?x" or "#x" alone would name the playlist itself, never a media resource.
        return PlaylistRefusal.MALFORMED_URI;
      }
      scratch.setLength(0);
      int i = pathFrom;
      if (text.charAt(pathFrom) == '/') {
        scratch.append('/');
        i++;
      } else {
        scratch.append(basePath, 0, baseDirectoryEnd);
      }
      // Invariant: scratch ends with '/', and every segment in it is neither "." nor "..".
      while (true) {
        int segmentEnd = indexOf('/', i, pathEnd);
        boolean last = segmentEnd < 0;
        if (last) {
          segmentEnd = pathEnd;
        }
        int segmentLength = segmentEnd - i;
        if (segmentLength == 1 && text.charAt(i) == '.') {
          // "." names the current directory: nothing to append.
        } else if (segmentLength == 2 && text.charAt(i) == '.' && text.charAt(i + 1) == '.') {
          if (scratch.length() == 1) {
            return PlaylistRefusal.ESCAPES_ROOT;
          }
          scratch.setLength(scratch.lastIndexOf("/", scratch.length() - 2) + 1);
        } else {
          scratch.append(text, i, segmentEnd);
          if (!last) {
            scratch.append('/');
          }
        }
        if (last) {
          break;
        }
        i = segmentEnd + 1;
      }
      String path = scratch.toString();
      if (SafePath.check(path) != null) {
        return PlaylistRefusal.UNSAFE_PATH;
      }
      String signed = signer.sign(path);
      if (signed == null) {
        return PlaylistRefusal.REFUSED_BY_SIGNER;
      }
      requirePlayable(signed);
      out.append(signed);
      lastFrom = from;
      lastLength = to - from;
      lastSigned = signed;
      return null;
    }

    private PlaylistRefusal checkCharacters(int from, int to) {
      for (int i = from; i < to; i++) {
        char c = text.charAt(i);
        if (c == '%') {
          if (i + 2 >= to || !isHex(text.charAt(i + 1)) || !isHex(text.charAt(i + 2))) {
            return PlaylistRefusal.MALFORMED_URI;
          }
          i += 2;
        } else if (c == '{' && i + 1 < to && text.charAt(i + 1) == '$') {
          return PlaylistRefusal.VARIABLE_SUBSTITUTION;
        } else if (!isUriCharacter(c)) {
          return PlaylistRefusal.MALFORMED_URI;
        }
      }
      return null;
    }

    /** RFC 3986 §3.1: the index of the ':' ending a scheme, or -1 for a relative reference. */
    private int schemeEnd(int from, int to) {
      if (!isAlpha(text.charAt(from))) {
        return -1;
      }
      for (int i = from + 1; i < to; i++) {
        char c = text.charAt(i);
        if (c == ':') {
          return i;
        }
        if (!isAlpha(c) && !isDigit(c) && c != '+' && c != '-' && c != '.') {
          return -1;
        }
      }
      return -1;
    }

    private boolean isHttp(int from, int schemeEnd) {
      int length = schemeEnd - from;
      return (length == 4 && text.regionMatches(true, from, "http", 0, 4))
          || (length == 5 && text.regionMatches(true, from, "https", 0, 5));
    }

    private boolean isKeySystemScheme(int from, int schemeEnd) {
      for (String scheme : keySystemSchemes) {
        if (scheme.length() == schemeEnd - from && text.regionMatches(true, from, scheme, 0, scheme.length())) {
          return true;
        }
      }
      return false;
    }

    private UriTag uriTag(int nameFrom, int nameEnd) {
      for (UriTag tag : URI_TAGS) {
        if (nameIs(nameFrom, nameEnd, tag.name())) {
          return tag;
        }
      }
      return null;
    }

    private boolean nameIs(int nameFrom, int nameEnd, String name) {
      return nameEnd - nameFrom == name.length() && text.startsWith(name, nameFrom);
    }

    private boolean containsUriAttribute(int from, int to) {
      for (int i = from; i + 4 <= to; i++) {
        if (text.regionMatches(true, i, "URI=", 0, 4)) {
          return true;
        }
      }
      return false;
    }

    /** RFC 8216 §4.2 decimal-integer, bounded to an int; -1 when malformed. */
    private int decimalInteger(int from, int to) {
      if (from == to || to - from > 9) {
        return -1;
      }
      int value = 0;
      for (int i = from; i < to; i++) {
        char c = text.charAt(i);
        if (!isDigit(c)) {
          return -1;
        }
        value = value * 10 + (c - '0');
      }
      return value;
    }

    private int indexOf(char c, int from, int to) {
      for (int i = from; i < to; i++) {
        if (text.charAt(i) == c) {
          return i;
        }
      }
      return -1;
    }
  }

  /** The signer's output lands inside a quoted-string or on its own line: it must keep the syntax. */
  private static void requirePlayable(String signed) {
    if (signed == null || signed.isEmpty() || signed.charAt(0) == '#' || isBlank(signed.charAt(0))
        || isBlank(signed.charAt(signed.length() - 1))) {
      throw new IllegalStateException("UriSigner returned a value that cannot be written into a playlist");
    }
    for (int i = 0; i < signed.length(); i++) {
      char c = signed.charAt(i);
      if (c == '"' || c == '\r' || c == '\n') {
        throw new IllegalStateException("UriSigner returned a value that cannot be written into a playlist");
      }
    }
  }

  /** RFC 3986 §2: unreserved, gen-delims and sub-delims; '%' is checked by the caller. */
  private static boolean isUriCharacter(char c) {
    return isAlpha(c) || isDigit(c) || "-._~:/?#[]@!$&'()*+,;=".indexOf(c) >= 0;
  }

  private static boolean isAlpha(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static boolean isHex(char c) {
    return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }

  private static boolean isBlank(char c) {
    return c == ' ' || c == '\t';
  }

  /** A tag whose attribute list carries URIs; {@code keySystem} tags may name a key system instead. */
  private record UriTag(String name, boolean keySystem, String... uriAttributes) {
    boolean isUriAttribute(String text, int from, int to) {
      for (String attribute : uriAttributes) {
        if (attribute.length() == to - from && text.regionMatches(true, from, attribute, 0, to - from)) {
          return true;
        }
      }
      return false;
    }
  }

  /** Configures a {@link PlaylistRewriter}; {@link #build()} fails fast on a bad setting. */
  public static final class Builder {
    private int maxLength = DEFAULT_MAX_LENGTH;
    private ForeignUrlPolicy foreignUrls = ForeignUrlPolicy.REFUSE;
    private final List<String> sameOrigins = new ArrayList<>();
    private final List<String> keySystemSchemes = new ArrayList<>(List.of("skd", "data"));

    private Builder() {}

    /**
     * Adds a URI scheme that {@code EXT-X-KEY} and {@code EXT-X-SESSION-KEY} may use to name a key
     * system; it is kept verbatim. {@code skd} (FairPlay) and {@code data} (Widevine and PlayReady
     * PSSH boxes) are allowed by default; any other scheme in a key tag is refused.
     */
    public Builder keySystemScheme(String scheme) {
      Objects.requireNonNull(scheme, "scheme");
      if (!scheme.matches("[A-Za-z][A-Za-z0-9+.-]*") || scheme.equalsIgnoreCase("http")
          || scheme.equalsIgnoreCase("https")) {
        throw new IllegalArgumentException("a key system scheme is an RFC 3986 scheme other than http(s)");
      }
      keySystemSchemes.add(scheme.toLowerCase(Locale.ROOT));
      return this;
    }

    /** Playlists longer than this many chars are refused as {@link PlaylistRefusal#TOO_LARGE}. */
    public Builder maxLength(int chars) {
      if (chars < 16) {
        throw new IllegalArgumentException("maxLength must be at least 16 chars");
      }
      this.maxLength = chars;
      return this;
    }

    public Builder foreignUrls(ForeignUrlPolicy policy) {
      this.foreignUrls = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /**
     * Declares an origin whose absolute URLs are ours: they are signed by path like relative ones.
     * Compared textually and case-insensitively, so declare each spelling the packager uses.
     *
     * @param origin {@code http(s)://host[:port]}, with nothing after the authority
     */
    public Builder sameOrigin(String origin) {
      Objects.requireNonNull(origin, "origin");
      String lower = origin.toLowerCase(Locale.ROOT);
      int authority = lower.startsWith("https://") ? 8 : lower.startsWith("http://") ? 7 : -1;
      if (authority < 0 || authority == lower.length()) {
        throw new IllegalArgumentException("origin must look like https://host[:port]");
      }
      for (int i = authority; i < lower.length(); i++) {
        char c = lower.charAt(i);
        if (!isAlpha(c) && !isDigit(c) && c != '.' && c != '-' && c != ':' && c != '[' && c != ']') {
          throw new IllegalArgumentException("origin must look like https://host[:port]");
        }
      }
      sameOrigins.add(lower);
      return this;
    }

    public PlaylistRewriter build() {
      return new PlaylistRewriter(this);
    }
  }
}
