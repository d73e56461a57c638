package dev.keycard.server.stream;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.keycard.core.stream.StreamId;
import dev.keycard.core.testing.InMemoryStreamStore;
import dev.keycard.core.testing.MutableClock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class IngestActivityTest {
  private static final StreamId CAM1 = new StreamId("cam1");
  private final MutableClock clock = MutableClock.atFixedStart();
  private final StreamRegistry registry = new StreamRegistry(new InMemoryStreamStore(), clock);
  private final IngestActivity activity = new IngestActivity(registry, clock);
  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  private final Logger logger = (Logger) LoggerFactory.getLogger(IngestActivity.class);

  @BeforeEach
  void setUp() {
    registry.register(CAM1);
    logs.start();
    logger.addAppender(logs);
  }

  @AfterEach
  void tearDown() {
    logger.detachAppender(logs);
  }

  private List<String> warnings() {
    return logs.list.stream().filter(e -> e.getLevel() == Level.WARN).map(ILoggingEvent::getFormattedMessage).toList();
  }

  @Test
  void acceptedUploadsAreCountedSegmentsAndPlaylistsApart() {
    activity.accepted(CAM1, MediaType.MPEG_TS, 1000, "stream key 0123456789ab");
    clock.advance(Duration.ofSeconds(2));
    activity.accepted(CAM1, MediaType.MPEG_TS, 500, "stream key 0123456789ab");
    activity.accepted(CAM1, MediaType.PLAYLIST, 120, "stream key 0123456789ab");

    IngestStatus status = activity.status(CAM1, true);

    assertThat(status.segments()).isEqualTo(2);
    assertThat(status.bytes()).isEqualTo(1500);
    assertThat(status.lastSegmentAt()).isEqualTo(clock.instant());
    assertThat(status.lastPlaylistAt()).isEqualTo(clock.instant());
    assertThat(status.publisher()).isEqualTo("stream key 0123456789ab");
    assertThat(status.live()).isTrue();
    assertThat(logs.list).filteredOn(e -> e.getLevel() == Level.INFO).hasSize(1);
  }

  @Test
  void refusalsAreKeptNewestFirstAndBounded() {
    for (int i = 0; i < IngestActivity.MAX_REFUSALS + 5; i++) {
      activity.refused(CAM1, "reason_" + i, "Fixed text");
      clock.advance(Duration.ofSeconds(1));
    }

    List<IngestStatus.Event> refused = activity.status(CAM1, false).refused();

    assertThat(refused).hasSize(IngestActivity.MAX_REFUSALS);
    assertThat(refused.get(0).reason()).isEqualTo("reason_" + (IngestActivity.MAX_REFUSALS + 4));
    assertThat(refused.get(0).at()).isAfter(refused.get(1).at());
  }

  @Test
  void failureWithAGoodCredentialIsTheLastErrorNotARefusal() {
    activity.failed(CAM1, "invalid_media", "A playlist must start with #EXTM3U");

    IngestStatus status = activity.status(CAM1, false);

    assertThat(status.lastError()).isEqualTo(new IngestStatus.Event(clock.instant(), "invalid_media",
        "A playlist must start with #EXTM3U"));
    assertThat(status.refused()).isEmpty();
  }

  @Test
  void refusalFloodIsLoggedOncePerReasonAndIntervalWithTheCountLeftOut() {
    for (int i = 0; i < 50; i++) {
      activity.refused(CAM1, "unknown_stream_key", "The stream key is not known");
    }
    activity.refused(CAM1, "revoked_stream_key", "The stream key was revoked");
    assertThat(warnings()).hasSize(2);

    clock.advance(IngestActivity.LOG_INTERVAL);
    activity.refused(CAM1, "unknown_stream_key", "The stream key is not known");

    assertThat(warnings()).hasSize(3);
    assertThat(warnings().get(2)).contains("cam1", "unknown_stream_key", "49 more");
  }

  @Test
  void streamsThatAreNotRegisteredGetNoStatusAndShareOneLogBudget() {
    for (int i = 0; i < 100; i++) {
      activity.refused(new StreamId("probe" + i), "unknown_stream", "No stream with this id is registered");
    }

    assertThat(warnings()).hasSize(1);
    assertThat(activity.status(new StreamId("probe1"), false).refused()).isEmpty();
  }

  @Test
  void streamWithNoActivityHasAnEmptyStatus() {
    IngestStatus status = activity.status(CAM1, false);

    assertThat(status).isEqualTo(new IngestStatus(CAM1, false, null, null, 0, 0, null, List.of(), null));
  }

  @Test
  void publishingAgainAfterASilenceIsLoggedAgain() {
    activity.accepted(CAM1, MediaType.MPEG_TS, 1, "client encoder");
    clock.advance(Duration.ofSeconds(2));
    activity.accepted(CAM1, MediaType.MPEG_TS, 1, "client encoder");
    clock.advance(IngestActivity.QUIET);
    activity.accepted(CAM1, MediaType.MPEG_TS, 1, "client encoder");

    assertThat(logs.list).filteredOn(e -> e.getLevel() == Level.INFO).hasSize(2);
  }

  @Test
  void anotherPublisherTakingOverIsLoggedButNotEveryUploadOfTwoTakingTurns() {
    for (int i = 0; i < 20; i++) {
      activity.accepted(CAM1, MediaType.MPEG_TS, 1, i % 2 == 0 ? "stream key aaaaaaaaaaaa" : "stream key bbbbbbbbbbbb");
      clock.advance(Duration.ofSeconds(1));
    }

    assertThat(logs.list).filteredOn(e -> e.getLevel() == Level.INFO).hasSize(2);
    assertThat(activity.status(CAM1, true).publisher()).isEqualTo("stream key bbbbbbbbbbbb");
  }
}
