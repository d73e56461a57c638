package dev.keycard.bench;

import dev.keycard.core.key.NativeCrypto;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.Signature;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The floor under the refresh grant: raw RSA-2048 (SHA256withRSA) signatures per second with as many
 * threads as cores, on the JDK's provider and on the native one ({@code provider=native}), the two
 * the server can sign with. The load scripts compare the server's refresh grants per second with this.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 5)
@Fork(1)
@Threads(Threads.MAX)
public class RsaSigningBenchmark {
  @Param({"jdk", "native"})
  public String provider;

  private KeyPair keys;
  private Provider jca;
  private final byte[] input = ("eyJhbGciOiJSUzI1NiIsInR5cCI6ImF0K2p3dCIsImtpZCI6ImFiYyJ9."
      + "eyJpc3MiOiJodHRwOi8vbG9jYWxob3N0OjgwODAiLCJzdWIiOiJ2aWV3ZXIifQ").getBytes(StandardCharsets.US_ASCII);

  @Setup
  public void setUp() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    keys = g.generateKeyPair();
    jca = provider.equals("native") ? NativeCrypto.find().orElseThrow() : null;
    if (jca != null) {
      // As KeyRing does: the key converted to the provider's own object once, not at every signature.
      keys = new KeyPair(keys.getPublic(), (PrivateKey) KeyFactory.getInstance("RSA", jca).translateKey(keys.getPrivate()));
    }
  }

  @Benchmark
  public byte[] sign() throws Exception {
    Signature s = jca == null ? Signature.getInstance("SHA256withRSA") : Signature.getInstance("SHA256withRSA", jca);
    s.initSign(keys.getPrivate());
    s.update(input);
    return s.sign();
  }
}
