package dev.keycard.server.stream;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import dev.keycard.core.stream.StreamId;
import dev.keycard.server.testing.Media;
import dev.keycard.server.testing.MediaClient;
import dev.keycard.server.testing.TestKeycard;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** No stream key reaches the logs: not from accepted or refused uploads, nor from a store outage. */
class IngestLoggingTest {
  @TempDir
  Path dataDir;

  @Test
  void keyedUploadsRefusalsAndAStoreOutageLogNoKey() {
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    ListAppender<ILoggingEvent> captured = new ListAppender<>();
    captured.start();
    root.addAppender(captured);
    Logger keycardLogs = (Logger) LoggerFactory.getLogger("dev.keycard");
    keycardLogs.setLevel(Level.DEBUG);
    String key;
    String other;
    try (TestKeycard keycard = TestKeycard.start(dataDir)) {
      keycard.server().streaming().registry().register(new StreamId("cam1"));
      keycard.server().streaming().registry().register(new StreamId("cam2"));
      key = keycard.server().streaming().keys().issue("cam1").secret();
      other = keycard.server().streaming().keys().issue("cam2").secret();
      MediaClient api = new MediaClient(keycard.http().base());

      assertThat(api.put("/ingest/cam1/" + key + "/seg-0.ts", Media.ts(2, 1)).status()).isEqualTo(201);
      assertThat(api.put("/ingest/cam1/" + other + "/seg-1.ts", Media.ts(2, 1)).status()).isEqualTo(403);
      assertThat(api.put("/ingest/cam1/" + key.substring(0, 20) + "/seg-1.ts", Media.ts(2, 1)).status()).isEqualTo(403);
      assertThat(api.put("/ingest/" + key + "/seg-1.ts", Media.ts(2, 1)).status()).isEqualTo(400);
      assertThat(api.put("/ingest/cam1/" + key, Media.ts(2, 1)).status()).isEqualTo(400);
      assertThat(api.get("/api/v1/streams/cam1/keys/" + key).status()).isIn(401, 404, 405);
      keycard.server().stores().close();
      assertThat(api.put("/ingest/cam1/" + key + "/seg-2.ts", Media.ts(2, 1)).status()).isEqualTo(503);
    } finally {
      root.detachAppender(captured);
      keycardLogs.setLevel(null);
    }
    assertThat(captured.list).extracting(ILoggingEvent::getFormattedMessage)
        .anyMatch(m -> m.contains("store unavailable on PUT /ingest/cam1/(key)/seg-2.ts"));
    for (ILoggingEvent event : captured.list) {
      String text = event.getFormattedMessage()
          + (event.getThrowableProxy() == null ? "" : ThrowableProxyUtil.asString(event.getThrowableProxy()));
      assertThat(text).doesNotContain(key.substring(5, 25)).doesNotContain(other.substring(5, 25));
    }
  }
}
