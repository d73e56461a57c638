package dev.keycard.core.auth;

import java.util.Map;

/** The outcome of an RFC 7662 introspection request. */
public sealed interface IntrospectionResult {
  /** The response members, {@code active} first; only {@code active:false} for a dead token. */
  record Introspected(Map<String, Object> response) implements IntrospectionResult {}

  record Failed(OAuthError error) implements IntrospectionResult {}
}
