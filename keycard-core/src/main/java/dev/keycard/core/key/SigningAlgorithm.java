package dev.keycard.core.key;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.RSAKey;
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

  /**
   * The one algorithm a published key may be used with, or {@code null} when keycard would not accept
   * it: its {@code alg} when it names one of ours and fits the key type, otherwise what the key type
   * allows unambiguously (RSA: RS256, EC P-256: ES256, OKP Ed25519: EdDSA). A key marked for
   * encryption ({@code use: enc}) is never a signing key.
   */
  public static SigningAlgorithm of(JWK jwk) {
    if (jwk.getKeyUse() != null && !KeyUse.SIGNATURE.equals(jwk.getKeyUse())) {
      return null;
    }
    SigningAlgorithm byType = switch (jwk) {
      case RSAKey r -> RS256;
      case ECKey e -> Curve.P_256.equals(e.getCurve()) ? ES256 : null;
      case OctetKeyPair o -> Curve.Ed25519.equals(o.getCurve()) ? EdDSA : null;
      case OctetSequenceKey s -> HS256;
      default -> null;
    };
    if (byType == null || jwk.getAlgorithm() == null) {
      return byType;
    }
    return byType.jws.getName().equals(jwk.getAlgorithm().getName()) ? byType : null;
  }
}
