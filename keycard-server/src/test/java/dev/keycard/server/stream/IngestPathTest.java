package dev.keycard.server.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keycard.core.stream.StreamId;
import org.junit.jupiter.api.Test;

class IngestPathTest {
  private static final String KEY = "kcsk_" + "a".repeat(43);

  @Test
  void parseWhenTwoSegmentsThenBearerFormWithoutKey() {
    assertThat(IngestPath.parse("/ingest/cam1/index.m3u8"))
        .contains(new IngestPath(new StreamId("cam1"), null, "index.m3u8", MediaType.PLAYLIST));
  }

  @Test
  void parseWhenThreeSegmentsThenTheMiddleOneIsTheKey() {
    assertThat(IngestPath.parse("/ingest/cam1/" + KEY + "/seg-1.ts"))
        .contains(new IngestPath(new StreamId("cam1"), KEY, "seg-1.ts", MediaType.MPEG_TS));
  }

  @Test
  void parseWhenAnySegmentIsNotPlainThenEmpty() {
    for (String path : new String[] {"/ingest/cam1", "/ingest/cam1/", "/ingest/cam1//seg.ts", "/ingest/Cam1/seg.ts",
        "/ingest/cam1/" + KEY + "./seg.ts", "/ingest/cam1/kcsk%5Fx/seg.ts", "/ingest/cam1/a/b/seg.ts",
        "/ingest/cam1/" + KEY + "/seg.exe", "/ingest/cam1/../seg.ts", "/live/cam1/seg.ts", "/ingest/cam1/" + "k".repeat(129)
        + "/seg.ts"}) {
      assertThat(IngestPath.parse(path)).as(path).isEmpty();
    }
  }

  @Test
  void toStringAndRedactNeverShowTheKey() {
    IngestPath keyed = IngestPath.parse("/ingest/cam1/" + KEY + "/seg-1.ts").orElseThrow();

    assertThat(keyed.toString()).isEqualTo("/ingest/cam1/(key)/seg-1.ts");
    assertThat(IngestPath.redact("/ingest/cam1/" + KEY + "/seg-1.ts")).isEqualTo("/ingest/cam1/(key)/seg-1.ts");
    assertThat(IngestPath.redact("/ingest/cam1/whatever%2Fit/is/seg-1.ts")).isEqualTo("/ingest/cam1/(key)/(key)/seg-1.ts");
    assertThat(IngestPath.redact("/ingest/cam1/" + KEY)).isEqualTo("/ingest/cam1/(key)");
    assertThat(IngestPath.redact("/api/v1/streams/" + KEY + "x/keys")).isEqualTo("/api/v1/streams/(key)/keys");
    assertThat(IngestPath.redact("/ingest/cam1/index.m3u8")).isEqualTo("/ingest/cam1/index.m3u8");
    assertThat(IngestPath.redact("/api/v1/me")).isEqualTo("/api/v1/me");
  }
}
