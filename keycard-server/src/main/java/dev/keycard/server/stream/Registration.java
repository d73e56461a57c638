package dev.keycard.server.stream;

/** The outcome of registering a stream id. */
public enum Registration {
  ADDED,
  ALREADY_REGISTERED
}
