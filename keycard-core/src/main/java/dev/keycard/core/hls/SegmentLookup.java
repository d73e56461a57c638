package dev.keycard.core.hls;

/** What a requested segment name of a {@link LivePlaylistWindow} maps to. */
public sealed interface SegmentLookup {

  /**
   * @param file           the shipped file to serve
   * @param mediaSequence  the segment's media sequence number in the live stream
   */
  record Found(SegmentFile file, long mediaSequence) implements SegmentLookup {}

  /** The name is not one the window ever writes: 404. */
  record Unknown() implements SegmentLookup {}

  /** A well-formed name for a segment the live stream has not produced yet: 404, retry later. */
  record NotYetAvailable(long mediaSequence) implements SegmentLookup {}
}
