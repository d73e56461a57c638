package dev.keycard.server.stream;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The kinds of file a stream holds, told apart by file name: a playlist (RFC 8216 §4) or a media
 * segment (MPEG-TS, fMP4, packed AAC). Each kind has an upload limit and a cheap check of its first
 * bytes, so an encoder misconfigured to send something else is refused at ingest instead of
 * reaching players.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8216#section-3">RFC 8216 §3, Media Segments</a>
 */
public enum MediaType {
  PLAYLIST("m3u8", "application/vnd.apple.mpegurl", 64 * 1024),
  MPEG_TS("ts", "video/mp2t", 32 * 1024 * 1024),
  FMP4_SEGMENT("m4s", "video/iso.segment", 32 * 1024 * 1024),
  MP4("mp4", "video/mp4", 32 * 1024 * 1024),
  AAC("aac", "audio/aac", 32 * 1024 * 1024);

  /** Plain names only: no dot but the extension's, so nothing can climb or hide a second extension. */
  private static final Pattern FILE_NAME = Pattern.compile("[A-Za-z0-9_-]{1,128}\\.(m3u8|ts|m4s|mp4|aac)");
  private static final byte TS_SYNC = 0x47;
  private static final int TS_PACKET = 188;

  private final String extension;
  private final String contentType;
  private final int maxBytes;

  MediaType(String extension, String contentType, int maxBytes) {
    this.extension = extension;
    this.contentType = contentType;
    this.maxBytes = maxBytes;
  }

  /** The type of a file name, or {@code null} when the name is not one a stream may hold. */
  public static MediaType ofFileName(String name) {
    if (name == null) {
      return null;
    }
    Matcher m = FILE_NAME.matcher(name);
    if (!m.matches()) {
      return null;
    }
    String ext = m.group(1);
    for (MediaType t : values()) {
      if (t.extension.equals(ext)) {
        return t;
      }
    }
    return null;
  }

  public String contentType() {
    return contentType;
  }

  public int maxBytes() {
    return maxBytes;
  }

  public boolean isPlaylist() {
    return this == PLAYLIST;
  }

  /**
   * Whether the content starts the way this kind of file must: {@code #EXTM3U} for a playlist
   * (RFC 8216 §4.3.1.1), a 0x47 sync byte at every one of the first packets for MPEG-TS
   * (ISO/IEC 13818-1 §2.4.3.2), an ISO BMFF box type for fMP4, an ADTS sync word or an ID3 tag
   * (RFC 8216 §3.4) for packed audio.
   */
  public boolean accepts(Buffer content) {
    int n = content.length();
    if (n == 0) {
      return false;
    }
    return switch (this) {
      case PLAYLIST -> n >= 7 && content.getString(0, 7, StandardCharsets.US_ASCII.name()).equals("#EXTM3U");
      case MPEG_TS -> {
        for (int i = 0; i < n && i < TS_PACKET * 4; i += TS_PACKET) {
          if (content.getByte(i) != TS_SYNC) {
            yield false;
          }
        }
        yield true;
      }
      case FMP4_SEGMENT, MP4 -> n >= 8 && isBoxType(content);
      case AAC -> (n >= 2 && (content.getByte(0) & 0xFF) == 0xFF && (content.getByte(1) & 0xF0) == 0xF0)
          || (n >= 3 && content.getString(0, 3, StandardCharsets.US_ASCII.name()).equals("ID3"));
    };
  }

  private static boolean isBoxType(Buffer content) {
    for (int i = 4; i < 8; i++) {
      int c = content.getByte(i) & 0xFF;
      if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == ' ')) {
        return false;
      }
    }
    return true;
  }
}
