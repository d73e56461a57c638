package dev.keycard.core.anomaly;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keycard.core.geo.Geolocation;
import dev.keycard.core.geo.Geolocation.Location;
import dev.keycard.core.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The detectors' rules, on an injected clock and a fixed map of places (the server test uses GeoLite2). */
class AnomalyDetectorTest {
  // A minute boundary, so that "this minute" is the test's own.
  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-05T10:00:00Z"));
  private static final Location PARIS = new Location("FR", 48.8566, 2.3522, 20);
  private static final Location LYON = new Location("FR", 45.764, 4.8357, 20);
  private static final Location SYDNEY = new Location("AU", -33.8688, 151.2093, 20);
  private static final Location BRUSSELS = new Location("BE", 50.8503, 4.3517, 100);
  private static final Map<String, Location> PLACES = Map.of("198.51.100.1", PARIS, "198.51.101.1", LYON,
      "203.0.113.1", SYDNEY, "192.0.2.1", BRUSSELS);
  private static final Geolocation MAP = ip -> Optional.ofNullable(PLACES.get(ip));

  private AnomalyDetector.Builder detector() {
    return AnomalyDetector.builder().clock(clock);
  }

  private static List<Anomaly> use(AnomalyDetector d, int times, String ip) {
    List<Anomaly> all = new ArrayList<>();
    for (int i = 0; i < times; i++) {
      all.addAll(d.bearerUsed("alice", "app", "sid-1", ip));
    }
    return all;
  }

  @Test
  void floodWhenSessionGoesAboveTheCeilingThenReportedOncePerMinute() {
    AnomalyDetector d = detector().floodCeiling(100).build();

    assertThat(use(d, 100, "198.51.100.1")).isEmpty();
    List<Anomaly> found = use(d, 50, "198.51.100.1");

    assertThat(found).singleElement().satisfies(a -> {
      assertThat(a.kind()).isEqualTo(AnomalyKind.FLOOD);
      assertThat(a.subject()).isEqualTo("alice");
      assertThat(a.sessionId()).isEqualTo("sid-1");
      assertThat(a.figures()).containsEntry("rate_per_minute", "101").containsEntry("trigger", "ceiling");
    });
    clock.advance(Duration.ofMinutes(1));
    assertThat(use(d, 101, "198.51.100.1")).hasSize(1);
  }

  @Test
  void floodWhenRateFarAboveTheSessionsOwnBaselineThenReported() {
    AnomalyDetector d = detector().floodFactor(10).build();
    for (int minute = 0; minute < 5; minute++) {
      assertThat(use(d, 10, "198.51.100.1")).isEmpty();
      clock.advance(Duration.ofMinutes(1));
    }

    List<Anomaly> found = use(d, 200, "198.51.100.1");

    assertThat(found).singleElement().satisfies(a -> {
      assertThat(a.kind()).isEqualTo(AnomalyKind.FLOOD);
      assertThat(a.figures()).containsEntry("rate_per_minute", "101").containsEntry("baseline_per_minute", "10.0")
          .containsEntry("trigger", "baseline");
    });
  }

  @Test
  void floodWhenSessionWasIdleForTheSessionMemoryThenItsBaselineIsForgotten() {
    AnomalyDetector d = detector().floodFactor(10).build();
    for (int minute = 0; minute < 5; minute++) {
      use(d, 10, "198.51.100.1");
      clock.advance(Duration.ofMinutes(1));
    }
    clock.advance(AnomalyDetector.SESSION_MEMORY);

    // A session back from an hour's silence has no baseline to be far above: it starts over.
    assertThat(use(d, 200, "198.51.100.1")).isEmpty();
  }

  @Test
  void pruneForgetsTheSessionsIdleForTheSessionMemory() {
    AnomalyDetector d = detector().build();
    d.bearerUsed("alice", "app", "sid-idle", "198.51.100.1");
    d.playbackUsed("sid-idle", "198.51.100.1");
    clock.advance(AnomalyDetector.SESSION_MEMORY.minusMinutes(1));
    d.bearerUsed("bob", "app", "sid-active", "198.51.100.1");
    clock.advance(Duration.ofMinutes(1));

    d.prune();

    assertThat(d.remembered()).isEqualTo(1);
  }

