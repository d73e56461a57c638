package dev.keycard.core.throttle;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The one rule for throttling failed logins and failed client authentications (the issue's
 * "Throttling logins and credential endpoints"; RFC 7662 §4 for introspection).
 *
 * <p>Logins: each attempt is counted <em>before</em> its password is checked, under the account and
 * under the client address, so that a burst sent at once is throttled as surely as one sent in a
 * row, and a refused attempt costs no Argon2id hash. A success takes its count back. The account key
 * is the submitted name whether or not such an account exists, so an unknown name is throttled
 * exactly like a known one. An address the account logged in from within {@code knownAddressTtl} is
 * counted under its own key (account and address), not the account's: an attacker elsewhere who has
 * used up the account's failures cannot lock its owner out.
 *
 * <p>Client authentication costs no Argon2id (client secrets are high-entropy, checked by SHA-256),
 * so there a failure is counted after the fact, per client id and per address, and an attempt is
 * refused once either is at its limit.
 *
 * <p>Keys hold a digest of the user name or client id, never the name itself: the counters (in
 * Redis, say) do not list who exists or what was typed into the name field.
 */
public final class CredentialThrottle implements AutoCloseable {

  /** What limited an attempt; never told to the caller, who must not learn whether an account exists. */
  public enum LimitedBy { ACCOUNT, ADDRESS, CLIENT }

  /** What to do with an attempt. */
  public sealed interface Decision {
    /** Go ahead after {@code delay} (zero for at once); hand the ticket back with the outcome. */
    record Proceed(Duration delay, Ticket ticket) implements Decision {}

    /** Answer 429 now; {@code retryAfter} is when the limiting window ends. */
    record Refuse(Duration retryAfter, LimitedBy limitedBy) implements Decision {}
  }

  /**
   * The keys an admitted attempt is counted under: the account's (or the client's), the address's,
   * and the one that remembers the address as known, and whether it was known.
   */
  public record Ticket(String accountKey, String addressKey, String knownKey, boolean known) {
    static final Ticket NONE = new Ticket(null, null, null, false);
  }

  private static final Decision PROCEED = new Decision.Proceed(Duration.ZERO, Ticket.NONE);

  private final AttemptCounters counters;
  private final ThrottlePolicy policy;

  public CredentialThrottle(AttemptCounters counters, ThrottlePolicy policy) {
    this.counters = counters;
    this.policy = policy;
  }

  public ThrottlePolicy policy() {
    return policy;
  }

  /** Counts a login attempt for {@code username} from {@code address}, or refuses it. */
  public CompletionStage<Decision> beforeLogin(String username, String address) {
    if (!policy.enabled()) {
      return CompletableFuture.completedFuture(PROCEED);
    }
    String known = "login:known:" + digest(username + "\n" + address);
    String addressKey = "login:ip:" + network(address);
    return counters.peek(known).thenCompose(k -> {
      String accountKey = k.count() > 0 ? "login:acct-ip:" + digest(username + "\n" + address)
          : "login:acct:" + digest(username);
      return counters.hit(accountKey, policy.accountFailures(), policy.window()).thenCompose(a -> {
        if (a.refused()) {
          return CompletableFuture.completedFuture(new Decision.Refuse(a.resetsIn(), LimitedBy.ACCOUNT));
        }
        return counters.hit(addressKey, policy.addressFailures(), policy.window()).thenCompose(i -> {
          if (i.refused()) {
            return counters.release(accountKey)
                .thenApply(v -> new Decision.Refuse(i.resetsIn(), LimitedBy.ADDRESS));
          }
          Duration delay = max(policy.delay(a.count(), policy.accountFailures()),
              policy.delay(i.count(), policy.addressFailures()));
          return CompletableFuture.completedFuture(
              new Decision.Proceed(delay, new Ticket(accountKey, addressKey, known, k.count() > 0)));
        });
      });
    });
  }

  /**
   * The password was right: the attempt is taken back, the account's failures are forgotten and the
   * address becomes known to the account.
   */
  public CompletionStage<Void> loginSucceeded(Ticket ticket) {
    if (ticket.accountKey() == null) {
      return CompletableFuture.completedFuture(null);
    }
    return CompletableFuture.allOf(
        counters.reset(ticket.accountKey()).toCompletableFuture(),
        counters.release(ticket.addressKey()).toCompletableFuture(),
        counters.reset(ticket.knownKey())
            .thenCompose(v -> counters.hit(ticket.knownKey(), Long.MAX_VALUE, policy.knownAddressTtl()))
            .toCompletableFuture());
  }

  /** The attempt was never made (the hashing pool was full): it does not count. */
  public CompletionStage<Void> loginNotAttempted(Ticket ticket) {
    if (ticket.accountKey() == null) {
      return CompletableFuture.completedFuture(null);
    }
    return CompletableFuture.allOf(counters.release(ticket.accountKey()).toCompletableFuture(),
        counters.release(ticket.addressKey()).toCompletableFuture());
  }

