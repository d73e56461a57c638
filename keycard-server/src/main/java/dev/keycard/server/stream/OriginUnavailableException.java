package dev.keycard.server.stream;

import io.vertx.core.http.HttpClosedException;
import java.net.ConnectException;
import java.util.concurrent.TimeoutException;

/**
 * Why a remote origin gave no usable answer: a fixed description (never a URL, a header or a library
 * message) that the edge can log as is, and no stack trace (an origin that is down fails every fetch).
 * The edge answers 502 {@code origin_unavailable}.
 */
public final class OriginUnavailableException extends RuntimeException {
  static final OriginUnavailableException TIMED_OUT =
      new OriginUnavailableException("no complete answer within the origin timeout");
  static final OriginUnavailableException SECRET_REFUSED = new OriginUnavailableException(
      "the origin refused the edge's origin secret (403): both must have the same KEYCARD_ORIGIN_SECRET");
  static final OriginUnavailableException BAD_ANSWER = new OriginUnavailableException(
      "an answer origin pull never gives (is --origin-url a keycard origin with an origin secret set?)");
  private static final OriginUnavailableException NO_CONNECTION = new OriginUnavailableException("no connection");
  private static final OriginUnavailableException TIMEOUT = new OriginUnavailableException("timed out");
  private static final OriginUnavailableException CLOSED = new OriginUnavailableException("the connection closed");

  private OriginUnavailableException(String description) {
    super(description, null, false, false);
  }

  /** The kind of a transport failure; its message, which may quote an address, is dropped. */
  static OriginUnavailableException of(Throwable cause) {
    if (cause instanceof ConnectException) {
      return NO_CONNECTION;
    }
    if (cause instanceof HttpClosedException) {
      return CLOSED;
    }
    if (cause instanceof TimeoutException || cause != null && cause.getClass().getSimpleName().contains("Timeout")) {
      return TIMEOUT;
    }
    return new OriginUnavailableException(cause == null ? "no answer" : cause.getClass().getSimpleName());
  }
}
