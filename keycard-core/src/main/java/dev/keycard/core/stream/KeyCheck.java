package dev.keycard.core.stream;

/** The outcome of checking a presented stream key: a refused key is a value, not an exception. */
public sealed interface KeyCheck {

  /** The key is this stream's and not revoked. */
  record Valid(StreamKey key) implements KeyCheck {}

  record Invalid(KeyRefusal reason) implements KeyCheck {}
}
