package dev.keycard.server.login;

import dev.keycard.core.throttle.AttemptCounters;
import dev.keycard.core.throttle.CredentialThrottle;
import dev.keycard.core.throttle.InMemoryAttemptCounters;
import dev.keycard.server.config.LoginThrottling;
import dev.keycard.server.monitoring.Monitoring;
import java.time.InstantSource;

/** Builds a {@link CredentialProtection} from its configuration, on in-process or shared counters. */
public final class CredentialProtections {
  private CredentialProtections() {}

  /** Counters in this process: the embedded default. */
  public static CredentialProtection inProcess(LoginThrottling config, Monitoring monitoring, InstantSource clock) {
    return on(new InMemoryAttemptCounters(clock, config.maxTrackedKeys()), config, monitoring, clock);
  }

  /** On the given counters (shared through Redis when scaled out). */
  public static CredentialProtection on(AttemptCounters counters, LoginThrottling config, Monitoring monitoring,
      InstantSource clock) {
    return new CredentialProtection(new CredentialThrottle(counters, config.policy()),
        new HashingPool(config.hashingThreads(), config.hashingQueue(), monitoring.meters()), monitoring, clock,
        config.refusalHold());
  }
}
