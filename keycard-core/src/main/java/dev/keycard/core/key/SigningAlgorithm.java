package dev.keycard.core.key;

import com.nimbusds.jose.JWSAlgorithm;
import java.util.Locale;

/** The JWS algorithms keycard signs access tokens with. Each key is pinned to exactly one. */
public enum SigningAlgorithm {
  HS256(JWSAlgorithm.HS256),
  RS256(JWSAlgorithm.RS256),
  ES256(JWSAlgorithm.ES256),
  /** Ed25519, as RFC 8037 names it in JOSE. */
  EdDSA(JWSAlgorithm.EdDSA);

  private final JWSAlgorithm jws;

  SigningAlgorithm(JWSAlgorithm jws) {
    this.jws = jws;
  }

  public JWSAlgorithm jws() {
    return jws;
  }

  public boolean symmetric() {
    return this == HS256;
  }

  /** Parses a configured name case-insensitively ({@code rs256}, {@code EdDSA}, {@code ed25519}). */
  public static SigningAlgorithm parse(String name) {
    String n = name.trim().toUpperCase(Locale.ROOT);
    if (n.equals("ED25519")) {
      return EdDSA;
    }
    for (SigningAlgorithm a : values()) {
      if (a.name().toUpperCase(Locale.ROOT).equals(n)) {
        return a;
      }
    }
    throw new IllegalArgumentException("unknown signing algorithm '" + name + "' (use HS256, RS256, ES256 or EdDSA)");
  }
}
