package dev.keycard.core.ratelimit;

import dev.keycard.core.token.AccessToken;
import java.util.List;
import java.util.Objects;

/**
 * Which {@link RatePolicy} applies to a token: the first override that matches it (in the order
 * given: a client override matches the token's {@code client_id}, a scope override a scope the token
 * holds), else the global policy. A policy of {@code null} is no limit ({@code off}).
 *
 * @param global    the policy of every token no override matches, or {@code null} for none
 * @param overrides checked in order, the first match wins
 */
public record RatePolicies(RatePolicy global, List<Override> overrides) {
  /** The example policy: 1,000 requests per hour per login session. */
  public static final RatePolicy DEFAULT_POLICY = new RatePolicy(1000, java.time.Duration.ofHours(1));
  /** What {@code keycard serve} does without options. */
  public static final RatePolicies DEFAULTS = new RatePolicies(DEFAULT_POLICY, List.of());
  /** No limits at all. */
  public static final RatePolicies OFF = new RatePolicies(null, List.of());

  /** The form of an override, for messages and help. */
  public static final String OVERRIDE_FORM = "client:CLIENT_ID=POLICY or scope:SCOPE=POLICY, POLICY being "
      + RatePolicy.FORM;

  public RatePolicies {
    overrides = List.copyOf(overrides);
  }

  /**
   * One override.
   *
   * @param client true for {@code client:ID}, false for {@code scope:NAME}
   * @param name   the client id or scope
   * @param policy the policy, or {@code null} for no limit
   */
  public record Override(boolean client, String name, RatePolicy policy) {
    public Override {
      Objects.requireNonNull(name, "name");
    }

    /**
     * Reads {@code client:ID=100/1m} or {@code scope:NAME=off}.
     *
     * @throws IllegalArgumentException naming the expected form
     */
    public static Override parse(String text) {
      String t = text == null ? "" : text.strip();
      int colon = t.indexOf(':');
      int eq = t.lastIndexOf('=');
      if (colon < 0 || eq < colon + 2) {
        throw new IllegalArgumentException("a rate-limit override is " + OVERRIDE_FORM);
      }
      String kind = t.substring(0, colon);
      if (!kind.equals("client") && !kind.equals("scope")) {
        throw new IllegalArgumentException("a rate-limit override is " + OVERRIDE_FORM);
      }
      return new Override(kind.equals("client"), t.substring(colon + 1, eq), RatePolicy.parse(t.substring(eq + 1)));
    }

    boolean matches(AccessToken token) {
      return client ? name.equals(token.clientId()) : token.hasScope(name);
    }

    /** As {@link #parse} reads it. */
    public String format() {
      return (client ? "client:" : "scope:") + name + "=" + (policy == null ? "off" : policy.format());
    }
  }

  /** Whether no token is ever limited. */
  public boolean off() {
    return global == null && overrides.stream().allMatch(o -> o.policy() == null);
  }

  /** The policy of this token, or {@code null} when it has none. */
  public RatePolicy resolve(AccessToken token) {
    for (Override o : overrides) { // a short list, usually empty: no map needed
      if (o.matches(token)) {
        return o.policy();
      }
    }
    return global;
  }

  public RatePolicies withGlobal(RatePolicy value) {
    return new RatePolicies(value, overrides);
  }

  public RatePolicies withOverrides(List<Override> value) {
    return new RatePolicies(global, value);
  }
}
