package dev.keycard.server.edge;

/** What the edge answers a playlist request with, once the origin's playlist is in hand. */
public sealed interface PlaylistOutcome permits EdgeRefusal, PlaylistOutcome.Serve {

  /** The playlist to send, every URI in it signed for the viewer's playback session. */
  record Serve(String text) implements PlaylistOutcome {}
}
