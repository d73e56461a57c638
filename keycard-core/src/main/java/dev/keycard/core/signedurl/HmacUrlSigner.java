package dev.keycard.core.signedurl;

import java.util.Base64;
import java.util.Objects;

/**
 * keycard's own URL signature: HMAC-SHA256 over a canonical string of the path and the grant,
 * carried in the query. The edge checks it with one MAC.
 *
 * <pre>
 * /live/demo/index.m3u8?exp=1767225600&amp;kid=k1&amp;sid=s-42&amp;bind=ip&amp;use=ticket&amp;sig=&lt;43 base64url chars&gt;
 *
 * canonical string (fields joined by '\n', no trailing newline):
 *   keycard-url-v1 \n {raw path} \n {exp} \n {kid} \n {sid or empty} \n {client ip or empty}
 *   (keycard-ticket-v1 instead of keycard-url-v1 for a playback ticket, which says use=ticket)
 * </pre>
 *
 * Every field is printable ASCII without a newline (paths by the path rule, ids by their
 * alphabet, the expiry as digits), and the field list is fixed, so no two grants share a canonical
 * string. The label separates this scheme's MACs from the path-prefix token's, so the same key can
 * serve both. {@code bind=ip} says the URL is bound to the requesting address, which is not written
 * in the URL but taken from the connection at the edge; dropping or adding {@code bind} changes the
 * canonical string. See docs/signed-urls.md.
 */
public final class HmacUrlSigner implements UrlSigner {
  static final String LABEL = "keycard-url-v1";
  /** A ticket is MACed under its own label, so removing or adding {@code use=ticket} breaks the signature. */
  static final String TICKET_LABEL = "keycard-ticket-v1";
  static final String TICKET = "ticket";
  static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

  private final UrlSigningKeys keys;

  public HmacUrlSigner(UrlSigningKeys keys) {
    this.keys = Objects.requireNonNull(keys, "keys");
  }

  @Override
  public String sign(UrlGrant grant) {
    String path = SafePath.require(grant.path());
    long exp = grant.checkedExpiry();
    String sid = grant.checkedSessionId();
    String ip = grant.checkedClientIp();
    String kid = keys.current().keyId();
    CanonicalString c = canonical(keys, grant.ticket(), path, exp, kid, sid, ip);
    String sig = B64.encodeToString(keys.mac(keys.currentIndex(), c));

    StringBuilder url = new StringBuilder(path.length() + 128).append(path)
        .append("?exp=").append(exp)
        .append("&kid=").append(kid);
    if (sid != null) {
      url.append("&sid=").append(sid);
    }
    if (ip != null) {
      url.append("&bind=ip");
    }
    if (grant.ticket()) {
      url.append("&use=").append(TICKET);
    }
    return url.append("&sig=").append(sig).toString();
  }

  static CanonicalString canonical(UrlSigningKeys keys, boolean ticket, String path, long exp, String kid, String sid,
      String ip) {
    return keys.canonical(ticket ? TICKET_LABEL : LABEL).field(path).field(exp).field(kid).field(sid).field(ip);
  }
}