  @Test
  void floodWhenRateIsSteadilyHighThenNotReportedByBaseline() {
    AnomalyDetector d = detector().floodFactor(10).build();
    for (int minute = 0; minute < 10; minute++) {
      assertThat(use(d, 300, "198.51.100.1")).isEmpty();
      clock.advance(Duration.ofMinutes(1));
    }
  }

  @Test
  void floodWhenABurstIsSmallThenNotReportedWhateverTheBaseline() {
    AnomalyDetector d = detector().floodFactor(10).build();
    use(d, 1, "198.51.100.1");
    clock.advance(Duration.ofMinutes(3));

    assertThat(use(d, AnomalyDetector.FLOOD_MINIMUM - 1, "198.51.100.1")).isEmpty();
  }

  @Test
  void sharingWhenSessionUsedFromMoreNetworksThanTheThresholdThenReportedOncePerWindow() {
    AnomalyDetector d = detector().sharingNetworks(3).sharingWindow(Duration.ofMinutes(10)).build();

    assertThat(d.bearerUsed("alice", "app", "sid-1", "198.51.100.1")).isEmpty();
    assertThat(d.bearerUsed("alice", "app", "sid-1", "198.51.101.1")).isEmpty();
    assertThat(d.bearerUsed("alice", "app", "sid-1", "203.0.113.1")).isEmpty();
    List<Anomaly> found = d.bearerUsed("alice", "app", "sid-1", "2001:db8:1:2::7");

    assertThat(found).singleElement().satisfies(a -> {
      assertThat(a.kind()).isEqualTo(AnomalyKind.SHARING);
      assertThat(a.clientIp()).isEqualTo("2001:db8:1:2::7");
      assertThat(a.figures()).containsEntry("networks", "4").containsEntry("threshold", "3");
    });
    assertThat(d.bearerUsed("alice", "app", "sid-1", "192.0.2.1")).isEmpty();
    clock.advance(Duration.ofMinutes(10));
    for (String ip : List.of("198.51.100.1", "198.51.101.1", "203.0.113.1")) {
      assertThat(d.bearerUsed("alice", "app", "sid-1", ip)).isEmpty();
    }
    assertThat(d.bearerUsed("alice", "app", "sid-1", "192.0.2.1")).hasSize(1);
  }

  @Test
  void sharingWhenAddressesShareANetworkThenTheyCountOnce() {
    AnomalyDetector d = detector().sharingNetworks(1).build();

    for (int host = 1; host < 50; host++) {
      assertThat(d.bearerUsed("alice", "app", "sid-1", "198.51.100." + host)).isEmpty();
      assertThat(d.bearerUsed("alice", "app", "sid-1", "2001:db8:0:1:" + host + "::1")).hasSize(host == 1 ? 1 : 0);
    }
  }

  @Test
  void sharingWhenOldNetworksLeftTheWindowThenTheyNoLongerCount() {
    AnomalyDetector d = detector().sharingNetworks(2).sharingWindow(Duration.ofMinutes(5)).build();
    for (String ip : List.of("198.51.100.1", "198.51.101.1", "203.0.113.1")) {
      assertThat(d.bearerUsed("alice", "app", "sid-1", ip)).isEmpty();
      clock.advance(Duration.ofMinutes(3));
    }
  }

  @Test
  void sharingAtTheEdgeIsCountedApartAndNamesTheAccountTheBearerChecksSaw() {
    AnomalyDetector d = detector().sharingNetworks(2).build();
    d.bearerUsed("alice", "app", "sid-1", "198.51.100.1");

    assertThat(d.playbackUsed("sid-1", "198.51.101.1")).isEmpty();
    assertThat(d.playbackUsed("sid-1", "203.0.113.1")).isEmpty();
    List<Anomaly> found = d.playbackUsed("sid-1", "192.0.2.1");

    assertThat(found).singleElement().satisfies(a -> {
      assertThat(a.kind()).isEqualTo(AnomalyKind.SHARING);
      assertThat(a.subject()).isEqualTo("alice");
      assertThat(a.figures()).containsEntry("where", "edge").containsEntry("networks", "3");
    });
  }

