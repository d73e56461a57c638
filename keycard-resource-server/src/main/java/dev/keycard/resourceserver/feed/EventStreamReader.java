package dev.keycard.resourceserver.feed;

import java.io.BufferedReader;
import java.io.IOException;

/**
 * Reads a {@code text/event-stream} (the WHATWG HTML "server-sent events" format) line by line: fields
 * {@code id}, {@code event} and {@code data} gathered until a blank line dispatches the event; lines
 * starting with ':' are comments (keycard's heartbeats). Every line read, comment or not, is reported
 * as a sign of life.
 */
final class EventStreamReader {
  /** One dispatched event; {@code event} is "message" when the stream named none. */
  record Event(String id, String event, String data) {}

  interface Listener {
    /** Anything at all arrived. */
    void alive();

    void event(Event event) throws IOException;
  }

  private EventStreamReader() {}

  /** Reads until the stream ends or fails. */
  static void read(BufferedReader in, Listener listener) throws IOException {
    String id = null;
    String event = null;
    StringBuilder data = null;
    String line;
    while ((line = in.readLine()) != null) {
      listener.alive();
      if (line.isEmpty()) {
        if (data != null) {
          listener.event(new Event(id, event == null ? "message" : event, data.toString()));
        }
        event = null;
        data = null;
        continue;
      }
      if (line.charAt(0) == ':') {
        continue;
      }
      int colon = line.indexOf(':');
      String field = colon < 0 ? line : line.substring(0, colon);
      String value = colon < 0 ? "" : line.substring(colon + 1);
      if (value.startsWith(" ")) {
        value = value.substring(1);
      }
      switch (field) {
        case "id" -> id = value;
        case "event" -> event = value;
        case "data" -> data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
        default -> { } // "retry" and unknown fields are ignored, as the format says
      }
    }
  }
}
