package dev.keycard.core.hls;

/**
 * Why {@link PlaylistRewriter} refused a playlist. Descriptions are fixed ASCII text: nothing from the
 * playlist is echoed, so a description can go into a log line or an error body as is.
 */
public enum PlaylistRefusal {
  NOT_A_PLAYLIST("The playlist does not start with #EXTM3U"),
  TOO_LARGE("The playlist is larger than allowed"),
  INVALID_PLAYLIST_PATH("The playlist path is not a safe absolute path"),
  MALFORMED_TAG("A tag that the rewriter reads is malformed"),
  MALFORMED_URI("A URI in the playlist is empty, unquoted or not a valid RFC 3986 reference"),
  UNSAFE_PATH("A URI resolves to a path the URL signers refuse (encoded dots, slashes or percent signs, control characters, empty segments)"),
  REFUSED_BY_SIGNER("The URL signer refused a URI of the playlist"),
  ESCAPES_ROOT("A URI climbs above the root with '..'"),
  FOREIGN_URL("A URI points at another origin"),
  UNSUPPORTED_SCHEME("A URI uses a scheme that is neither http(s) nor an allowed key system"),
  VARIABLE_SUBSTITUTION("A URI uses EXT-X-DEFINE variable substitution, which the rewriter does not expand"),
  UNKNOWN_URI_TAG("A tag the rewriter does not know carries a URI attribute");

  private final String description;

  PlaylistRefusal(String description) {
    this.description = description;
  }

  public String description() {
    return description;
  }
}
