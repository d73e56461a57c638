package dev.keycard.core.token;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.util.JSONObjectUtils;
import dev.keycard.core.key.KeyRing;
import dev.keycard.core.key.KeySource;
import dev.keycard.core.key.SigningAlgorithm;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The resource server's strict checklist for JWT access tokens (RFC 9068 §4), in this order, each
 * failure with its own {@link Rejection}: size before parsing; structure (three strict base64url
 * parts); {@code typ} is {@code at+jwt}; no {@code jku}/{@code x5u}/{@code jwk}/{@code x5c}/{@code crit}
 * header (keys come only from our own ring); algorithm one of ours; {@code kid} known; algorithm the one
 * pinned to that key (so an RSA public key can never serve as an HMAC secret); signature; {@code iss}
 * exact; {@code aud} contains ours; required claims present; then {@link TokenValidity}, the rule
 * shared with opaque tokens and the verified-token cache: {@code exp} and {@code nbf} with clock skew
 * (a token without {@code nbf} is not valid before its {@code iat}), neither {@code jti} nor
 * {@code sid} revoked.
 *
 * <p>Nimbus does the signature check; the rest is done here rather than by Nimbus's
 * {@code DefaultJWTProcessor} so that every failure has a precise reason without exceptions on the
 * hot path, and so that parsed headers, which repeat for every token of a key, are cached.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc9068#section-4">RFC 9068 §4</a>
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8725">RFC 8725, JWT Best Current Practices</a>
 */
public final class JwtAccessTokenVerifier implements AccessTokenVerifier {
  /** Distinct header segments remembered; real traffic has one per key, attackers get no more room than this. */
  private static final int MAX_CACHED_HEADERS = 64;
  private static final Base64.Decoder B64URL = Base64.getUrlDecoder();

  private final String issuer;
  private final String audience;
  private final KeySource keys;
  private final TokenValidity validity;
  private final int maxTokenLength;
  private final ConcurrentHashMap<String, HeaderCheck> headers = new ConcurrentHashMap<>();

  private JwtAccessTokenVerifier(Builder b) {
    this.issuer = b.issuer;
    this.audience = b.audience;
    this.keys = b.keys;
    this.validity = b.validity;
    this.maxTokenLength = b.maxTokenLength;
  }

  public static Builder builder() {
    return new Builder();
  }

  @Override
  public Verification verify(String token) {
    if (token == null || token.isEmpty()) {
      return Rejection.MALFORMED.asVerification();
    }
    if (token.length() > maxTokenLength) {
      return Rejection.TOO_LARGE.asVerification();
    }
    int dot1 = token.indexOf('.');
    int dot2 = dot1 < 0 ? -1 : token.indexOf('.', dot1 + 1);
    if (dot1 <= 0 || dot2 < 0 || dot2 == dot1 + 1 || dot2 == token.length() - 1
        || token.indexOf('.', dot2 + 1) >= 0 || token.indexOf('=') >= 0
        || !isBase64Url(token, dot2 + 1, token.length())) {
      return Rejection.MALFORMED.asVerification();
    }

    HeaderCheck header = header(token.substring(0, dot1));
    if (header.rejection != null) {
      return header.rejection.asVerification();
    }
    KeyRing.VerificationKey key = keys.current().verificationKey(header.kid);
    if (key == null) {
      return Rejection.UNKNOWN_KEY.asVerification();
    }
    if (key.algorithm() != header.algorithm) {
      return Rejection.ALGORITHM_NOT_ALLOWED.asVerification();
    }
    // One copy of the token as bytes serves the signature check and the payload decoding.
    byte[] ascii = token.getBytes(StandardCharsets.ISO_8859_1);
    boolean signed;
    try {
      signed = key.verifier().verify(header.jws, Arrays.copyOf(ascii, dot2), new Base64URL(token.substring(dot2 + 1)));
    } catch (JOSEException | RuntimeException e) {
      signed = false;
    }
    if (!signed) {
      return Rejection.BAD_SIGNATURE.asVerification();
    }

    ClaimsReader.Claims claims;
    try {
      ByteBuffer payload = B64URL.decode(ByteBuffer.wrap(ascii, dot1 + 1, dot2 - dot1 - 1));
      claims = ClaimsReader.read(payload.array(), payload.arrayOffset() + payload.position(), payload.remaining());
    } catch (IllegalArgumentException e) {
      claims = null;
    }
    return claims == null ? Rejection.MALFORMED.asVerification() : checkClaims(claims);
  }

