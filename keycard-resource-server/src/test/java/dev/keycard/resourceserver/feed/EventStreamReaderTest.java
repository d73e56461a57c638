package dev.keycard.resourceserver.feed;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The {@code text/event-stream} format as the WHATWG HTML standard defines it, and as keycard writes it. */
class EventStreamReaderTest {
  @Test
  void eventsAreDispatchedOnBlankLinesAndCommentsAreSignsOfLifeOnly() throws Exception {
    String stream = ": keycard revocations\n\n"
        + "id: 7\nevent: revocation\ndata: {\"seq\":7,\"id\":\"j1\",\"exp\":100}\n\n"
        + ": keep-alive\n\n"
        + "id:8\ndata:first\ndata: second\nretry: 10\nunknown: x\n\n"
        + "data: never dispatched without its blank line";
    List<EventStreamReader.Event> events = new ArrayList<>();
    int[] alive = {0};

    EventStreamReader.read(new BufferedReader(new StringReader(stream)), new EventStreamReader.Listener() {
      @Override
      public void alive() {
        alive[0]++;
      }

      @Override
      public void event(EventStreamReader.Event event) {
        events.add(event);
      }
    });

    assertThat(events).containsExactly(
        new EventStreamReader.Event("7", "revocation", "{\"seq\":7,\"id\":\"j1\",\"exp\":100}"),
        new EventStreamReader.Event("8", "message", "first\nsecond"));
    assertThat(alive[0]).isEqualTo(15);
  }
}
