package dev.keycard.server.stream;

/** What an upload or deletion at the origin did. */
public enum IngestOutcome {
  CREATED,
  REPLACED,
  DELETED,
  /** {@code DELETE} of a file the window no longer holds: nothing to do, and not an error. */
  ABSENT,
  UNKNOWN_STREAM,
  /** The stream is served by this process itself (the demo stream) and cannot be published to. */
  BUILT_IN
}
