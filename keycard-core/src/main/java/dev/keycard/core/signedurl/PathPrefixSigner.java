package dev.keycard.core.signedurl;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * A token in the path that covers a whole stream directory, so one signature per viewer serves a
 * playlist and every segment it names: relative URIs in an HLS playlist resolve against
 * {@code /t/{token}/live/demo/} and so carry the token without the playlist being rewritten.
 *
 * <pre>
 * /t/{payload}.{mac}/live/demo/index.m3u8
 *
 * payload = base64url(prefix \n exp \n kid \n sid-or-empty \n bind [\n ticket])   bind is "ip" or empty
 * mac     = base64url(HMAC-SHA256(key[kid],
 *             keycard-prefix-v1 \n prefix \n exp \n kid \n sid-or-empty \n client-ip-or-empty))
 *           (keycard-prefix-ticket-v1 instead of keycard-prefix-v1 for a playback ticket, whose payload
 *           ends in a sixth field "ticket")
 * </pre>
 *
 * The prefix is the directory of the signed path, always ending in {@code /}, so
 * {@code /live/demo/} covers {@code /live/demo/1.ts} but never {@code /live/demo2/1.ts}. base64url
 * has no {@code /} and no {@code .}, so the token is one path segment and splits at its only dot.
 * See docs/signed-urls.md.
 */
public final class PathPrefixSigner implements UrlSigner {
  static final String LABEL = "keycard-prefix-v1";
  static final String TICKET_LABEL = "keycard-prefix-ticket-v1";
  static final String MARKER = "/t/";

  private final UrlSigningKeys keys;

  public PathPrefixSigner(UrlSigningKeys keys) {
    this.keys = Objects.requireNonNull(keys, "keys");
  }

  /**
   * Signs the directory holding {@code grant.path()} and returns that path behind the token, e.g.
   * {@code /live/demo/index.m3u8} becomes {@code /t/{token}/live/demo/index.m3u8}. A path ending in
   * {@code /} signs that directory.
   */
  @Override
  public String sign(UrlGrant grant) {
    String path = SafePath.require(grant.path());
    return MARKER + token(grant) + path;
  }

  /** The token alone, for callers that build the URL themselves. */
  public String token(UrlGrant grant) {
    String path = SafePath.require(grant.path());
    String prefix = path.substring(0, path.lastIndexOf('/') + 1);
    if (prefix.equals("/")) {
      throw new IllegalArgumentException("refusing to sign the whole site: the path needs a directory");
    }
    if (path.startsWith(MARKER)) {
      throw new IllegalArgumentException("the path must not itself start with " + MARKER);
    }
    long exp = grant.checkedExpiry();
    String sid = grant.checkedSessionId();
    String ip = grant.checkedClientIp();
    String kid = keys.current().keyId();
    String payload = prefix + '\n' + exp + '\n' + kid + '\n' + (sid == null ? "" : sid) + '\n' + (ip == null ? "" : "ip")
        + (grant.ticket() ? "\n" + HmacUrlSigner.TICKET : "");
    byte[] mac = keys.mac(keys.currentIndex(), canonical(keys, grant.ticket(), prefix, exp, kid, sid, ip));
    return HmacUrlSigner.B64.encodeToString(payload.getBytes(StandardCharsets.US_ASCII)) + '.' + HmacUrlSigner.B64.encodeToString(mac);
  }

  static CanonicalString canonical(UrlSigningKeys keys, boolean ticket, String prefix, long exp, String kid, String sid,
      String ip) {
    return keys.canonical(ticket ? TICKET_LABEL : LABEL).field(prefix).field(exp).field(kid).field(sid).field(ip);
  }
}
