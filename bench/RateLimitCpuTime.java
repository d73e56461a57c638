import dev.keycard.core.ratelimit.LocalRateLimiter;
import dev.keycard.core.ratelimit.RatePolicies;
import dev.keycard.core.ratelimit.RatePolicy;
import dev.keycard.core.token.AccessToken;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Set;

/**
 * The local rate-limit decision in CPU time per call, beside RateLimitBenchmark's wall-clock figure:
 * on a machine shared with other work, a descheduled thread's waiting counts in JMH's average time
 * but not here. One thread, one busy session and 10,000 sessions in turn, best of 5 rounds of 20 M
 * calls after a warm-up.
 * Usage: java -cp keycard-bench/target/benchmarks.jar bench/RateLimitCpuTime.java (after bench/run-jmh built it).
 */
public class RateLimitCpuTime {
  public static void main(String[] args) {
    RatePolicies policies = new RatePolicies(new RatePolicy(999_999_999_999L, Duration.ofHours(1)), List.of());
    LocalRateLimiter limiter = new LocalRateLimiter(policies, InstantSource.system());
    AccessToken[] many = new AccessToken[10_000];
    for (int i = 0; i < many.length; i++) {
      many[i] = token("session-" + i);
    }
    AccessToken one = token("busy");
    ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
    long sink = 0;
    for (String run : List.of("warm-up", "one session", "10,000 sessions")) {
      double best = Double.MAX_VALUE;
      for (int round = 0; round < 5; round++) {
        int calls = 20_000_000;
        long start = cpu.getCurrentThreadCpuTime();
        for (int i = 0; i < calls; i++) {
          sink += limiter.decide(run.equals("10,000 sessions") ? many[i % many.length] : one).remaining();
        }
        best = Math.min(best, (cpu.getCurrentThreadCpuTime() - start) / (double) calls);
      }
      if (!run.equals("warm-up")) {
        System.out.printf("local decision, %s: %.0f ns CPU per call%n", run, best);
      }
    }
    System.out.println(sink == 42 ? "" : "");
  }

  private static AccessToken token(String sid) {
    Instant now = Instant.now();
    return new AccessToken("alice", Set.of("profile"), "web", "https://issuer", List.of("keycard-api"), "jti-" + sid,
        sid, now, now, now.plusSeconds(900));
  }
}
