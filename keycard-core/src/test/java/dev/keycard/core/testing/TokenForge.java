package dev.keycard.core.testing;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.util.JSONObjectUtils;
import dev.keycard.core.key.KeyRing;
import dev.keycard.core.key.SigningKey;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds JWTs the way an attacker would: any header, any claims, signed with any key or none.
 * Starts from a token our issuer would make, so each attack test changes exactly one thing.
 */
public final class TokenForge {
  public static final String ISSUER = "https://auth.keycard.test";
  public static final String AUDIENCE = "keycard-api";

  private final Map<String, Object> header = new LinkedHashMap<>();
  private final Map<String, Object> claims = new LinkedHashMap<>();

  private TokenForge() {}

  /** A valid header and claim set for {@code key}, issued at {@code now}, living 15 minutes. */
  public static TokenForge validFor(SigningKey key, Instant now) {
    TokenForge f = new TokenForge();
    f.header.put("alg", key.algorithm().jws().getName());
    f.header.put("typ", "at+jwt");
    f.header.put("kid", key.kid());
    f.claims.put("iss", ISSUER);
    f.claims.put("sub", "alice");
    f.claims.put("aud", List.of(AUDIENCE));
    f.claims.put("iat", now.getEpochSecond());
    f.claims.put("nbf", now.getEpochSecond());
    f.claims.put("exp", now.getEpochSecond() + 900);
    f.claims.put("jti", "jti-" + System.nanoTime());
    f.claims.put("client_id", "keycard");
    f.claims.put("scope", "profile stream:watch");
    return f;
  }

  public TokenForge header(String name, Object value) {
    if (value == null) {
      header.remove(name);
    } else {
      header.put(name, value);
    }
    return this;
  }

  public TokenForge claim(String name, Object value) {
    if (value == null) {
      claims.remove(name);
    } else {
      claims.put(name, value);
    }
    return this;
  }

  public String headerSegment() {
    return Base64URL.encode(JSONObjectUtils.toJSONString(header)).toString();
  }

  public String payloadSegment() {
    return Base64URL.encode(JSONObjectUtils.toJSONString(claims)).toString();
  }

  /** Signs header and payload as they stand with {@code key}'s private or secret part. */
  public String signWith(SigningKey key) {
    return signWith(KeyRing.of(key, List.of(key)), headerSegment(), payloadSegment());
  }

  /** Signs arbitrary segments with the ring's signer, whatever the header says. */
  public static String signWith(KeyRing ring, String headerSegment, String payloadSegment) {
    String input = headerSegment + "." + payloadSegment;
    try {
      JWSHeader h = new JWSHeader(ring.signer().algorithm().jws());
      Base64URL sig = ring.jwsSigner().sign(h, input.getBytes(StandardCharsets.US_ASCII));
      return input + "." + sig;
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Header and payload with an HMAC-SHA256 signature keyed by arbitrary bytes. */
  public String hmacWith(byte[] secret) {
    String input = headerSegment() + "." + payloadSegment();
    try {
      var mac = javax.crypto.Mac.getInstance("HmacSHA256");
      mac.init(new javax.crypto.spec.SecretKeySpec(secret, "HmacSHA256"));
      return input + "." + Base64URL.encode(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Header and payload with an empty signature, as {@code alg: none} tokens carry. */
  public String unsigned() {
    return headerSegment() + "." + payloadSegment() + ".";
  }
}
