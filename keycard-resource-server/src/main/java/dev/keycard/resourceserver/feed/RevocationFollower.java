package dev.keycard.resourceserver.feed;

import dev.keycard.core.revocation.InMemoryDenylist;
import dev.keycard.core.token.Scopes;
import dev.keycard.resourceserver.http.ClientCredentials;
import dev.keycard.resourceserver.http.IssuerHttp;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * keycard's revocations, followed into a local {@link InMemoryDenylist} so that each request is
 * judged from memory. At start, {@link #catchUp()} reads the feed's pages to the end; then a thread
 * holds the Server-Sent Events stream open from the last sequence seen, and reconnects (from there)
 * whenever it drops, so nothing is missed across an outage. A stream that has said nothing, not even
 * a heartbeat, for {@code idleTimeout} is presumed dead and reopened.
 *
 * <p>{@link #current()} is whether the feed was heard from within {@code staleAfter}: past that the
 * library cannot prove it knows every revocation, and says so.
 */
public final class RevocationFollower implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(RevocationFollower.class.getName());
  /** keycard sends a heartbeat every 15 s; a stream silent for this long is gone. */
  private static final Duration IDLE_TIMEOUT = Duration.ofSeconds(35);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);
  private static final int PAGE = 1_000;

  private final IssuerHttp http;
  private final URI pages;
  private final URI events;
  private final ClientCredentials credentials;
  private final InMemoryDenylist denylist;
  private final Duration staleAfter;
  private final InstantSource clock;
  private final Thread thread;
  private volatile boolean closed;
  private volatile long lastSequence;
  private volatile long lastContactMillis = Long.MIN_VALUE;
  private volatile InputStream open;
  private boolean warnedStale;

  public RevocationFollower(IssuerHttp http, URI pages, URI events, ClientCredentials credentials,
      InMemoryDenylist denylist, Duration staleAfter, InstantSource clock) {
    this.http = Objects.requireNonNull(http, "http");
    this.pages = Objects.requireNonNull(pages, "pages");
    this.events = Objects.requireNonNull(events, "events");
    this.credentials = Objects.requireNonNull(credentials, "credentials");
    this.denylist = Objects.requireNonNull(denylist, "denylist");
    this.staleAfter = Objects.requireNonNull(staleAfter, "staleAfter");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.thread = Thread.ofPlatform().daemon().name("keycard-revocation-feed").unstarted(this::follow);
  }

  /**
   * Blocking: reads every revocation in force, page by page, to the end of the feed.
   *
   * @throws IOException when keycard cannot be reached or refuses this client
   */
  public void catchUp() throws IOException {
    boolean more = true;
    while (more) {
      String token = credentials.accessToken(Scopes.REVOCATIONS);
      HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(pages + "?after=" + lastSequence + "&limit=" + PAGE))
          .timeout(http.timeout()).header("Authorization", "Bearer " + token).header("Accept", "application/json").GET()
          .build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      if (response.statusCode() == 401) {
        credentials.forgetToken();
      }
      if (response.statusCode() != 200) {
        throw new IOException(pages + " answered " + response.statusCode());
      }
      Map<String, Object> page = IssuerHttp.parse(response.body(), pages);
      if (!(page.get("revocations") instanceof List<?> entries) || !(page.get("next") instanceof Number next)) {
        throw new IOException(pages + " answered a page without revocations or next");
      }
      for (Object entry : entries) {
        if (entry instanceof Map<?, ?> m) {
          apply(m);
        }
      }
      lastSequence = Math.max(lastSequence, next.longValue());
      more = Boolean.TRUE.equals(page.get("more"));
    }
    denylist.sweep();
    lastContactMillis = clock.millis();
  }

  /** Starts following the live stream on a thread of its own. */
  public void start() {
    thread.start();
  }

  /** Whether the feed was heard from (an event, a heartbeat or a page) within {@code staleAfter}. */
  public boolean current() {
    long last = lastContactMillis;
    return last != Long.MIN_VALUE && clock.millis() - last <= staleAfter.toMillis();
  }

  /** When the feed was last heard from, or {@code null}. */
  public Instant lastContact() {
    long last = lastContactMillis;
    return last == Long.MIN_VALUE ? null : Instant.ofEpochMilli(last);
  }

  public long lastSequence() {
    return lastSequence;
  }

  /**
   * Housekeeping, every second or so: forgets expired entries, reopens a silent stream, and logs
   * once when the feed goes out of date and once when it is back.
   */
  public void tend() {
    denylist.sweep();
    long silentFor = clock.millis() - lastContactMillis;
    InputStream stream = open;
    if (stream != null && lastContactMillis != Long.MIN_VALUE && silentFor > IDLE_TIMEOUT.toMillis()) {
      closeQuietly(stream); // the reading thread sees the stream end and reconnects
    }
    boolean current = current();
    synchronized (this) {
      if (!current && !warnedStale) {
        warnedStale = true;
        LOG.log(System.Logger.Level.WARNING, "keycard's revocation feed has not been heard from for more than "
            + staleAfter.toSeconds() + " s: revocations made since then are not known here");
      } else if (current && warnedStale) {
        warnedStale = false;
        LOG.log(System.Logger.Level.INFO, "keycard's revocation feed is current again");
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    InputStream stream = open;
    if (stream != null) {
      closeQuietly(stream);
    }
    thread.interrupt();
  }

  private void follow() {
    long backoffMillis = 250;
    while (!closed) {
      try {
        stream();
        backoffMillis = 250;
      } catch (IOException | RuntimeException e) {
        if (!closed) {
          LOG.log(System.Logger.Level.DEBUG, "revocation feed: " + e.getMessage());
        }
      }
      try {
        Thread.sleep(backoffMillis);
      } catch (InterruptedException e) {
        return;
      }
      backoffMillis = Math.min(backoffMillis * 2, MAX_BACKOFF.toMillis());
    }
  }

  private void stream() throws IOException {
    String token = credentials.accessToken(Scopes.REVOCATIONS);
    HttpResponse<InputStream> response = send(HttpRequest.newBuilder(URI.create(events + "?after=" + lastSequence))
        .timeout(http.timeout()).header("Authorization", "Bearer " + token).header("Accept", "text/event-stream").GET()
        .build(), HttpResponse.BodyHandlers.ofInputStream());
    InputStream body = response.body();
    if (response.statusCode() != 200) {
      closeQuietly(body);
      if (response.statusCode() == 401) {
        credentials.forgetToken();
      }
      throw new IOException(events + " answered " + response.statusCode());
    }
    open = body;
    try (BufferedReader reader = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
      if (closed) {
        return;
      }
      EventStreamReader.read(reader, new EventStreamReader.Listener() {
        @Override
        public void alive() {
          lastContactMillis = clock.millis();
        }

        @Override
        public void event(EventStreamReader.Event event) throws IOException {
          if ("revocation".equals(event.event())) {
            apply(IssuerHttp.parse(event.data(), events));
          }
        }
      });
    } finally {
      open = null;
    }
  }

  private void apply(Map<?, ?> entry) {
    if (entry.get("id") instanceof String id && entry.get("exp") instanceof Number exp
        && entry.get("seq") instanceof Number seq) {
      denylist.add(id, Instant.ofEpochSecond(exp.longValue()));
      lastSequence = Math.max(lastSequence, seq.longValue());
    }
  }

  private <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler) throws IOException {
    try {
      return http.client().send(request, handler);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  private static void closeQuietly(InputStream in) {
    try {
      in.close();
    } catch (IOException e) {
      // closing is all that was wanted
    }
  }
}