  @Test
  void newCountryWhenAccountSeenFromASecondCountryThenReportedOnce() {
    AnomalyDetector d = detector().geolocation(MAP).build();

    assertThat(d.bearerUsed("alice", "app", "sid-1", "198.51.100.1")).isEmpty(); // the first country is no news
    clock.advance(Duration.ofDays(2));
    List<Anomaly> found = d.bearerUsed("alice", "app", "sid-2", "192.0.2.1");

    assertThat(found).singleElement().satisfies(a -> {
      assertThat(a.kind()).isEqualTo(AnomalyKind.NEW_COUNTRY);
      assertThat(a.country()).isEqualTo("BE");
      assertThat(a.figures()).containsEntry("known_countries", "FR");
    });
    clock.advance(Duration.ofDays(2));
    assertThat(d.bearerUsed("alice", "app", "sid-2", "198.51.100.1")).isEmpty();
    clock.advance(Duration.ofDays(2));
    assertThat(d.bearerUsed("alice", "app", "sid-2", "192.0.2.1")).isEmpty();
    assertThat(d.bearerUsed("bob", "app", "sid-3", "192.0.2.1")).isEmpty();
  }

  @Test
  void impossibleTravelWhenAccountJumpsFasterThanTheSpeedAllowsThenReported() {
    AnomalyDetector d = detector().geolocation(MAP).travelSpeedKmh(1000).build();
    d.bearerUsed("alice", "app", "sid-1", "198.51.100.1");
    clock.advance(Duration.ofHours(1));
    d.bearerUsed("alice", "app", "sid-1", "198.51.100.1"); // the last use before the jump counts

    clock.advance(Duration.ofMinutes(30));
    List<Anomaly> found = d.bearerUsed("alice", "app", "sid-1", "203.0.113.1");

    assertThat(found).extracting(Anomaly::kind).containsExactly(AnomalyKind.NEW_COUNTRY, AnomalyKind.IMPOSSIBLE_TRAVEL);
    assertThat(found.get(1).figures()).containsEntry("elapsed_seconds", "1800").containsEntry("from_ip", "198.51.100.1")
        .containsEntry("from_country", "FR").containsKey("speed_kmh");
    assertThat(Double.parseDouble(found.get(1).figures().get("distance_km"))).isBetween(16_900.0, 17_000.0);
  }

  @Test
  void impossibleTravelWhenTheTimeAllowsTheJourneyThenNotReported() {
    AnomalyDetector d = detector().geolocation(MAP).travelSpeedKmh(1000).build();
    d.bearerUsed("alice", "app", "sid-1", "198.51.100.1");
    clock.advance(Duration.ofHours(20));

    assertThat(d.bearerUsed("alice", "app", "sid-1", "203.0.113.1")).extracting(Anomaly::kind)
        .containsExactly(AnomalyKind.NEW_COUNTRY);
  }

  @Test
  void impossibleTravelWhenPlacesAreWithinTheirAccuracyThenIgnored() {
    Geolocation vague = ip -> Optional.ofNullable(PLACES.get(ip))
        .map(l -> new Location(l.country(), l.latitude(), l.longitude(), 300));
    AnomalyDetector d = detector().geolocation(vague).travelSpeedKmh(100).build();
    d.bearerUsed("alice", "app", "sid-1", "198.51.100.1"); // Paris and Lyon: 390 km, within 2 × 300 km

    assertThat(d.bearerUsed("alice", "app", "sid-1", "198.51.101.1")).isEmpty();
  }

  @Test
  void buildWhenThresholdsMakeNoSenseThenFailsFast() {
    assertThatThrownBy(() -> detector().floodCeiling(-1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> detector().floodFactor(0.5)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> detector().sharingNetworks(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> detector().sharingWindow(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> detector().travelSpeedKmh(0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void networksAreSlash24AndSlash64() {
    assertThat(Networks.of("203.0.113.7")).isEqualTo("203.0.113.0/24");
    assertThat(Networks.of("::ffff:203.0.113.7")).isEqualTo("203.0.113.0/24");
    assertThat(Networks.of("2001:db8:a:b:1::2")).isEqualTo("2001:db8:a:b::/64");
    assertThat(Networks.of("2001:0db8:000a:000b:0:0:0:2")).isEqualTo("2001:db8:a:b::/64");
    assertThat(Networks.of("::1")).isEqualTo("0:0:0:0::/64");
    assertThat(Networks.of("fe80::1%eth0")).isEqualTo("fe80:0:0:0::/64");
    assertThat(Networks.of("not-an-address")).isNull();
    assertThat(Networks.of("1:2:3:4:5:6:7:8:9")).isNull();
  }
}
