package dev.keycard.bench;

import com.sun.net.httpserver.HttpServer;
import dev.keycard.core.bearer.BearerAuthenticator;
import dev.keycard.core.key.SigningAlgorithm;
import dev.keycard.core.revocation.InMemoryDenylist;
import dev.keycard.core.token.AccessTokenRequest;
import dev.keycard.core.token.JwtAccessTokenVerifier;
import dev.keycard.core.token.TokenValidity;
import dev.keycard.core.token.VerifiedTokenCache;
import dev.keycard.resourceserver.KeycardResourceServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * keycard-resource-server's check of a request beside keycard's own ({@link BearerAuthenticator} with
 * its verified-token cache, as the server runs it), one thread, same tokens, both with an empty
 * denylist and a cache of the same size. First-seen cycles through {@value #DISTINCT} distinct tokens
 * with a cache of {@value #SMALL_CACHE}, so every call misses, verifies and remembers; already-seen
 * repeats one token. The library is built from a JDK HTTP server on loopback that serves the RFC 8414
 * metadata and the JWKS, as keycard would; after the build it makes no call. HS256 is not here: its
 * secret is never published, so a service outside keycard cannot verify it.
 *
 * <p>Run with {@code KEYCARD_JMH_INCLUDE=ResourceServerBenchmark bench/run-jmh}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ResourceServerBenchmark {
  static final int DISTINCT = 1024;
  static final int SMALL_CACHE = 16;

  @Param({"RS256", "ES256", "EdDSA"})
  public String algorithm;

  private HttpServer issuerStub;
  private KeycardResourceServer library;
  private KeycardResourceServer librarySmallCache;
  private BearerAuthenticator keycard;
  private BearerAuthenticator keycardSmallCache;
  private List<String>[] distinct;
  private List<String> repeated;
  private int next;

  @Setup
  @SuppressWarnings("unchecked")
  public void setUp() throws IOException {
    BenchTokens tokens = new BenchTokens(SigningAlgorithm.parse(algorithm));
    distinct = new List[DISTINCT];
    for (int i = 0; i < DISTINCT; i++) {
      distinct[i] = List.of("Bearer " + tokens.issuer.issue(new AccessTokenRequest("viewer-" + i, "keycard",
          Set.of("profile", "stream:watch"), "session-" + i)).value());
    }
    repeated = List.of("Bearer " + tokens.token);

    TokenValidity validity = new TokenValidity(InstantSource.system(), Duration.ofSeconds(30),
        new InMemoryDenylist(InstantSource.system()));
    JwtAccessTokenVerifier verifier = JwtAccessTokenVerifier.builder().issuer(BenchTokens.ISSUER)
        .audience(BenchTokens.AUDIENCE).keys(() -> tokens.ring).validity(validity).build();
    keycard = new BearerAuthenticator(verifier, new VerifiedTokenCache(validity, 10_000));
    keycardSmallCache = new BearerAuthenticator(verifier, new VerifiedTokenCache(validity, SMALL_CACHE));

    issuerStub = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    String base = "http://127.0.0.1:" + issuerStub.getAddress().getPort();
    String metadata = "{\"issuer\":\"" + BenchTokens.ISSUER + "\",\"token_endpoint\":\"" + BenchTokens.ISSUER
        + "/oauth2/token\",\"jwks_uri\":\"" + BenchTokens.ISSUER + "/.well-known/jwks.json\",\"introspection_endpoint\":\""
        + BenchTokens.ISSUER + "/oauth2/introspect\"}";
    serve("/.well-known/oauth-authorization-server", metadata);
    serve("/.well-known/jwks.json", tokens.ring.publicJwksJson());
    issuerStub.start();
    KeycardResourceServer.Builder builder = KeycardResourceServer.builder().issuer(BenchTokens.ISSUER)
        .location(URI.create(base)).audience(BenchTokens.AUDIENCE);
    library = builder.maxCachedTokens(10_000).build();
    librarySmallCache = builder.maxCachedTokens(SMALL_CACHE).build();
    keycard.authenticate(repeated, null);
    library.authenticate(repeated, null);
  }

  private void serve(String path, String body) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    issuerStub.createContext(path, exchange -> {
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.getResponseHeaders().add("Cache-Control", "public, max-age=3600");
      exchange.sendResponseHeaders(200, bytes.length);
      exchange.getResponseBody().write(bytes);
      exchange.close();
    });
  }

  @TearDown
  public void tearDown() {
    library.close();
    librarySmallCache.close();
    issuerStub.stop(0);
  }

  private List<String> nextDistinct() {
    next = (next + 1) & (DISTINCT - 1);
    return distinct[next];
  }

  /** keycard's own check of a token not in its cache: parse, signature, claims, denylist, remember. */
  @Benchmark
  public Object keycardFirstSeen() {
    return keycardSmallCache.authenticate(nextDistinct(), null);
  }

  /** The library's check of the same: the same verifier behind the library's own steps. */
  @Benchmark
  public Object libraryFirstSeen() {
    return librarySmallCache.authenticate(nextDistinct(), null).toCompletableFuture().getNow(null);
  }

  /** keycard's own check of a token in its verified-token cache. */
  @Benchmark
  public Object keycardAlreadySeen() {
    return keycard.authenticate(repeated, null);
  }

  /** The library's check of a token in its verified-token cache. */
  @Benchmark
  public Object libraryAlreadySeen() {
    return library.authenticate(repeated, null).toCompletableFuture().getNow(null);
  }
}
