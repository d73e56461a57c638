package dev.keycard.core.testing;

import com.nimbusds.jose.util.Base64URL;
import dev.keycard.core.key.SigningAlgorithm;
import dev.keycard.core.key.SigningKey;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The attacks of {@code JwtAttackTest} (RFC 8725 §2) as tokens against a real issuer's key, by name:
 * for comparing another verifier's answers with keycard's own, attack by attack (a resource-server
 * library in another process, say). Each starts from a token {@code key} really signed, or forges one.
 */
public final class JwtAttacks {
  private JwtAttacks() {}

  /**
   * @param key      the issuer's signing key (private part included), as its tokens are signed
   * @param now      the issuer's present
   * @param issuer   the {@code iss} the verifier expects
   * @param audience the {@code aud} the verifier expects
   */
  public static Map<String, String> against(SigningKey key, Instant now, String issuer, String audience) {
    Map<String, String> attacks = new LinkedHashMap<>();
    String genuine = valid(key, now, issuer, audience).signWith(key);
    String[] parts = genuine.split("\\.");
    SigningKey attacker = TestKeys.fresh(key.algorithm(), now);
    SigningKey otherAlgorithm = TestKeys.of(key.algorithm() == SigningAlgorithm.ES256 ? SigningAlgorithm.EdDSA
        : SigningAlgorithm.ES256);

    attacks.put("alg none", valid(key, now, issuer, audience).header("alg", "none").unsigned() + "AAAA");
    attacks.put("HS256 keyed with the public key", valid(key, now, issuer, audience).header("alg", "HS256")
        .hmacWith(key.jwk().toPublicJWK().toJSONString().getBytes(StandardCharsets.UTF_8)));
    attacks.put("tampered payload", parts[0] + "." + valid(key, now, issuer, audience)
        .claim("scope", "admin stream:publish").payloadSegment() + "." + parts[2]);
    attacks.put("stripped signature", parts[0] + "." + parts[1] + ".");
    attacks.put("unknown kid", valid(key, now, issuer, audience).header("kid", "not-our-key").signWith(key));
    attacks.put("embedded jwk", forged(attacker, now, issuer, audience).header("kid", key.kid())
        .header("jwk", attacker.jwk().toPublicJWK().toJSONObject()).signWith(attacker));
    attacks.put("jku header", valid(key, now, issuer, audience).header("jku", "https://attacker.example/jwks.json")
        .signWith(key));
    attacks.put("expired", valid(key, now.minusSeconds(3600), issuer, audience).signWith(key));
    attacks.put("not yet valid", valid(key, now, issuer, audience).claim("nbf", now.plusSeconds(600).getEpochSecond())
        .signWith(key));
    attacks.put("wrong issuer", valid(key, now, issuer, audience).claim("iss", issuer + ".attacker.example").signWith(key));
    attacks.put("wrong audience", valid(key, now, issuer, audience).claim("aud", List.of("some-other-api")).signWith(key));
    attacks.put("missing exp", valid(key, now, issuer, audience).claim("exp", null).signWith(key));
    attacks.put("wrong typ", valid(key, now, issuer, audience).header("typ", "JWT").signWith(key));
    attacks.put("oversize", valid(key, now, issuer, audience).claim("padding", "x".repeat(9000)).signWith(key));
    attacks.put("bad base64url", "%%%." + parts[1] + "." + parts[2]);
    attacks.put("non-JSON payload", parts[0] + "." + Base64URL.encode("this is not json") + "." + parts[2]);
    attacks.put("crit header", valid(key, now, issuer, audience).header("crit", List.of("exp")).header("exp", 1)
        .signWith(key));
    attacks.put("JWE-shaped", "a.b.c.d.e");
    attacks.put("another key under our kid", forged(attacker, now, issuer, audience).header("kid", key.kid())
        .signWith(attacker));
    attacks.put("another algorithm under our kid", forged(otherAlgorithm, now, issuer, audience).header("kid", key.kid())
        .signWith(otherAlgorithm));
    return attacks;
  }

  private static TokenForge valid(SigningKey key, Instant now, String issuer, String audience) {
    return TokenForge.validFor(key, now).claim("iss", issuer).claim("aud", List.of(audience));
  }

  private static TokenForge forged(SigningKey attacker, Instant now, String issuer, String audience) {
    return valid(attacker, now, issuer, audience);
  }
}
