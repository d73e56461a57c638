package dev.keycard.bench;

import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.util.Base64URL;
import dev.keycard.core.bearer.BearerAuthenticator;
import dev.keycard.core.key.CryptoProviders;
import dev.keycard.core.key.KeyRing;
import dev.keycard.core.key.NativeCrypto;
import dev.keycard.core.key.SigningAlgorithm;
import dev.keycard.core.token.AccessTokenRequest;
import java.security.Provider;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
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

/**
 * The JDK's providers against the native one (ACCP, AWS-LC), per algorithm, one thread, each through
 * keycard's own {@link KeyRing}: issuing a token (claims, jti, signature, serialization), a first-seen
 * bearer check (header to principal), and the bare signature and verification beneath them.
 * {@code bench/crypto-vs-openssl.sh} prints these beside {@code openssl speed}.
 *
 * <p>"native" here is the native provider for every algorithm, HMAC included, whether or not keycard
 * chooses it: this benchmark is what the choice is made from.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class CryptoProviderBenchmark {
  @Param({"HS256", "RS256", "ES256", "EdDSA"})
  public String algorithm;

  @Param({"jdk", "native"})
  public String crypto;

  private BenchTokens tokens;
  private List<String> header;
  private BearerAuthenticator firstSeen;
  private KeyRing.VerificationKey key;
  private JWSObject parsed;
  private JWSHeader signingHeader;
  private byte[] signingInput;
  private Base64URL signature;
  private final AccessTokenRequest request = new AccessTokenRequest("viewer", "keycard",
      Set.of("profile", "stream:watch"), "Hq3kP0dM2xR7sT9vW1yZ4a");

  @Setup
  public void setUp() throws Exception {
    tokens = new BenchTokens(SigningAlgorithm.parse(algorithm), providers(crypto));
    header = List.of("Bearer " + tokens.token);
    firstSeen = new BearerAuthenticator(tokens.verifier);
    key = tokens.ring.verificationKey(tokens.ring.signer().kid());
    parsed = JWSObject.parse(tokens.token);
    signingHeader = parsed.getHeader();
    signingInput = parsed.getSigningInput();
    signature = parsed.getSignature();
  }

  static CryptoProviders providers(String crypto) {
    if (crypto.equals("jdk")) {
      return CryptoProviders.jdk();
    }
    Provider accp = NativeCrypto.find().orElseThrow(() -> new IllegalStateException("no native provider here"));
    Map<SigningAlgorithm, Provider> all = new EnumMap<>(SigningAlgorithm.class);
    for (SigningAlgorithm a : SigningAlgorithm.values()) {
      all.put(a, accp);
    }
    return CryptoProviders.of(all);
  }

  /** A new access token: claims, random jti, signature, serialization. */
  @Benchmark
  public Object issue() {
    return tokens.issuer.issue(request).value();
  }

  /** Header to principal for a token not seen before: parse, signature, claims, denylist. */
  @Benchmark
  public Object firstSeen() {
    return firstSeen.authenticate(header, null);
  }

  /** The signature alone, through the ring's signer. */
  @Benchmark
  public Object bareSign() throws Exception {
    return tokens.ring.jwsSigner().sign(signingHeader, signingInput);
  }

  /** The verification alone, on the parsed token, through the ring's verifier. */
  @Benchmark
  public boolean bareVerify() throws Exception {
    return key.verifier().verify(signingHeader, signingInput, signature);
  }
}
