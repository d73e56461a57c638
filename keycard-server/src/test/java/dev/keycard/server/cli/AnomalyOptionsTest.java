package dev.keycard.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keycard.core.anomaly.AnomalyKind;
import dev.keycard.core.token.Scopes;
import dev.keycard.server.config.AnomalyDetection;
import dev.keycard.server.config.AnomalyDetection.Policy;
import dev.keycard.server.config.EnvironmentDefaults;
import dev.keycard.server.testing.TestKeycard;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The anomaly-detection options of {@code keycard serve}, and {@code keycard anomalies list} against a running server. */
class AnomalyOptionsTest {
  @TempDir
  Path dir;

  record Run(int exit, String out, String err) {}

  private static Run run(Map<String, String> env, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = KeycardCommand.execute(args, new ByteArrayInputStream(new byte[0]), new PrintWriter(out, true),
        new PrintWriter(err, true), env);
    return new Run(exit, out.toString(), err.toString());
  }

  private static AnomalyDetection parse(Map<String, String> env, String... args) {
    String[] full = new String[args.length + 1];
    full[0] = "serve";
    System.arraycopy(args, 0, full, 1, args.length);
    CommandLine cli = new CommandLine(new KeycardCommand(System.in, env));
    cli.setDefaultValueProvider(EnvironmentDefaults.from(full, env));
    ServeCommand serve = (ServeCommand) cli.parseArgs(full).subcommand().commandSpec().userObject();
    return serve.anomalyOptions.toConfig();
  }

  @Test
  void defaultsAreTheDocumentedOnes() {
    AnomalyDetection a = parse(Map.of());

    assertThat(a).isEqualTo(AnomalyDetection.defaults());
    assertThat(a.floodCeiling()).isZero();
    assertThat(a.floodFactor()).isEqualTo(10);
    assertThat(a.sharingNetworks()).isEqualTo(4);
    assertThat(a.sharingWindow()).isEqualTo(Duration.ofMinutes(10));
    assertThat(a.travelSpeedKmh()).isEqualTo(1000);
    assertThat(a.geoipDatabase()).isNull();
    for (AnomalyKind kind : AnomalyKind.values()) {
      assertThat(a.policy(kind)).isEqualTo(Policy.RECORD);
    }
  }

  @Test
  void flagsEnvironmentAndConfigFileAreRead() throws Exception {
    Path db = Files.writeString(dir.resolve("city.mmdb"), "not read while parsing");
    Path config = Files.writeString(dir.resolve("keycard.properties"), "anomaly-travel-speed=900\n");

    AnomalyDetection a = parse(Map.of("KEYCARD_ANOMALY_SHARING_NETWORKS", "7", "KEYCARD_CONFIG", config.toString()),
        "--anomaly-policy", "flood=revoke, impossible_travel=revoke", "--anomaly-flood-ceiling", "600",
        "--anomaly-flood-factor", "20", "--anomaly-sharing-window", "30m", "--geoip-database", db.toString());

    assertThat(a.policy(AnomalyKind.FLOOD)).isEqualTo(Policy.REVOKE);
    assertThat(a.policy(AnomalyKind.IMPOSSIBLE_TRAVEL)).isEqualTo(Policy.REVOKE);
    assertThat(a.policy(AnomalyKind.SHARING)).isEqualTo(Policy.RECORD);
    assertThat(a.floodCeiling()).isEqualTo(600);
    assertThat(a.floodFactor()).isEqualTo(20);
    assertThat(a.sharingNetworks()).isEqualTo(7);
    assertThat(a.sharingWindow()).isEqualTo(Duration.ofMinutes(30));
    assertThat(a.travelSpeedKmh()).isEqualTo(900);
    assertThat(a.geoipDatabase()).isEqualTo(db);
    assertThat(parse(Map.of(), "--anomaly-policy", "all=revoke").policy(AnomalyKind.NEW_COUNTRY)).isEqualTo(Policy.REVOKE);
  }

