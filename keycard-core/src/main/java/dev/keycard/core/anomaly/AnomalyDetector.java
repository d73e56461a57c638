package dev.keycard.core.anomaly;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.keycard.core.geo.Geolocation;
import dev.keycard.core.geo.Geolocation.Location;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Watches how sessions and accounts are used and says when a use is unusual. Fed from every successful
 * bearer check and every request the edge serves, on event loops: each call is a few memory lookups
 * and a short critical section on the session's own state, with no I/O (the {@link Geolocation} answers
 * from memory) and nothing allocated unless the address changed or an anomaly is found. State is kept
 * in bounded caches that forget idle sessions and accounts, so memory stays bounded whatever the load;
 * what is forgotten only makes the detector start afresh for that session or account.
 *
 * <p>Each anomaly is reported once per occasion, not per request: a flood once per minute, sharing once
 * per window, a new country once, impossible travel at most once per {@link #TRAVEL_QUIET}.
 *
 * <ul>
 *   <li><b>Flood</b>: requests per calendar minute of one session above the ceiling, or (once the
 *       session has a minute of history and at least {@link #FLOOD_MINIMUM} requests this minute)
 *       above {@code floodFactor} times its baseline, an exponentially weighted moving average of its
 *       per-minute counts (weight {@link #BASELINE_WEIGHT} for the latest minute).
 *   <li><b>Sharing</b>: more distinct networks ({@code /24}, {@code /64}) than {@code sharingNetworks}
 *       within {@code sharingWindow}, counted separately for bearer checks and for edge requests.
 *   <li><b>New country</b> and <b>impossible travel</b>: per account, from the {@link Geolocation};
 *       a jump is impossible when its distance, less both places' accuracy radii, over the time since
 *       the account's previous use exceeds {@code travelSpeedKmh}.
 * </ul>
 */
public final class AnomalyDetector {
  /** Below this many requests in a minute no rate is a flood by baseline (a page load after a quiet spell is not). */
  public static final int FLOOD_MINIMUM = 60;
  /** The weight of the latest minute in a session's baseline. */
  public static final double BASELINE_WEIGHT = 0.3;
  /** After an impossible jump, further jumps of the same account are not reported for this long. */
  public static final Duration TRAVEL_QUIET = Duration.ofMinutes(10);
  /** How long an idle session's counts are kept. */
  public static final Duration SESSION_MEMORY = Duration.ofHours(1);
  /** How long an idle account's countries and last place are kept. */
  public static final Duration ACCOUNT_MEMORY = Duration.ofDays(30);
  /** The most countries remembered per account (the oldest is forgotten first). */
  static final int COUNTRIES_PER_ACCOUNT = 16;
  static final long MAX_SESSIONS = 200_000;
  static final long MAX_ACCOUNTS = 200_000;

  private final InstantSource clock;
  private final Geolocation geolocation;
  private final int floodCeiling;
  private final double floodFactor;
  private final int sharingNetworks;
  private final long sharingWindowSeconds;
  private final double travelSpeedKmh;
  private final Cache<String, SessionUse> apiSessions;
  private final Cache<String, SessionUse> playbackSessions;
  private final Cache<String, AccountPlaces> accounts;
  /** A session unused for this long starts again from nothing (its counts are of no use any more). */
  private final long sessionMemoryMillis;
  /** Made once: a capturing lambda at each call would be an allocation per request. */
  private final java.util.function.Function<String, SessionUse> newSession;

  private AnomalyDetector(Builder b) {
    this.clock = b.clock;
    this.geolocation = b.geolocation;
    this.floodCeiling = b.floodCeiling;
    this.floodFactor = b.floodFactor;
    this.sharingNetworks = b.sharingNetworks;
    this.sharingWindowSeconds = b.sharingWindow.toSeconds();
    this.travelSpeedKmh = b.travelSpeedKmh;
    int capacity = b.sharingNetworks + 1;
    this.newSession = k -> new SessionUse(capacity);
    Ticker ticker = () -> TimeUnit.MILLISECONDS.toNanos(clock.millis());
    Duration sessionMemory = b.sharingWindow.compareTo(SESSION_MEMORY) > 0 ? b.sharingWindow : SESSION_MEMORY;
    this.sessionMemoryMillis = sessionMemory.toMillis();
    // Maintenance on the caller, as in VerifiedTokenCache: no pool thread woken per bearer check.
    // The per-request caches are bounded by size only: an expiring cache reads its ticker and moves
    // the entry in its access order on every lookup, and these are looked up on every bearer check
    // and every segment the edge serves. Idleness is judged from the session's own last use instead:
    // at once by the lookup (current()), and by prune() to free the memory.
    this.apiSessions = Caffeine.newBuilder().executor(Runnable::run).maximumSize(MAX_SESSIONS).build();
    this.playbackSessions = Caffeine.newBuilder().executor(Runnable::run).maximumSize(MAX_SESSIONS).build();
    this.accounts = Caffeine.newBuilder().executor(Runnable::run).ticker(ticker).expireAfterAccess(ACCOUNT_MEMORY)
        .maximumSize(MAX_ACCOUNTS).build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Whether geographic checks run (a geolocation database was given). */
  public boolean checksGeography() {
    return geolocation != Geolocation.NONE;
  }

  /**
   * A successful bearer check.
   *
   * @param subject   the account (for client credentials, the client)
   * @param clientId  the token's client
   * @param sessionId the token's {@code sid}, or {@code null} (client credentials: counted per client)
   * @param clientIp  the client's address by the trusted-proxy rule, or {@code null}
   * @return the anomalies this use revealed; almost always the empty list
   */
  public List<Anomaly> bearerUsed(String subject, String clientId, String sessionId, String clientIp) {
    long millis = clock.millis(); // not instant(): nothing allocated unless something is found
    long second = Math.floorDiv(millis, 1000);
    String key = sessionId != null ? sessionId : clientId;
    SessionUse use = current(apiSessions, key, millis);
    List<Anomaly> found = List.of();
    Map<String, String> flood;
    Map<String, String> sharing;
    AccountPlaces account;
    synchronized (use) {
      use.lastUsedMillis = millis;
      use.subject = subject;
      use.clientId = clientId;
      flood = countRequest(use, second);
      sharing = clientIp == null ? null : seenFrom(use, clientIp, second);
      account = use.account;
    }
    if (flood != null) {
      found = add(found, new Anomaly(AnomalyKind.FLOOD, Instant.ofEpochMilli(millis), subject, clientId, sessionId, clientIp, null, flood));
    }
    if (sharing != null) {
      found = add(found, new Anomaly(AnomalyKind.SHARING, Instant.ofEpochMilli(millis), subject, clientId, sessionId, clientIp, null, sharing));
    }
    if (clientIp != null && geolocation != Geolocation.NONE) {
      if (account == null) { // once per session: later uses reach the account without a cache lookup
        account = accounts.get(subject, k -> new AccountPlaces());
        synchronized (use) {
          use.account = account;
        }
      }
      found = places(account, found, millis, subject, clientId, sessionId, clientIp);
    }
    return found;
  }

  /**
   * A request the edge serves for a playback session (its URLs carry the login session's id).
   *
   * @return the anomalies this use revealed (sharing of the session's URLs); almost always empty
   */
  public List<Anomaly> playbackUsed(String sessionId, String clientIp) {
    if (sessionId == null || clientIp == null) {
      return List.of();
    }
    long millis = clock.millis();
    SessionUse use = current(playbackSessions, sessionId, millis);
    Map<String, String> sharing;
    synchronized (use) {
      use.lastUsedMillis = millis;
      sharing = seenFrom(use, clientIp, Math.floorDiv(millis, 1000));
    }
    if (sharing == null) {
      return List.of();
    }
    // The account, if this process saw the session's bearer checks: an edge-only instance did not.
    SessionUse api = apiSessions.getIfPresent(sessionId);
    String subject = null;
    String clientId = null;
    if (api != null) {
      synchronized (api) {
        subject = api.subject;
        clientId = api.clientId;
      }
    }
    Map<String, String> figures = new java.util.HashMap<>(sharing);
    figures.put("where", "edge");
    return List.of(new Anomaly(AnomalyKind.SHARING, Instant.ofEpochMilli(millis), subject, clientId, sessionId,
        clientIp, null, figures));
  }

  /**
   * The session's use record, a new one when the one held was idle for the session memory (its counts
   * are of no use any more). Of two callers that find the same idle record, one replaces it and the
   * other takes the replacement.
   */
  private SessionUse current(Cache<String, SessionUse> sessions, String key, long nowMillis) {
    SessionUse use = sessions.get(key, newSession);
    if (use.idle(nowMillis, sessionMemoryMillis)) {
      SessionUse fresh = newSession.apply(key);
      use = sessions.asMap().replace(key, use, fresh) ? fresh : sessions.get(key, newSession);
    }
    return use;
  }

  /** Forgets the sessions unused for longer than the session memory: run it from a maintenance job. */
  public void prune() {
    long now = clock.millis();
    apiSessions.asMap().values().removeIf(use -> use.idle(now, sessionMemoryMillis));
    playbackSessions.asMap().values().removeIf(use -> use.idle(now, sessionMemoryMillis));
  }

  /** How many sessions' uses are held in memory, idle ones not yet pruned included. */
  long remembered() {
    return apiSessions.estimatedSize() + playbackSessions.estimatedSize();
  }

  /** The place of an address, for events that name the country. */
  public Optional<Location> locate(String clientIp) {
    return clientIp == null ? Optional.empty() : geolocation.locate(clientIp);
  }

  private Map<String, String> countRequest(SessionUse use, long second) {
    long minute = Math.floorDiv(second, 60);
    if (minute != use.minute) {
      if (use.minute != Long.MIN_VALUE) {
        use.baseline = use.minutesSeen == 0 ? use.count
            : BASELINE_WEIGHT * use.count + (1 - BASELINE_WEIGHT) * use.baseline;
        long idle = minute - use.minute - 1;
        if (idle > 0) {
          use.baseline *= Math.pow(1 - BASELINE_WEIGHT, Math.min(idle, 1_000));
        }
        use.minutesSeen++;
      }
      use.minute = minute;
      use.count = 0;
      use.floodReported = false;
    }
    use.count++;
    if (use.floodReported) {
      return null;
    }
    if (floodCeiling > 0 && use.count > floodCeiling) {
      use.floodReported = true;
      return Map.of("rate_per_minute", Integer.toString(use.count), "ceiling_per_minute", Integer.toString(floodCeiling),
          "baseline_per_minute", format(use.baseline), "trigger", "ceiling");
    }
    if (floodFactor > 0 && use.minutesSeen > 0 && use.count >= FLOOD_MINIMUM && use.count > floodFactor * use.baseline) {
      use.floodReported = true;
      return Map.of("rate_per_minute", Integer.toString(use.count), "baseline_per_minute", format(use.baseline),
          "factor", format(floodFactor), "trigger", "baseline");
    }
    return null;
  }

  /** Records the address's network; the figures of a sharing anomaly when this use makes one. */
  private Map<String, String> seenFrom(SessionUse use, String clientIp, long second) {
    if (clientIp.equals(use.lastIp)) {
      use.seenAt[use.lastIndex] = second; // the common case: the same address again, nothing allocated
      return null;
    }
    String network = Networks.of(clientIp);
    if (network == null) {
      return null;
    }
    use.lastIp = clientIp;
    long oldest = second - sharingWindowSeconds;
    int found = -1;
    int size = 0;
    // Compact: drop the networks not seen within the window, keep the rest in order.
    for (int i = 0; i < use.size; i++) {
      if (use.seenAt[i] > oldest) {
        use.networks[size] = use.networks[i];
        use.seenAt[size] = use.seenAt[i];
        if (network.equals(use.networks[size])) {
          found = size;
        }
        size++;
      }
    }
    for (int i = size; i < use.size; i++) {
      use.networks[i] = null;
    }
    use.size = size;
    if (found < 0) {
      if (use.size == use.networks.length) { // full: forget the one seen longest ago
        int stalest = 0;
        for (int i = 1; i < use.size; i++) {
          if (use.seenAt[i] < use.seenAt[stalest]) {
            stalest = i;
          }
        }
        found = stalest;
      } else {
        found = use.size++;
      }
      use.networks[found] = network;
    }
    use.seenAt[found] = second;
    use.lastIndex = found;
    if (use.size > sharingNetworks && second >= use.sharingQuietUntil) {
      use.sharingQuietUntil = second + sharingWindowSeconds;
      return Map.of("networks", Integer.toString(use.size), "threshold", Integer.toString(sharingNetworks),
          "window_seconds", Long.toString(sharingWindowSeconds));
    }
    return null;
  }

  private List<Anomaly> places(AccountPlaces account, List<Anomaly> found, long millis, String subject,
      String clientId, String sessionId, String clientIp) {
    synchronized (account) {
      if (clientIp.equals(account.lastIp)) {
        account.lastAt = millis;
        return found;
      }
    }
    Optional<Location> place = geolocation.locate(clientIp);
    if (place.isEmpty()) {
      return found;
    }
    Location here = place.get();
    String country = here.country();
    Map<String, String> newCountry = null;
    Map<String, String> travel = null;
    synchronized (account) {
      Location before = account.last;
      long beforeAt = account.lastAt;
      String beforeIp = account.lastIp;
      account.lastIp = clientIp;
      account.last = here;
      account.lastAt = millis;
      if (country != null && !account.knows(country)) {
        if (account.countries > 0) {
          newCountry = Map.of("country", country, "known_countries", account.countryList());
        }
        account.remember(country);
      }
      if (before != null && millis >= account.travelQuietUntil) {
        double distance = before.distanceKm(here);
        double beyondAccuracy = distance - before.accuracyRadiusKm() - here.accuracyRadiusKm();
        if (beyondAccuracy > 0) {
          long elapsedSeconds = Math.max(0, (millis - beforeAt) / 1000);
          double hours = Math.max(1, elapsedSeconds) / 3600.0;
          double speed = beyondAccuracy / hours;
          if (speed > travelSpeedKmh) {
            account.travelQuietUntil = millis + TRAVEL_QUIET.toMillis();
            travel = new java.util.HashMap<>();
            travel.put("distance_km", format(distance));
            travel.put("elapsed_seconds", Long.toString(elapsedSeconds));
            travel.put("speed_kmh", format(speed));
            travel.put("max_speed_kmh", format(travelSpeedKmh));
            travel.put("from_ip", beforeIp);
            if (before.country() != null) {
              travel.put("from_country", before.country());
            }
          }
        }
      }
    }
    if (newCountry != null) {
      found = add(found, new Anomaly(AnomalyKind.NEW_COUNTRY, Instant.ofEpochMilli(millis), subject, clientId, sessionId, clientIp, country,
          newCountry));
    }
    if (travel != null) {
      found = add(found, new Anomaly(AnomalyKind.IMPOSSIBLE_TRAVEL, Instant.ofEpochMilli(millis), subject, clientId, sessionId, clientIp,
          country, travel));
    }
    return found;
  }

  private static List<Anomaly> add(List<Anomaly> list, Anomaly anomaly) {
    List<Anomaly> more = new ArrayList<>(list);
    more.add(anomaly);
    return more;
  }

  private static String format(double value) {
    return String.format(Locale.ROOT, "%.1f", value);
  }

  /** One session's recent use; guarded by itself. */
  private static final class SessionUse {
    /** When the session was last used (written under the lock); {@link Long#MIN_VALUE} before its first use. */
    long lastUsedMillis = Long.MIN_VALUE;
    long minute = Long.MIN_VALUE;
    int count;
    double baseline;
    int minutesSeen;
    boolean floodReported;
    final String[] networks;
    final long[] seenAt;
    int size;
    int lastIndex;
    String lastIp;
    long sharingQuietUntil;
    String subject;
    String clientId;
    /** The session's account's places, found once (a session's subject never changes). */
    AccountPlaces account;

    SessionUse(int capacity) {
      networks = new String[capacity];
      seenAt = new long[capacity];
    }

    /**
     * Read without the lock, by {@link #current} and {@link #prune}: a stale value only delays a start
     * over or a prune by one use.
     */
    boolean idle(long nowMillis, long memoryMillis) {
      return lastUsedMillis != Long.MIN_VALUE && nowMillis - lastUsedMillis >= memoryMillis;
    }
  }

  /** One account's countries and last place; guarded by itself. */
  private static final class AccountPlaces {
    final String[] known = new String[COUNTRIES_PER_ACCOUNT];
    int countries;
    int next;
    String lastIp;
    Location last;
    long lastAt;
    long travelQuietUntil = Long.MIN_VALUE;

    boolean knows(String country) {
      for (int i = 0; i < countries; i++) {
        if (country.equals(known[i])) {
          return true;
        }
      }
      return false;
    }

    void remember(String country) {
      known[next] = country;
      next = (next + 1) % known.length;
      countries = Math.min(countries + 1, known.length);
    }

    String countryList() {
      StringBuilder list = new StringBuilder();
      for (int i = 0; i < countries; i++) {
        if (!list.isEmpty()) {
          list.append(',');
        }
        list.append(known[i]);
      }
      return list.toString();
    }
  }

  /** Fail-fast settings; defaults are those of {@code keycard serve}. */
  public static final class Builder {
    private InstantSource clock = InstantSource.system();
    private Geolocation geolocation = Geolocation.NONE;
    private int floodCeiling;
    private double floodFactor = 10;
    private int sharingNetworks = 4;
    private Duration sharingWindow = Duration.ofMinutes(10);
    private double travelSpeedKmh = 1000;

    private Builder() {}

    public Builder clock(InstantSource value) {
      this.clock = Objects.requireNonNull(value, "clock");
      return this;
    }

    public Builder geolocation(Geolocation value) {
      this.geolocation = Objects.requireNonNull(value, "geolocation");
      return this;
    }

    /** Requests per minute of one session that are a flood whatever its baseline; 0: no ceiling. */
    public Builder floodCeiling(int perMinute) {
      require(perMinute >= 0, "the flood ceiling must not be negative");
      this.floodCeiling = perMinute;
      return this;
    }

    /** How many times its baseline a session's rate must be to be a flood; 0: no baseline check. */
    public Builder floodFactor(double factor) {
      require(factor == 0 || factor > 1, "the flood factor must be above 1 (or 0: off)");
      this.floodFactor = factor;
      return this;
    }

    /** More distinct networks than this within the window is sharing. */
    public Builder sharingNetworks(int networks) {
      require(networks >= 1 && networks <= 1000, "the sharing threshold must be 1 to 1000 networks");
      this.sharingNetworks = networks;
      return this;
    }

    public Builder sharingWindow(Duration window) {
      require(window != null && window.toSeconds() >= 1 && window.compareTo(Duration.ofDays(1)) <= 0,
          "the sharing window must be 1s to 1d");
      this.sharingWindow = window;
      return this;
    }

    public Builder travelSpeedKmh(double kmh) {
      require(kmh > 0, "the travel speed must be positive");
      this.travelSpeedKmh = kmh;
      return this;
    }

    public AnomalyDetector build() {
      return new AnomalyDetector(this);
    }

    private static void require(boolean ok, String message) {
      if (!ok) {
        throw new IllegalArgumentException(message);
      }
    }
  }
}
