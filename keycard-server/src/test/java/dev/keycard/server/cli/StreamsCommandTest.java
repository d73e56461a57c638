package dev.keycard.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keycard.core.store.Stores;
import dev.keycard.core.stream.KeyCheck;
import dev.keycard.core.stream.KeyRefusal;
import dev.keycard.core.stream.StreamId;
import dev.keycard.core.stream.StreamKeys;
import dev.keycard.server.config.StoreConfig;
import dev.keycard.server.store.StoreFactory;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code keycard streams add ID} and {@code keycard streams keys add|list|revoke|rotate STREAM}. */
class StreamsCommandTest {
  @TempDir
  Path dataDir;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    return KeycardCommand.execute(args, new ByteArrayInputStream(new byte[0]), new PrintWriter(out, true),
        new PrintWriter(err, true), Map.of());
  }

  @Test
  void registersAStreamOnce() {
    assertThat(run("streams", "add", "cam1", "--data-dir", dataDir.toString())).isZero();
    assertThat(out.toString()).contains("stream cam1 added", "/ingest/cam1/index.m3u8");

    assertThat(run("streams", "add", "cam1", "--data-dir", dataDir.toString())).isEqualTo(2);
    assertThat(err.toString()).contains("already exists");
    try (Stores db = stores()) {
      assertThat(db.streams().all()).containsExactly(new StreamId("cam1"));
    }
  }

  @Test
  void refusesIdsOutsideTheAlphabet() {
    for (String bad : new String[] {"Cam1", "-cam", "cam/1", "a".repeat(65)}) {
      assertThat(run("streams", "add", bad, "--data-dir", dataDir.toString())).as(bad).isEqualTo(2);
    }
    assertThat(err.toString()).contains("[a-z0-9][a-z0-9_-]{0,63}");
  }

  private String dir() {
    return dataDir.toString();
  }

  /** The value of the {@code name: value} line of the last command's output. */
  private String printed(String name) {
    return out.toString().lines().filter(l -> l.startsWith(name + ": ")).reduce((a, b) -> b).orElseThrow()
        .substring(name.length() + 2);
  }

  private Stores stores() {
    return StoreFactory.open(new StoreConfig.Embedded(dataDir));
  }

  private StreamKeys keys(Stores db) {
    return new StreamKeys(db.streamKeys(), new SecureRandom(), InstantSource.system());
  }

  @Test
  void keysAddPrintsTheKeyOnceAndStoresOnlyItsHash() {
    run("streams", "add", "cam1", "--data-dir", dir());

    assertThat(run("streams", "keys", "add", "cam1", "--data-dir", dir())).isZero();

    String key = printed("stream_key");
    assertThat(key).startsWith("kcsk_");
    assertThat(printed("ingest_path")).isEqualTo("/ingest/cam1/" + key + "/index.m3u8");
    assertThat(out.toString()).contains("shown once");
    try (Stores db = stores()) {
      assertThat(keys(db).check("cam1", key)).isInstanceOf(KeyCheck.Valid.class);
      assertThat(keys(db).list("cam1")).singleElement().satisfies(k -> assertThat(k.hash()).isNotEqualTo(key));
    }
  }

  @Test
  void keysListShowsIdsAndTimesButNoSecret() {
    run("streams", "add", "cam1", "--data-dir", dir());
    run("streams", "keys", "add", "cam1", "--data-dir", dir());
    String key = printed("stream_key");
    String keyId = out.toString().lines().filter(l -> l.startsWith("stream key ")).findFirst().orElseThrow().split(" ")[2];

    assertThat(run("streams", "keys", "list", "cam1", "--data-dir", dir())).isZero();

    String listed = out.toString().substring(out.toString().indexOf("KEY_ID"));
    assertThat(listed).contains(keyId).doesNotContain(key);
  }

  @Test
  void keysRevokeStopsTheKeyAndUnknownIdsAreUsageErrors() {
    run("streams", "add", "cam1", "--data-dir", dir());
    run("streams", "keys", "add", "cam1", "--data-dir", dir());
    String key = printed("stream_key");
    String keyId;
    try (Stores db = stores()) {
      keyId = keys(db).list("cam1").get(0).keyId();
    }

    assertThat(run("streams", "keys", "revoke", "cam1", keyId, "--data-dir", dir())).isZero();
    assertThat(out.toString()).contains("stream key " + keyId + " of stream cam1 revoked");
    assertThat(run("streams", "keys", "revoke", "cam1", "0123456789ab", "--data-dir", dir())).isEqualTo(2);
    assertThat(err.toString()).contains("has no key '0123456789ab'");
    try (Stores db = stores()) {
      assertThat(keys(db).check("cam1", key)).isEqualTo(new KeyCheck.Invalid(KeyRefusal.REVOKED));
    }
  }

  @Test
  void keysRotateIssuesANewKeyAndRetiresTheOthersAfterTheOverlap() {
    run("streams", "add", "cam1", "--data-dir", dir());
    run("streams", "keys", "add", "cam1", "--data-dir", dir());
    String old = printed("stream_key");

    assertThat(run("streams", "keys", "rotate", "cam1", "--overlap", "10m", "--data-dir", dir())).isZero();

    String fresh = printed("stream_key");
    assertThat(fresh).isNotEqualTo(old);
    assertThat(out.toString()).contains("revoked as of");
    try (Stores db = stores()) {
      assertThat(keys(db).check("cam1", old)).as("still inside the overlap").isInstanceOf(KeyCheck.Valid.class);
      assertThat(keys(db).check("cam1", fresh)).isInstanceOf(KeyCheck.Valid.class);
      assertThat(keys(db).list("cam1")).filteredOn(k -> k.revokedAt() != null).singleElement()
          .satisfies(k -> assertThat(k.revokedAt()).isAfter(Instant.now().plusSeconds(500)));
    }
    assertThat(run("streams", "keys", "rotate", "cam1", "--overlap", "25h", "--data-dir", dir())).isEqualTo(2);
    assertThat(run("streams", "keys", "rotate", "cam1", "--overlap", "soon", "--data-dir", dir())).isEqualTo(2);
    assertThat(err.toString()).contains("--overlap");
  }

  @Test
  void keysForAStreamThatIsNotRegisteredAreRefused() {
    assertThat(run("streams", "keys", "add", "cam9", "--data-dir", dir())).isEqualTo(2);
    assertThat(err.toString()).contains("keycard streams add cam9");
    assertThat(run("streams", "keys", "add", "demo", "--data-dir", dir())).isEqualTo(2);
    assertThat(err.toString()).contains("demo stream");
    assertThat(run("streams", "keys", "list", "Bad/Id", "--data-dir", dir())).isEqualTo(2);
  }
}
