package dev.keycard.server.edge;

import dev.keycard.core.signedurl.UrlRejection;
import dev.keycard.server.stream.OriginReply;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A refusal the edge answers with: a status and a short JSON body of fixed text (nothing from the
 * request, the origin or an exception is ever echoed). Every refusal is a shared constant, with its
 * body encoded once, so refusing allocates nothing.
 */
public record EdgeRefusal(int status, String error, String description, byte[] body)
    implements EdgeDecision, PlaylistOutcome {

  public static final EdgeRefusal NOT_FOUND = of(404, "not_found", "No such resource");
  public static final EdgeRefusal METHOD_NOT_ALLOWED = of(405, "method_not_allowed", "Only GET and HEAD are served");
  public static final EdgeRefusal SESSION_REVOKED = of(403, "session_revoked", "The playback session was revoked");
  public static final EdgeRefusal BAD_ORIGIN_PLAYLIST = of(502, "bad_origin_playlist", "The origin's playlist cannot be served");
  public static final EdgeRefusal ORIGIN_UNAVAILABLE = of(502, "origin_unavailable", "The origin cannot be reached");
  public static final EdgeRefusal STREAM_OFFLINE = of(503, "stream_offline", "The stream is not live");
  public static final EdgeRefusal SERVER_ERROR = of(500, "server_error", "An unexpected error occurred");

  private static final EdgeRefusal[] URL_REFUSALS = urlRefusals();

  /** The refusal for a signed URL that did not verify: the rejection's own status and text. */
  public static EdgeRefusal of(UrlRejection reason) {
    return URL_REFUSALS[reason.ordinal()];
  }

  /** The refusal for an origin answer that is not a file. */
  public static EdgeRefusal of(OriginReply reply) {
    return switch (reply) {
      case OriginReply.Offline o -> STREAM_OFFLINE;
      case OriginReply.UnknownStream u -> NOT_FOUND;
      case OriginReply.NotFound n -> NOT_FOUND;
      case OriginReply.Found f -> throw new IllegalArgumentException("a found file is not a refusal");
    };
  }

  private static EdgeRefusal of(int status, String error, String description) {
    String json = "{\"error\":\"" + error + "\",\"error_description\":\"" + description + "\"}";
    return new EdgeRefusal(status, error, description, json.getBytes(StandardCharsets.US_ASCII));
  }

  private static EdgeRefusal[] urlRefusals() {
    UrlRejection[] reasons = UrlRejection.values();
    EdgeRefusal[] refusals = new EdgeRefusal[reasons.length];
    for (UrlRejection r : reasons) {
      refusals[r.ordinal()] = of(r.httpStatus(), r.name().toLowerCase(Locale.ROOT), r.description());
    }
    return refusals;
  }
}
