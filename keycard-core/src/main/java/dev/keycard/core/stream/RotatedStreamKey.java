package dev.keycard.core.stream;

import java.util.List;

/**
 * A rotation: the new key, and the stream's other keys as they stand afterwards (each revoked now,
 * or at the end of the overlap).
 */
public record RotatedStreamKey(IssuedStreamKey issued, List<StreamKey> retired) {
  public RotatedStreamKey {
    retired = List.copyOf(retired);
  }
}
