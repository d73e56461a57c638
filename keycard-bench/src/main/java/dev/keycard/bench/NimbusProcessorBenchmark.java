package dev.keycard.bench;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import dev.keycard.core.key.SigningAlgorithm;
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
 * For comparison with {@link BearerValidationBenchmark#firstSeen}: Nimbus's stock
 * {@code DefaultJWTProcessor} (parse, {@code typ}, signature, default claim checks) on the same
 * tokens. Only the algorithms Nimbus verifies by itself: its Ed25519 needs Google Tink, which keycard
 * does not ship (keycard plugs in Bouncy Castle instead), so there is no EdDSA cell rather than a
 * figure that measured nothing.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class NimbusProcessorBenchmark {
  @Param({"HS256", "RS256", "ES256"})
  public String algorithm;

  private BenchTokens tokens;
  private DefaultJWTProcessor<SecurityContext> nimbus;

  @Setup
  public void setUp() {
    tokens = new BenchTokens(SigningAlgorithm.parse(algorithm));
    nimbus = new DefaultJWTProcessor<>();
    nimbus.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(new JOSEObjectType("at+jwt")));
    nimbus.setJWSKeySelector(new JWSVerificationKeySelector<>(tokens.ring.signer().algorithm().jws(),
        new ImmutableJWKSet<>(new JWKSet(tokens.ring.signer().jwk()))));
  }

  @Benchmark
  public Object defaultProcessor() throws Exception {
    return nimbus.process(tokens.token, null);
  }
}