  @Test
  void badValuesFailFastNamingTheOption() {
    assertThat(run(Map.of(), "serve", "--anomaly-policy", "flood=ban").err()).contains("--anomaly-policy");
    assertThat(run(Map.of(), "serve", "--anomaly-policy", "teleport=revoke").err()).contains("--anomaly-policy");
    assertThat(run(Map.of(), "serve", "--anomaly-sharing-networks", "0").err()).contains("--anomaly-sharing-networks");
    assertThat(run(Map.of(), "serve", "--anomaly-travel-speed", "-5").exit()).isEqualTo(2);
    assertThat(run(Map.of(), "serve", "--geoip-database", dir.resolve("missing.mmdb").toString()).err())
        .contains("--geoip-database");
    Run notADatabase;
    try {
      Path junk = Files.writeString(dir.resolve("junk.mmdb"), "junk");
      notADatabase = run(Map.of(), "serve", "--data-dir", dir.resolve("data").toString(), "--port", "0",
          "--edge-port", "0", "--geoip-database", junk.toString());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    assertThat(notADatabase.exit()).isEqualTo(2);
    assertThat(notADatabase.err()).contains("--geoip-database").contains("not a readable MaxMind database");
  }

  @Test
  void serveHelpListsEveryAnomalyOption() {
    assertThat(run(Map.of(), "serve", "--help").out()).contains("--anomaly-policy", "--anomaly-flood-ceiling",
        "--anomaly-flood-factor", "--anomaly-sharing-networks", "--anomaly-sharing-window", "--anomaly-travel-speed",
        "--geoip-database");
  }

  @Test
  void anomaliesListPrintsWhatTheRunningServerDetectedUsingAnAdminToken() throws Exception {
    try (TestKeycard keycard = TestKeycard.start(dir.resolve("data"), c -> c.withAbuse(c.abuse()
        .withAnomalies(AnomalyDetection.defaults().withFloodCeiling(5))))) {
      keycard.addUser("alice", "alice's password", "");
      keycard.addUser("root", "root's password", Scopes.ADMIN);
      String token = keycard.http().login("alice", "alice's password").json().getString("access_token");
      for (int i = 0; i < 6; i++) {
        keycard.http().me(token);
      }
      String admin = keycard.http().login("root", "root's password").json().getString("access_token");
      Path adminFile = Files.writeString(dir.resolve("admin-token"), admin + "\n");
      String server = keycard.http().base();

      Run fromEnv = run(Map.of("KEYCARD_ADMIN_TOKEN", admin), "anomalies", "list", "--server", server);
      Run fromFile = run(Map.of(), "anomalies", "list", "--server", server, "--admin-token-file", adminFile.toString(),
          "--user", "alice", "--json");
      Run noOne = run(Map.of("KEYCARD_ADMIN_TOKEN", admin), "anomalies", "list", "--server", server, "--user", "bob");
      Run notAdmin = run(Map.of("KEYCARD_ADMIN_TOKEN", token), "anomalies", "list", "--server", server);
      Run noToken = run(Map.of(), "anomalies", "list", "--server", server);

      assertThat(fromEnv.exit()).isZero();
      assertThat(fromEnv.out()).contains("flood", "recorded", "user=alice", "rate_per_minute=6", "ceiling_per_minute=5");
      assertThat(fromFile.exit()).isZero();
      assertThat(new io.vertx.core.json.JsonObject(fromFile.out()).getJsonArray("anomalies")).hasSize(1);
      assertThat(noOne.out()).contains("no anomalies");
      assertThat(notAdmin.exit()).isEqualTo(1);
      assertThat(notAdmin.err()).contains("403", "insufficient_scope").doesNotContain(token);
      assertThat(noToken.exit()).isEqualTo(2);
      assertThat(noToken.err()).contains("KEYCARD_ADMIN_TOKEN");
      assertThat(fromEnv.out() + fromFile.out()).doesNotContain(admin).doesNotContain(token);
    }
  }
}
