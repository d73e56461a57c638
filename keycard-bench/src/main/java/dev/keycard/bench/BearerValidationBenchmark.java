package dev.keycard.bench;

import com.nimbusds.jose.JWSObject;
import dev.keycard.core.bearer.BearerAuthenticator;
import dev.keycard.core.key.KeyRing;
import dev.keycard.core.key.SigningAlgorithm;
import dev.keycard.core.token.VerifiedTokenCache;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Bearer validation, one thread: the whole request-side decision (Authorization header to principal,
 * denylist included) for a token seen for the first time and for one already verified, beside the
 * bare signature check of the same token. Nimbus's stock {@code DefaultJWTProcessor}, for comparison,
 * is {@link NimbusProcessorBenchmark}: it has no EdDSA without Tink, so it has its own algorithms.
 *
 * <p>Run with {@code bench/run-jmh} (see the README for the figures).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class BearerValidationBenchmark {
  @Param({"HS256", "RS256", "ES256", "EdDSA"})
  public String algorithm;

  private BenchTokens tokens;
  private List<String> header;
  private BearerAuthenticator firstSeen;
  private BearerAuthenticator alreadySeen;
  private KeyRing.VerificationKey key;
  private JWSObject parsed;

  @Setup
  public void setUp() throws Exception {
    tokens = new BenchTokens(SigningAlgorithm.parse(algorithm));
    header = List.of("Bearer " + tokens.token);
    firstSeen = new BearerAuthenticator(tokens.verifier);
    alreadySeen = new BearerAuthenticator(tokens.verifier,
        new VerifiedTokenCache(tokens.validity, 10_000));
    alreadySeen.authenticate(header, null);
    key = tokens.ring.verificationKey(tokens.ring.signer().kid());
    parsed = JWSObject.parse(tokens.token);
  }

  /** Header to principal for a token not seen before: parse, signature, claims, denylist. */
  @Benchmark
  public Object firstSeen() {
    return firstSeen.authenticate(header, null);
  }

  /** Header to principal for a token in the verified-token cache: exp, nbf and denylist still checked. */
  @Benchmark
  public Object alreadySeen() {
    return alreadySeen.authenticate(header, null);
  }

  /** The floor: the signature check alone on the already-parsed token, through the same Nimbus verifier. */
  @Benchmark
  public boolean bareSignature() throws Exception {
    return key.verifier().verify(parsed.getHeader(), parsed.getSigningInput(), parsed.getSignature());
  }
}
