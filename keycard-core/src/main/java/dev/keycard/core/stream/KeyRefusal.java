package dev.keycard.core.stream;

/**
 * Why a presented stream key does not open a stream. The encoder is told only that the key is not
 * valid; the reason goes to the stream's ingest status and the log, for whoever runs the stream.
 * Codes and descriptions are fixed text: nothing of the presented key is ever repeated.
 */
public enum KeyRefusal {
  /** Not {@code kcsk_} followed by 43 base64url characters: a typo, a truncated paste, a token. */
  MALFORMED("malformed_stream_key", "The stream key is malformed"),
  /** Well formed but never issued (or its stream is gone). */
  UNKNOWN("unknown_stream_key", "The stream key is not known"),
  /** Issued for this stream and revoked since. */
  REVOKED("revoked_stream_key", "The stream key was revoked"),
  /** A valid key of another stream: a key opens only the stream it was issued for. */
  OTHER_STREAM("foreign_stream_key", "The stream key belongs to another stream");

  private final String code;
  private final String description;

  KeyRefusal(String code, String description) {
    this.code = code;
    this.description = description;
  }

  public String code() {
    return code;
  }

  public String description() {
    return description;
  }
}