  private Verification checkClaims(ClaimsReader.Claims c) {
    if (c.iss == null) {
      return Rejection.MISSING_CLAIM.asVerification();
    }
    if (!issuer.equals(c.iss)) {
      return Rejection.WRONG_ISSUER.asVerification();
    }
    if (c.aud == null) {
      return Rejection.MISSING_CLAIM.asVerification();
    }
    if (!c.aud.contains(audience)) {
      return Rejection.WRONG_AUDIENCE.asVerification();
    }
    if (c.exp == null || c.sub == null || c.iat == null || c.jti == null || c.clientId == null) {
      return Rejection.MISSING_CLAIM.asVerification();
    }
    Instant issuedAt = Instant.ofEpochSecond(c.iat);
    // The token's lifetime and revocation are judged on exactly what the cache will remember, by the
    // same rule, so a cached answer can never differ from a full one.
    return validity.check(new Verification.Verified(new AccessToken(c.sub, Scopes.parse(c.scope), c.clientId, c.iss,
        c.aud, c.jti, c.sid, issuedAt, c.nbf == null ? issuedAt : Instant.ofEpochSecond(c.nbf),
        Instant.ofEpochSecond(c.exp))));
  }

  private HeaderCheck header(String segment) {
    HeaderCheck cached = headers.get(segment);
    if (cached != null) {
      return cached;
    }
    HeaderCheck parsed = HeaderCheck.parse(segment);
    // Only well-formed headers are worth remembering; anything else would let garbage fill the map.
    if (parsed.rejection == null && headers.size() < MAX_CACHED_HEADERS) {
      headers.putIfAbsent(segment, parsed);
    }
    return parsed;
  }

  private static boolean isBase64Url(String s, int from, int to) {
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_')) {
        return false;
      }
    }
    return true;
  }

  /** A header segment's verdict: a rejection, or the parsed header with its kid and algorithm. */
  private record HeaderCheck(Rejection rejection, JWSHeader jws, String kid, SigningAlgorithm algorithm) {
    private static final HeaderCheck MALFORMED = new HeaderCheck(Rejection.MALFORMED, null, null, null);

    static HeaderCheck rejected(Rejection r) {
      return new HeaderCheck(r, null, null, null);
    }

    static HeaderCheck parse(String segment) {
      Map<String, Object> json;
      try {
        json = JSONObjectUtils.parse(new String(B64URL.decode(segment), StandardCharsets.UTF_8));
      } catch (IllegalArgumentException | ParseException e) {
        return MALFORMED;
      }
      if (!(json.get("typ") instanceof String typ)
          || !(typ.equalsIgnoreCase("at+jwt") || typ.equalsIgnoreCase("application/at+jwt"))) {
        return rejected(Rejection.WRONG_TYPE);
      }
      for (String forbidden : List.of("jku", "jwk", "x5u", "x5c", "crit", "b64")) {
        if (json.containsKey(forbidden)) {
          return rejected(Rejection.UNTRUSTED_HEADER);
        }
      }
      SigningAlgorithm algorithm = null;
      if (json.get("alg") instanceof String alg) {
        for (SigningAlgorithm a : SigningAlgorithm.values()) {
          if (a.jws().getName().equals(alg)) {
            algorithm = a;
          }
        }
      }
      if (algorithm == null) {
        return rejected(Rejection.ALGORITHM_NOT_ALLOWED);
      }
      if (!(json.get("kid") instanceof String kid) || kid.isEmpty()) {
        return rejected(Rejection.UNKNOWN_KEY);
      }
      try {
        return new HeaderCheck(null, JWSHeader.parse(json, new Base64URL(segment)), kid, algorithm);
      } catch (ParseException e) {
        return MALFORMED;
      }
    }
  }

  /** Builds a verifier; {@link #build()} fails fast on anything missing. */
  public static final class Builder {
    private String issuer;
    private String audience;
    private KeySource keys;
    private TokenValidity validity;
    private int maxTokenLength = 8192;

    private Builder() {}

    /** The exact {@code iss} expected. */
    public Builder issuer(String issuer) {
      this.issuer = issuer;
      return this;
    }

    /** This resource server's identifier, which {@code aud} must contain. */
    public Builder audience(String audience) {
      this.audience = audience;
      return this;
    }

    public Builder keys(KeySource keys) {
      this.keys = keys;
      return this;
    }

    /** Expiry, not-before (with the clock skew) and revocation: the rule every token check shares. */
    public Builder validity(TokenValidity validity) {
      this.validity = validity;
      return this;
    }

    /** Tokens longer than this (in characters) are refused before any parsing. */
    public Builder maxTokenLength(int maxTokenLength) {
      this.maxTokenLength = maxTokenLength;
      return this;
    }

    public JwtAccessTokenVerifier build() {
      if (issuer == null || issuer.isBlank()) {
        throw new IllegalArgumentException("issuer is required");
      }
      if (audience == null || audience.isBlank()) {
        throw new IllegalArgumentException("audience is required");
      }
      Objects.requireNonNull(keys, "keys");
      Objects.requireNonNull(validity, "validity");
      if (maxTokenLength < 256 || maxTokenLength > 65536) {
        throw new IllegalArgumentException("max token length must be between 256 and 65536");
      }
      return new JwtAccessTokenVerifier(this);
    }
  }
}
