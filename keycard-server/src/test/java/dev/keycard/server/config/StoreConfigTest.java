package dev.keycard.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keycard.core.StoreUnavailableException;
import dev.keycard.server.store.StoreFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code --database-url} as operators write it: libpq's URI or pgjdbc's, never with the password. */
class StoreConfigTest {
  private static final Path DATA = Path.of("data");

  @Test
  void withoutADatabaseUrlTheEmbeddedDatabaseInTheDataDirectory() {
    assertThat(StoreConfig.of(DATA, null, null)).isEqualTo(new StoreConfig.Embedded(DATA));
    assertThat(StoreConfig.of(DATA, " ", null)).isEqualTo(new StoreConfig.Embedded(DATA));
  }

  @Test
  void libpqUrisBecomePgjdbcUrlsWithTheUserApart() {
    assertThat(StoreConfig.of(DATA, "postgresql://keycard@db.internal:5433/kc?sslmode=verify-full", "pw"))
        .isEqualTo(new StoreConfig.Postgres("jdbc:postgresql://db.internal:5433/kc?sslmode=verify-full", "keycard", "pw"));
    assertThat(StoreConfig.of(DATA, "postgres://db.internal/kc", null))
        .isEqualTo(new StoreConfig.Postgres("jdbc:postgresql://db.internal/kc", null, null));
    assertThat(StoreConfig.of(DATA, "postgresql://key%40card@[::1]/kc", null))
        .isEqualTo(new StoreConfig.Postgres("jdbc:postgresql://[::1]/kc", "key@card", null));
  }

  @Test
  void pgjdbcUrlsAreKeptAsTheyAre() {
    assertThat(StoreConfig.of(DATA, "jdbc:postgresql://db1,db2/kc?targetServerType=primary", null))
        .isEqualTo(new StoreConfig.Postgres("jdbc:postgresql://db1,db2/kc?targetServerType=primary", null, null));
  }

  @ParameterizedTest
  @ValueSource(strings = {"postgresql://kc:s3cr3t-pw@db/kc", "postgres://:s3cr3t-pw@db/kc",
      "jdbc:postgresql://db/kc?password=s3cr3t-pw", "jdbc:postgresql://db/kc?user=kc&PASSWORD=s3cr3t-pw"})
  void aPasswordInTheUrlIsRefusedAndNeverRepeated(String url) {
    assertThatThrownBy(() -> StoreConfig.of(DATA, url, null)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--database-url must not hold the password").hasMessageNotContaining("s3cr3t");
  }

  @ParameterizedTest
  @ValueSource(strings = {"mysql://db/kc", "jdbc:h2:mem:x", "db.internal:5432/kc", "postgresql:///kc"})
  void otherUrlsAreRefusedNamingTheForms(String url) {
    assertThatThrownBy(() -> StoreConfig.of(DATA, url, null)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--database-url").hasMessageContaining("postgresql://");
  }

  @Test
  void aPasswordWithoutADatabaseUrlIsRefused() {
    assertThatThrownBy(() -> StoreConfig.of(DATA, null, "pw")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no --database-url");
  }

  @Test
  void thePasswordNeverAppearsInToString() {
    assertThat(new StoreConfig.Postgres("jdbc:postgresql://db/kc", "kc", "s3cr3t-pw").toString())
        .contains("jdbc:postgresql://db/kc", "kc").doesNotContain("s3cr3t");
  }

  @Test
  void anUnreachablePostgresqlIsAStoreOutageThatNamesNoPassword() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
    assertThatThrownBy(() -> StoreFactory.open(
        new StoreConfig.Postgres("jdbc:postgresql://127.0.0.1:" + closedPort + "/kc", "kc", "s3cr3t-pw")))
        .isInstanceOf(StoreUnavailableException.class)
        .hasMessageContaining("cannot connect to PostgreSQL").hasMessageNotContaining("s3cr3t");
  }
}
