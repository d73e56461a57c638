package dev.keycard.server.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keycard.core.audit.AuditAction;
import dev.keycard.core.audit.AuditEvent;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The audit trail's file: one JSON object per line, written off the caller's thread, never blocking it. */
class JsonLinesAuditLogTest {
  private static final Instant T = Instant.parse("2026-12-02T15:04:05.123456Z");

  @TempDir
  Path dir;

  private static AuditEvent event(int n) {
    return AuditEvent.of(T, AuditAction.REFRESH_REUSE_DETECTED, "session_revoked").withReason("refresh_token_reused")
        .withSubject("ada").withClient("keycard").withSession("sid-" + n).withClientIp("203.0.113.7")
        .withCountry("NZ").withDetails(Map.of("b", "2", "a", "1 \"quoted\"\n"));
  }

  @Test
  void eachEventIsOneJsonLineWithItsFieldsInAStableOrder() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    JsonLinesAuditLog.write(event(1), out);
    JsonLinesAuditLog.write(AuditEvent.of(T, AuditAction.LOGOUT, "success"), out);

    List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
    assertThat(lines).containsExactly(
        "{\"time\":\"2026-12-02T15:04:05.123Z\",\"event\":\"refresh.reuse_detected\",\"outcome\":\"session_revoked\","
            + "\"reason\":\"refresh_token_reused\",\"sub\":\"ada\",\"client_id\":\"keycard\",\"sid\":\"sid-1\","
            + "\"ip\":\"203.0.113.7\",\"country\":\"NZ\",\"details\":{\"a\":\"1 \\\"quoted\\\"\\n\",\"b\":\"2\"}}",
        "{\"time\":\"2026-12-02T15:04:05.123Z\",\"event\":\"logout\",\"outcome\":\"success\"}");
    assertThat(new JsonObject(lines.get(0)).getJsonObject("details").getString("a")).isEqualTo("1 \"quoted\"\n");
  }

  @Test
  void fileIsAppendedOwnerOnlyAndEventsArriveWithoutClosing() throws Exception {
    Path file = dir.resolve("logs/audit.log");
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    try (JsonLinesAuditLog log = JsonLinesAuditLog.appendingTo(file, meters)) {
      log.record(event(1));
      log.record(event(2));
      assertThat(eventually(() -> lines(file).size() == 2)).as("flushed while running").isTrue();
    }
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    try (JsonLinesAuditLog log = JsonLinesAuditLog.appendingTo(file, meters)) {
      log.record(event(3));
    }
    assertThat(lines(file)).extracting(l -> new JsonObject(l).getString("sid")).containsExactly("sid-1", "sid-2", "sid-3");
    assertThat(meters.counter("keycard.audit.events").count()).isEqualTo(3);
  }

  @Test
  void whenTheWriterIsStuckEventsAreDroppedAndCountedAndTheCallerNeverWaits() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    OutputStream stuck = new OutputStream() {
      @Override
      public void write(int b) throws IOException {
        try {
          release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException("interrupted");
        }
      }
    };
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    JsonLinesAuditLog log = JsonLinesAuditLog.writingTo(stuck, meters, 4);
    try {
      for (int i = 0; i < 1_000; i++) {
        log.record(event(i)); // would hang here if recording waited for the writer
      }
      // The writer holds the few it took before it got stuck, the queue four: the rest are dropped.
      assertThat(meters.counter("keycard.audit.dropped").count()).isGreaterThan(900);
    } finally {
      release.countDown();
      log.close();
    }
    assertThat(meters.counter("keycard.audit.dropped").count() + meters.counter("keycard.audit.events").count())
        .isEqualTo(1_000);
  }

  @Test
  void unwritableFileFailsAtStartNamingTheOption() throws IOException {
    Path notADirectory = Files.writeString(dir.resolve("file"), "x");
    try {
      JsonLinesAuditLog.appendingTo(notADirectory.resolve("audit.log"), new SimpleMeterRegistry()).close();
      org.assertj.core.api.Assertions.fail("opened a file under a file");
    } catch (IllegalArgumentException e) {
      assertThat(e.getMessage()).contains("--audit-log", "audit.log");
    }
  }

  private static List<String> lines(Path file) {
    try {
      return Files.readAllLines(file);
    } catch (IOException e) {
      return List.of();
    }
  }

  private static boolean eventually(java.util.function.BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < deadline) {
      if (condition.getAsBoolean()) {
        return true;
      }
      TimeUnit.MILLISECONDS.sleep(10);
    }
    return false;
  }
}
