package dev.keycard.bench;

import dev.keycard.core.key.CryptoProviders;
import dev.keycard.core.key.KeyGenerator;
import dev.keycard.core.key.KeyRing;
import dev.keycard.core.key.SigningAlgorithm;
import dev.keycard.core.revocation.InMemoryDenylist;
import dev.keycard.core.secret.Secrets;
import dev.keycard.core.token.AccessTokenRequest;
import dev.keycard.core.token.JwtAccessTokenIssuer;
import dev.keycard.core.token.JwtAccessTokenVerifier;
import dev.keycard.core.token.TokenValidity;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Set;

/** One algorithm's issuer, verifier and a token, set up the way the server sets them up. */
final class BenchTokens {
  static final String ISSUER = "http://localhost:8080";
  static final String AUDIENCE = "keycard-api";

  final KeyRing ring;
  final InMemoryDenylist denylist;
  final TokenValidity validity;
  final JwtAccessTokenIssuer issuer;
  final JwtAccessTokenVerifier verifier;
  final String token;

  BenchTokens(SigningAlgorithm algorithm) {
    this(algorithm, CryptoProviders.jdk());
  }

  BenchTokens(SigningAlgorithm algorithm, CryptoProviders crypto) {
    SecureRandom random = new SecureRandom();
    ring = KeyRing.of(List.of(new KeyGenerator(random).generate(algorithm, Instant.now())), crypto);
    denylist = new InMemoryDenylist(InstantSource.system());
    // A denylist with entries, as in production after some logouts: the lookup is not the empty fast path.
    for (int i = 0; i < 1000; i++) {
      denylist.revoke("revoked-" + i, Instant.now().plus(Duration.ofHours(1)));
    }
    issuer = JwtAccessTokenIssuer.builder().issuer(ISSUER).audience(AUDIENCE).keys(() -> ring)
        .secrets(new Secrets(random)).lifetime(Duration.ofHours(1)).build();
    validity = new TokenValidity(InstantSource.system(), Duration.ofSeconds(30), denylist);
    verifier = JwtAccessTokenVerifier.builder().issuer(ISSUER).audience(AUDIENCE).keys(() -> ring)
        .validity(validity).build();
    token = issuer.issue(new AccessTokenRequest("viewer", "keycard", Set.of("profile", "stream:watch"),
        "Hq3kP0dM2xR7sT9vW1yZ4a")).value();
  }
}
