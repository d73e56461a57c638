package dev.keycard.bench;

import dev.keycard.core.key.NativeCrypto;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.Provider;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
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
 * The two hashes off the signature path, JDK against native, one thread: the playback-URL check (one
 * HMAC-SHA256 over a signed URL's canonical string, on a keyed {@code Mac} as the edge keeps it) and
 * the stored form of a client secret or opaque token (one SHA-256 of a 43-character secret). Where
 * native is not faster, keycard keeps the JDK's.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class HashingProviderBenchmark {
  @Param({"jdk", "native"})
  public String crypto;

  private Mac mac;
  private MessageDigest digest;
  private final byte[] url = ("/hls/demo/720p/segment-000123.ts\n1767225600\nk2\nsess-Hq3kP0dM2xR7sT9vW1yZ4a\n"
      + "203.0.113.0/24").getBytes(StandardCharsets.US_ASCII);
  private final byte[] secret = "kcs_Hq3kP0dM2xR7sT9vW1yZ4aHq3kP0dM2xR7sT9vW1".getBytes(StandardCharsets.US_ASCII);

  @Setup
  public void setUp() throws Exception {
    Provider accp = crypto.equals("native") ? NativeCrypto.find().orElseThrow() : null;
    mac = accp == null ? Mac.getInstance("HmacSHA256") : Mac.getInstance("HmacSHA256", accp);
    mac.init(new SecretKeySpec(new byte[32], "HmacSHA256"));
    digest = accp == null ? MessageDigest.getInstance("SHA-256") : MessageDigest.getInstance("SHA-256", accp);
  }

  @Benchmark
  public byte[] playbackUrlHmac() {
    return mac.doFinal(url);
  }

  @Benchmark
  public byte[] secretSha256() {
    return digest.digest(secret);
  }
}
