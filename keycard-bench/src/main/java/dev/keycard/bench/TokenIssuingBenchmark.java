package dev.keycard.bench;

import dev.keycard.core.key.SigningAlgorithm;
import dev.keycard.core.token.AccessTokenRequest;
import java.util.Set;
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

/** Access-token issuing per algorithm, one thread: claims, random jti, signature, serialization. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class TokenIssuingBenchmark {
  @Param({"HS256", "RS256", "ES256", "EdDSA"})
  public String algorithm;

  private BenchTokens tokens;
  private final AccessTokenRequest request = new AccessTokenRequest("viewer", "keycard",
      Set.of("profile", "stream:watch"), "Hq3kP0dM2xR7sT9vW1yZ4a");

  @Setup
  public void setUp() {
    tokens = new BenchTokens(SigningAlgorithm.parse(algorithm));
  }

  @Benchmark
  public Object issue() {
    return tokens.issuer.issue(request).value();
  }
}
