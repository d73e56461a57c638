package dev.keycard.resourceserver.keys;

import com.nimbusds.jose.jwk.JWKSet;
import dev.keycard.core.key.KeyRing;
import dev.keycard.core.key.KeySource;
import dev.keycard.resourceserver.http.IssuerHttp;
import java.io.IOException;
import java.net.URI;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;

/**
 * keycard's published verification keys, fetched from its {@code jwks_uri} and held as a
 * {@linkplain KeyRing#verifying verifying key ring}.
 *
 * <ul>
 *   <li>Reused for as long as the answer's {@code Cache-Control: max-age} allows, then fetched again
 *       in the background ({@link #refreshDelay()} says when).</li>
 *   <li>A token naming a key the ring lacks may trigger one fetch ({@link #refetch()}), but never more
 *       than one such fetch per {@code minInterval}, and concurrent askers share it: a flood of tokens
 *       with made-up {@code kid}s cannot become a flood of fetches.</li>
 *   <li>A failed fetch keeps the last good ring, so the service goes on validating while keycard is
 *       away.</li>
 * </ul>
 */
public final class RemoteKeySet implements KeySource {
  private static final System.Logger LOG = System.getLogger(RemoteKeySet.class.getName());
  /** How long a key set is kept when keycard says nothing about it. */
  private static final Duration DEFAULT_MAX_AGE = Duration.ofMinutes(5);

  private final IssuerHttp http;
  private final URI jwksUri;
  private final Duration minInterval;
  private final InstantSource clock;
  private final Executor executor;
  private final AtomicLong fetches = new AtomicLong();
  private volatile KeyRing ring;
  private volatile Instant fetchedAt;
  private volatile Duration maxAge = DEFAULT_MAX_AGE;
  private volatile Instant lastAttempt = Instant.MIN;
  private CompletableFuture<Void> inFlight;

  public RemoteKeySet(IssuerHttp http, URI jwksUri, Duration minInterval, InstantSource clock, Executor executor) {
    this.http = Objects.requireNonNull(http, "http");
    this.jwksUri = Objects.requireNonNull(jwksUri, "jwksUri");
    this.minInterval = Objects.requireNonNull(minInterval, "minInterval");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.executor = Objects.requireNonNull(executor, "executor");
  }

  /** The keys held now; an empty ring until the first fetch succeeded. */
  @Override
  public KeyRing current() {
    KeyRing r = ring;
    return r == null ? KeyRing.verifying(new JWKSet()) : r;
  }

  /**
   * Blocking: fetches the key set now.
   *
   * @throws IOException when keycard cannot be reached or answers no JWK Set; the last good ring stays
   */
  public void load() throws IOException {
    fetch();
  }

  /**
   * A fetch for a token whose key is unknown: started unless one ran less than {@code minInterval}
   * ago, shared with whoever asks while it runs. Completes (never exceptionally) when it is over, or
   * at once when none was allowed; the ring then holds whatever is known.
   */
  public synchronized CompletableFuture<Void> refetch() {
    if (inFlight != null) {
      return inFlight;
    }
    Instant now = clock.instant();
    if (now.isBefore(lastAttempt.plus(minInterval))) {
      return CompletableFuture.completedFuture(null);
    }
    lastAttempt = now;
    CompletableFuture<Void> started = CompletableFuture.runAsync(this::fetchQuietly, executor);
    inFlight = started;
    started.whenComplete((v, e) -> {
      synchronized (this) {
        inFlight = null;
      }
    });
    return started;
  }

  /** Whether a {@link #refetch()} now would fetch (or join one that runs). */
  public synchronized boolean mayRefetch() {
    return inFlight != null || !clock.instant().isBefore(lastAttempt.plus(minInterval));
  }

  /**
   * The background refresh: a fetch, whatever the interval (it runs only as often as
   * {@link #refreshDelay()} says). It does not count against the unknown-kid interval, so a rotation
   * just after a refresh is still picked up by the first token of the new key.
   */
  public void refreshQuietly() {
    fetchQuietly();
  }

  /** How long until the key set should be fetched again: its {@code max-age}, but never more often than {@code minInterval}. */
  public Duration refreshDelay() {
    Duration age = ring == null ? minInterval : maxAge;
    return age.compareTo(minInterval) < 0 ? minInterval : age;
  }

  /** How many fetches were made, good or bad. */
  public long fetches() {
    return fetches.get();
  }

  /** When the key set was last fetched successfully, or {@code null}. */
  public Instant fetchedAt() {
    return fetchedAt;
  }

  private void fetchQuietly() {
    try {
      fetch();
    } catch (IOException | RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "keycard's key set could not be fetched (" + e.getMessage()
          + "); tokens are checked with the " + current().kids().size() + " keys held");
    }
  }

  private void fetch() throws IOException {
    fetches.incrementAndGet();
    IssuerHttp.JsonDocument doc = http.getJson(jwksUri);
    JWKSet set;
    try {
      set = JWKSet.parse(doc.json());
    } catch (ParseException e) {
      throw new IOException(jwksUri + " answered something that is not a JWK Set");
    }
    KeyRing fresh = KeyRing.verifying(set);
    if (ring != null && !fresh.kids().equals(ring.kids())) {
      LOG.log(System.Logger.Level.INFO, "keycard's key set changed: " + fresh.kids().size() + " keys");
    }
    ring = fresh;
    fetchedAt = clock.instant();
    maxAge = doc.maxAge() == null ? DEFAULT_MAX_AGE : doc.maxAge();
  }
}
