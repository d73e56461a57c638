package dev.keycard.server.anomaly;

import dev.keycard.core.anomaly.Anomaly;
import dev.keycard.core.anomaly.AnomalyDetector;
import dev.keycard.core.anomaly.AnomalyKind;
import dev.keycard.core.audit.AuditAction;
import dev.keycard.core.audit.AuditEvent;
import dev.keycard.core.geo.Geolocation.Location;
import dev.keycard.core.token.AccessToken;
import dev.keycard.server.config.AnomalyDetection;
import dev.keycard.server.config.AnomalyDetection.Policy;
import dev.keycard.server.monitoring.Monitoring;
import io.micrometer.core.instrument.Counter;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What keycard does with the {@link AnomalyDetector}'s findings: each anomaly becomes an audit event
 * ({@code anomaly.detected}), a count of the {@code keycard.anomalies} meter by kind, an entry in the
 * list of recent anomalies (the admin API's), and, when the kind's policy is {@code revoke}, the
 * revocation of its session: its access tokens are refused from then on (on every instance, through
 * the denylist), its refresh token too, and its playback URLs at the edge.
 *
 * <p>Called on event loops for every bearer check and edge request; the revocation, which writes to the
 * store, runs elsewhere ({@code revokeSession} hands it to a worker). Nothing it does can fail the
 * request it watches.
 */
public final class AnomalyWatch {
  /** The most recent anomalies kept for the admin API, per instance. */
  public static final int RECENT = 1000;
  private static final Logger log = LoggerFactory.getLogger(AnomalyWatch.class);

  private final AnomalyDetector detector;
  private final AnomalyDetection settings;
  private final Monitoring monitoring;
  private final Consumer<String> revokeSession;
  private final Map<AnomalyKind, Counter> counters = new EnumMap<>(AnomalyKind.class);
  private final ArrayDeque<Recorded> recent = new ArrayDeque<>(); // guarded by itself

  /** One anomaly as listed: what was seen and what was done ({@code recorded} or {@code revoked}). */
  public record Recorded(Anomaly anomaly, String action) {}

  /**
   * @param revokeSession revokes a login session off the event loop (it writes to the store)
   */
  public AnomalyWatch(AnomalyDetector detector, AnomalyDetection settings, Monitoring monitoring,
      Consumer<String> revokeSession) {
    this.detector = Objects.requireNonNull(detector, "detector");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.monitoring = Objects.requireNonNull(monitoring, "monitoring");
    this.revokeSession = Objects.requireNonNull(revokeSession, "revokeSession");
    for (AnomalyKind kind : AnomalyKind.values()) {
      counters.put(kind, Counter.builder("keycard.anomalies").tag("kind", kind.wireName())
          .description("Anomalies detected, by kind").register(monitoring.meters()));
    }
  }

  /** The default thresholds, no geography, record only, nothing revoked: routes built without a server (tests). */
  public static AnomalyWatch recordOnly(Monitoring monitoring) {
    AnomalyDetection defaults = AnomalyDetection.defaults();
    return new AnomalyWatch(defaults.detector(InstantSource.system(), dev.keycard.core.geo.Geolocation.NONE),
        defaults, monitoring, sid -> { });
  }

  /** A successful bearer check of {@code token} from {@code clientIp} (the trusted-proxy rule's answer). */
  public void bearerUsed(AccessToken token, String clientIp) {
    try {
      List<Anomaly> found = detector.bearerUsed(token.subject(), token.clientId(), token.sessionId(), clientIp);
      if (!found.isEmpty()) {
        found.forEach(this::act);
      }
    } catch (RuntimeException e) {
      log.warn("anomaly detection failed: {}", e.getClass().getSimpleName());
    }
  }

  /** A request the edge serves for playback session {@code sessionId} from {@code clientIp}. */
  public void playbackUsed(String sessionId, String clientIp) {
    try {
      List<Anomaly> found = detector.playbackUsed(sessionId, clientIp);
      if (!found.isEmpty()) {
        found.forEach(this::act);
      }
    } catch (RuntimeException e) {
      log.warn("anomaly detection failed: {}", e.getClass().getSimpleName());
    }
  }

  /** Forgets idle sessions' counts: from the maintenance job, off the event loop. */
  public void prune() {
    detector.prune();
  }

  /**
   * The most recent anomalies seen by this instance, newest first.
   *
   * @param subject only this account's, or {@code null} for all
   */
  public List<Recorded> recent(String subject, int limit) {
    List<Recorded> list = new ArrayList<>();
    synchronized (recent) {
      Iterator<Recorded> newestFirst = recent.descendingIterator();
      while (newestFirst.hasNext() && list.size() < limit) {
        Recorded r = newestFirst.next();
        if (subject == null || subject.equals(r.anomaly().subject())) {
          list.add(r);
        }
      }
    }
    return list;
  }

  private void act(Anomaly found) {
    Anomaly anomaly = found;
    if (anomaly.country() == null) {
      String country = detector.locate(anomaly.clientIp()).map(Location::country).orElse(null);
      if (country != null) {
        anomaly = anomaly.withCountry(country);
      }
    }
    boolean revoke = settings.policy(anomaly.kind()) == Policy.REVOKE && anomaly.sessionId() != null;
    String action = revoke ? "revoked" : "recorded";
    counters.get(anomaly.kind()).increment();
    synchronized (recent) {
      if (recent.size() == RECENT) {
        recent.removeFirst();
      }
      recent.addLast(new Recorded(anomaly, action));
    }
    Map<String, String> details = new HashMap<>(anomaly.figures());
    details.put("kind", anomaly.kind().wireName());
    details.put("policy", settings.policy(anomaly.kind()).optionValue());
    monitoring.audit().record(AuditEvent.of(anomaly.time(), AuditAction.ANOMALY_DETECTED, action)
        .withReason(anomaly.kind().wireName())
        .withSubject(anomaly.subject())
        .withClient(anomaly.clientId())
        .withSession(anomaly.sessionId())
        .withClientIp(anomaly.clientIp())
        .withCountry(anomaly.country())
        .withDetails(details));
    log.info("anomaly {} for session {} of {} from {}: {} ({})", anomaly.kind().wireName(), anomaly.sessionId(),
        anomaly.subject(), anomaly.clientIp(), anomaly.figures(), action);
    if (revoke) {
      revokeSession.accept(anomaly.sessionId());
    }
  }
}
