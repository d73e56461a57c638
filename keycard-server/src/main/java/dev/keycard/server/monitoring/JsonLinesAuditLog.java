package dev.keycard.server.monitoring;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.keycard.core.audit.AuditEvent;
import dev.keycard.core.audit.AuditLog;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit trail as JSON lines: one object per {@link AuditEvent}, appended to a file (or written to
 * standard output). Callers include event loops, so {@link #record} only offers the event to a bounded
 * queue; one writer thread formats and writes, and flushes whenever the queue runs dry, so a line is
 * on disk within milliseconds of the decision. When the writer falls behind and the queue is full, the
 * event is dropped and counted ({@code keycard.audit.dropped}): a slow disk never stalls a request.
 *
 * <p>The file is opened for appending ({@code O_APPEND}): every write lands at the file's current end,
 * so logrotate's {@code copytruncate} is safe (the next line starts the emptied file), and so are
 * several processes sharing one file (each line is one write of less than a pipe buffer, usually).
 */
public final class JsonLinesAuditLog implements AuditLog, AutoCloseable {
  /** Events waiting to be written; a burst beyond this (a flood of refusals) is dropped and counted. */
  static final int QUEUE_CAPACITY = 16_384;
  private static final Logger log = LoggerFactory.getLogger(JsonLinesAuditLog.class);
  private static final JsonFactory JSON = new JsonFactory();

  private final BlockingQueue<AuditEvent> queue;
  private final OutputStream out;
  private final boolean closeOut;
  private final Counter written;
  private final Counter dropped;
  private final Thread writer;
  private final String where;
  private volatile boolean closing;
  private boolean failing;

  private JsonLinesAuditLog(OutputStream out, boolean closeOut, String where, MeterRegistry meters, int capacity) {
    this.out = out;
    this.closeOut = closeOut;
    this.where = where;
    this.queue = new ArrayBlockingQueue<>(capacity);
    this.written = Counter.builder("keycard.audit.events").description("Audit lines written")
        .register(meters);
    this.dropped = Counter.builder("keycard.audit.dropped")
        .description("Audit events dropped because the writer fell behind or could not write").register(meters);
    Gauge.builder("keycard.audit.queued", queue, BlockingQueue::size)
        .description("Audit events waiting to be written").register(meters);
    this.writer = Thread.ofPlatform().name("keycard-audit").daemon().unstarted(this::run);
    writer.start();
  }

  /**
   * Appends to {@code file}, creating it (and its directory) when absent, readable by its owner only.
   *
   * @throws IllegalArgumentException naming the file and the option when it cannot be opened (a
   *     configuration error: {@code keycard serve} exits 2)
   */
  public static JsonLinesAuditLog appendingTo(Path file, MeterRegistry meters) {
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      if (!Files.exists(file)) {
        try {
          Files.createFile(file);
          try { // owner only where the file system says so: the trail names users and their addresses
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
          } catch (UnsupportedOperationException e) {
            // not a POSIX file system: its defaults apply
          }
        } catch (java.nio.file.FileAlreadyExistsException e) {
          // another instance on the same data directory created it in between: append to theirs
        }
      }
      return new JsonLinesAuditLog(new FileOutputStream(file.toFile(), true), true, file.toString(), meters,
          QUEUE_CAPACITY);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot open the audit log " + file + " (--audit-log): " + e.getMessage(), e);
    }
  }

  /** Writes to {@code out} (standard output), which it leaves open. */
  public static JsonLinesAuditLog writingTo(OutputStream out, MeterRegistry meters) {
    return new JsonLinesAuditLog(out, false, "standard output", meters, QUEUE_CAPACITY);
  }

  /** {@link #writingTo(OutputStream, MeterRegistry)} with another queue size (tests fill it). */
  static JsonLinesAuditLog writingTo(OutputStream out, MeterRegistry meters, int capacity) {
    return new JsonLinesAuditLog(out, false, "a stream", meters, capacity);
  }

  /** Where the lines go, for the start-up message. */
  public String where() {
    return where;
  }

  @Override
  public void record(AuditEvent event) {
    if (closing || !queue.offer(event)) {
      dropped.increment();
    }
  }

  /** Writes what is queued (waiting at most a few seconds), then closes the file. */
  @Override
  public void close() {
    closing = true;
    writer.interrupt();
    try {
      writer.join(TimeUnit.SECONDS.toMillis(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (closeOut) {
      try {
        out.close();
      } catch (IOException e) {
        log.warn("closing the audit log {} failed: {}", where, e.getClass().getSimpleName());
      }
    }
  }

  private void run() {
    List<AuditEvent> batch = new ArrayList<>();
    ByteArrayOutputStream line = new ByteArrayOutputStream(512);
    while (true) {
      try {
        AuditEvent first = queue.poll(1, TimeUnit.SECONDS);
        if (first == null) {
          if (closing) {
            return;
          }
          continue;
        }
        batch.add(first);
      } catch (InterruptedException e) {
        if (!closing) {
          continue;
        }
        // Closing: what is still queued is written below, then the loop ends.
      }
      queue.drainTo(batch);
      for (AuditEvent event : batch) {
        line.reset();
        try {
          write(event, line);
          line.writeTo(out);
          written.increment();
          failing = false;
        } catch (IOException | UncheckedIOException e) {
          dropped.increment();
          if (!failing) {
            failing = true; // once per outage: a full disk must not become a line per event
            log.error("cannot write the audit log {}: {}", where, e.getClass().getSimpleName());
          }
        }
      }
      boolean done = closing && queue.isEmpty();
      batch.clear();
      try {
        out.flush();
      } catch (IOException e) {
        if (!failing) {
          failing = true;
          log.error("cannot write the audit log {}: {}", where, e.getClass().getSimpleName());
        }
      }
      if (done) {
        return;
      }
    }
  }

  /**
   * One line: {@code time} (RFC 3339, UTC, milliseconds), {@code event} (the action's wire name),
   * {@code outcome}, then whichever of {@code reason}, {@code sub}, {@code client_id}, {@code sid},
   * {@code jti}, {@code ip}, {@code country} are known, then {@code details} when there are any (keys
   * sorted, for stable lines), and a newline.
   */
  static void write(AuditEvent event, OutputStream into) throws IOException {
    try (JsonGenerator g = JSON.createGenerator(into, JsonEncoding.UTF8)) {
      g.configure(JsonGenerator.Feature.AUTO_CLOSE_TARGET, false);
      g.writeStartObject();
      g.writeStringField("time", event.time().truncatedTo(ChronoUnit.MILLIS).toString());
      g.writeStringField("event", event.action().wireName());
      g.writeStringField("outcome", event.outcome());
      optional(g, "reason", event.reason());
      optional(g, "sub", event.subject());
      optional(g, "client_id", event.clientId());
      optional(g, "sid", event.sessionId());
      optional(g, "jti", event.tokenId());
      optional(g, "ip", event.clientIp());
      optional(g, "country", event.country());
      if (!event.details().isEmpty()) {
        g.writeObjectFieldStart("details");
        for (Map.Entry<String, String> e : new TreeMap<>(event.details()).entrySet()) {
          g.writeStringField(e.getKey(), e.getValue());
        }
        g.writeEndObject();
      }
      g.writeEndObject();
    }
    into.write('\n');
  }

  private static void optional(JsonGenerator g, String name, String value) throws IOException {
    if (value != null) {
      g.writeStringField(name, value);
    }
  }
}
