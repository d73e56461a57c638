package dev.keycard.server.stream;

import dev.keycard.core.stream.StreamId;
import java.util.Set;

/**
 * The scopes that entitle a token to a stream: a general one for every stream, or one naming the
 * stream (RFC 6749 §3.3 scope tokens may contain {@code :}).
 */
public final class StreamScopes {
  public static final String WATCH = "stream:watch";
  public static final String PUBLISH = "stream:publish";

  private StreamScopes() {}

  public static boolean canWatch(Set<String> scopes, StreamId stream) {
    return scopes.contains(WATCH) || scopes.contains(WATCH + ":" + stream.value());
  }

  public static boolean canPublish(Set<String> scopes, StreamId stream) {
    return scopes.contains(PUBLISH) || scopes.contains(PUBLISH + ":" + stream.value());
  }

  /** What to name in an {@code insufficient_scope} challenge: the narrowest scope that would do. */
  public static String watchScope(StreamId stream) {
    return WATCH + ":" + stream.value();
  }

  public static String publishScope(StreamId stream) {
    return PUBLISH + ":" + stream.value();
  }
}
