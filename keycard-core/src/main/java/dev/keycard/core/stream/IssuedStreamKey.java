package dev.keycard.core.stream;

/**
 * A key just issued: the only moment its secret exists outside the encoder's configuration. Shown
 * once, then forgotten; {@link #toString} leaves it out, so the record can be logged.
 */
public record IssuedStreamKey(StreamKey key, String secret) {
  @Override
  public String toString() {
    return "IssuedStreamKey[key=" + key + ", secret=(hidden)]";
  }
}