  /**
   * Whether a client authentication by {@code clientId} (or by no id: {@code null}) from
   * {@code address} may be tried now. As for logins, an address the client authenticated from before
   * has its own count, so failures sent from elsewhere cannot lock a client out.
   */
  public CompletionStage<Decision> beforeClientAuthentication(String clientId, String address) {
    if (!policy.enabled()) {
      return CompletableFuture.completedFuture(PROCEED);
    }
    String addressKey = "client:ip:" + network(address);
    if (clientId == null) {
      return counters.peek(addressKey).thenApply(i -> clientDecision(AttemptCounters.Attempts.NONE, i,
          new Ticket(null, addressKey, null, false)));
    }
    String known = "client:known:" + digest(clientId + "\n" + address);
    return counters.peek(known).thenCompose(k -> {
      boolean isKnown = k.count() > 0;
      String clientKey = isKnown ? "client:id-ip:" + digest(clientId + "\n" + address) : "client:id:" + digest(clientId);
      Ticket ticket = new Ticket(clientKey, addressKey, known, isKnown);
      CompletableFuture<AttemptCounters.Attempts> byClient = counters.peek(clientKey).toCompletableFuture();
      CompletableFuture<AttemptCounters.Attempts> byAddress = counters.peek(addressKey).toCompletableFuture();
      return byClient.thenCombine(byAddress, (c, i) -> clientDecision(c, i, ticket));
    });
  }

  private Decision clientDecision(AttemptCounters.Attempts c, AttemptCounters.Attempts i, Ticket ticket) {
    if (c.count() >= policy.clientFailures()) {
      return new Decision.Refuse(c.resetsIn(), LimitedBy.CLIENT);
    }
    if (i.count() >= policy.addressFailures()) {
      return new Decision.Refuse(i.resetsIn(), LimitedBy.ADDRESS);
    }
    // The counts so far plus this attempt, should it fail.
    Duration delay = max(policy.delay(c.count() + 1, policy.clientFailures()),
        policy.delay(i.count() + 1, policy.addressFailures()));
    return new Decision.Proceed(delay, ticket);
  }

  /** A client authentication failed: counted under the client id (when one was given) and the address. */
  public CompletionStage<Void> clientAuthenticationFailed(Ticket ticket) {
    if (ticket.addressKey() == null) {
      return CompletableFuture.completedFuture(null);
    }
    CompletableFuture<?> byAddress = counters.hit(ticket.addressKey(), policy.addressFailures(), policy.window())
        .toCompletableFuture();
    CompletableFuture<?> byClient = ticket.accountKey() == null ? CompletableFuture.completedFuture(null)
        : counters.hit(ticket.accountKey(), policy.clientFailures(), policy.window()).toCompletableFuture();
    return CompletableFuture.allOf(byAddress, byClient);
  }

  /** A client authenticated: its address becomes known to it (one write per client and address). */
  public CompletionStage<Void> clientAuthenticationSucceeded(Ticket ticket) {
    if (ticket.knownKey() == null || ticket.known()) {
      return CompletableFuture.completedFuture(null);
    }
    return counters.hit(ticket.knownKey(), Long.MAX_VALUE, policy.knownAddressTtl()).thenApply(a -> null);
  }

  /**
   * A short, stable pseudonym of a user name for the audit trail: an operator can find the attempts
   * on one account (and compute an account's pseudonym to search for it), while a password typed
   * into the name field is not written out.
   */
  public static String pseudonym(String name) {
    return digest(name).substring(0, 16);
  }

  /** Closes the counters (a Redis connection). */
  @Override
  public void close() {
    counters.close();
  }

  /**
   * What an address is counted as: itself for IPv4, its /64 for IPv6, since one subscriber commonly
   * holds a whole /64 and could otherwise spread guesses over 2^64 addresses (and flood the counters).
   */
  static String network(String address) {
    if (address == null || address.indexOf(':') < 0) {
      return address;
    }
    try {
      // A literal with a colon is parsed, never looked up in DNS.
      byte[] bytes = java.net.InetAddress.getByName(address).getAddress();
      if (bytes.length != 16) {
        return address;
      }
      StringBuilder prefix = new StringBuilder();
      for (int i = 0; i < 8; i += 2) {
        prefix.append(Integer.toHexString(((bytes[i] & 0xff) << 8) | (bytes[i + 1] & 0xff))).append(':');
      }
      return prefix.append(":/64").toString();
    } catch (java.net.UnknownHostException | IllegalArgumentException e) {
      return address;
    }
  }

  private static String digest(String value) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(d).substring(0, 22);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  private static Duration max(Duration a, Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
  }
}
