package dev.keycard.server.cli;

import static dev.keycard.server.testing.TestHttp.basic;
import static dev.keycard.server.testing.TestHttp.params;
import static org.assertj.core.api.Assertions.assertThat;

import dev.keycard.core.key.SigningAlgorithm;
import dev.keycard.server.config.EnvironmentDefaults;
import dev.keycard.server.config.ServerConfig;
import dev.keycard.server.config.StoreConfig;
import dev.keycard.server.config.TokenFormat;
import dev.keycard.server.testing.TestKeycard;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The command line: administration commands, option precedence, and fail-fast validation. */
class KeycardCommandTest {
  @TempDir
  Path dir;

  record Run(int exit, String out, String err) {}

  private Run run(String stdin, Map<String, String> env, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = KeycardCommand.execute(args, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
        new PrintWriter(out, true), new PrintWriter(err, true), env);
    return new Run(exit, out.toString(), err.toString());
  }

  private Run run(String... args) {
    return run("", Map.of(), args);
  }

  /** Parses a serve command line as the CLI would, without starting anything. */
  private ServerConfig serveConfig(Map<String, String> env, String... args) {
    String[] full = new String[args.length + 1];
    full[0] = "serve";
    System.arraycopy(args, 0, full, 1, args.length);
    CommandLine cli = new CommandLine(new KeycardCommand(System.in, env));
    cli.setDefaultValueProvider(EnvironmentDefaults.from(full, env));
    CommandLine.ParseResult parsed = cli.parseArgs(full);
    ServeCommand serve = (ServeCommand) parsed.subcommand().commandSpec().userObject();
    return serve.options.toConfig(env, false);
  }

  @Test
  void usersAddReadsThePasswordFromStdinAndTheUserCanLogIn() {
    Path data = dir.resolve("data");
    Run added = run("s3cret-password\n", Map.of(), "users", "add", "maria", "--password-stdin",
        "--scope", "stream:view", "--data-dir", data.toString());
    assertThat(added.exit()).isEqualTo(0);
    assertThat(added.out()).contains("user maria added").doesNotContain("s3cret-password");
    try (TestKeycard keycard = TestKeycard.start(data)) {
      var login = keycard.http().login("maria", "s3cret-password");
      assertThat(login.status()).isEqualTo(200);
      assertThat(login.json().getString("scope")).isEqualTo("stream:view");
    }
  }

  @Test
  void usersAddRefusesADuplicateAndAShortPassword() {
    String data = dir.resolve("data").toString();
    assertThat(run("long enough pw\n", Map.of(), "users", "add", "nina", "--password-stdin", "--data-dir", data).exit())
        .isEqualTo(0);
    Run duplicate = run("long enough pw\n", Map.of(), "users", "add", "nina", "--password-stdin", "--data-dir", data);
    assertThat(duplicate.exit()).isEqualTo(2);
    assertThat(duplicate.err()).contains("already exists");
    Run shortPassword = run("short\n", Map.of(), "users", "add", "otto", "--password-stdin", "--data-dir", data);
    assertThat(shortPassword.exit()).isEqualTo(2);
    assertThat(shortPassword.err()).contains("at least 8 characters");
  }

  @Test
  void usersAddWithoutPasswordStdinIsAUsageError() {
    Run r = run("users", "add", "paul", "--data-dir", dir.toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("--password-stdin");
  }

  @Test
  void clientsAddPrintsARandomSecretOnceThatAuthenticates() {
    Path data = dir.resolve("data");
    Run first = run("clients", "add", "ingest", "--scope", "stream:publish", "--data-dir", data.toString());
    Run second = run("clients", "add", "other", "--data-dir", data.toString());
    assertThat(first.exit()).isEqualTo(0);
    String secret = secretIn(first.out());
    assertThat(secret).startsWith("kcs_").isNotEqualTo(secretIn(second.out()));
    try (TestKeycard keycard = TestKeycard.start(data)) {
      var answer = keycard.http().postForm("/oauth2/token", params("grant_type", "client_credentials"),
          "Authorization", basic("ingest", secret));
      assertThat(answer.status()).isEqualTo(200);
      assertThat(answer.json().getString("scope")).isEqualTo("stream:publish");
    }
  }

  private static String secretIn(String out) {
    Matcher m = Pattern.compile("client_secret: (\\S+)").matcher(out);
    assertThat(m.find()).isTrue();
    return m.group(1);
  }

  @Test
  void dataDirectoryIsCreatedPrivate() throws Exception {
    Path data = dir.resolve("fresh");
    assertThat(run("clients", "add", "x", "--data-dir", data.toString()).exit()).isEqualTo(0);
    assertThat(Files.getPosixFilePermissions(data)).extracting(Object::toString)
        .containsExactlyInAnyOrder("OWNER_READ", "OWNER_WRITE", "OWNER_EXECUTE");
  }

  @Test
  void defaultsAreTheDocumentedOnes() {
    ServerConfig c = serveConfig(Map.of());
    assertThat(c.port()).isEqualTo(8080);
    assertThat(c.host()).isEqualTo("127.0.0.1");
    assertThat(c.issuer()).isEqualTo("http://127.0.0.1:8080");
    assertThat(c.audience()).isEqualTo("keycard-api");
    assertThat(c.accessTokenTtl()).isEqualTo(Duration.ofMinutes(15));
    assertThat(c.tokenFormat()).isEqualTo(TokenFormat.JWT);
    assertThat(c.algorithm()).isEqualTo(SigningAlgorithm.RS256);
    assertThat(c.clockSkew()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.refreshIdleTtl()).isEqualTo(Duration.ofDays(14));
    assertThat(c.refreshAbsoluteTtl()).isEqualTo(Duration.ofDays(30));
    // 10 s: a client whose refresh committed but whose answer was lost (a killed server) keeps its session.
    assertThat(c.refreshGrace()).isEqualTo(Duration.ofSeconds(10));
    assertThat(c.maxTokenSize()).isEqualTo(8192);
    assertThat(c.dataDir()).isEqualTo(Path.of("./keycard-data"));
    assertThat(c.store()).isEqualTo(new StoreConfig.Embedded(Path.of("./keycard-data")));
    assertThat(c.denylistCatchUp()).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void databaseUrlWithItsPasswordFromTheEnvironmentOrAFileNamesTheBackend() throws Exception {
    ServerConfig fromEnv = serveConfig(Map.of("KEYCARD_DATABASE_URL", "postgresql://kc@db.internal:5433/keycard?sslmode=require",
        "KEYCARD_DATABASE_PASSWORD", "pg-secret-from-env"));
    assertThat(fromEnv.store()).isEqualTo(new StoreConfig.Postgres("jdbc:postgresql://db.internal:5433/keycard?sslmode=require",
        "kc", "pg-secret-from-env"));
    assertThat(fromEnv.toString()).contains("jdbc:postgresql://db.internal:5433/keycard").doesNotContain("pg-secret");

    Path file = dir.resolve("pg-password");
    Files.writeString(file, "pg-secret-from-file\n");
    ServerConfig fromFile = serveConfig(Map.of("KEYCARD_DATABASE_PASSWORD", "ignored"), "--database-url",
        "jdbc:postgresql://db.internal/keycard", "--database-password-file", file.toString());
    assertThat(fromFile.store()).isEqualTo(new StoreConfig.Postgres("jdbc:postgresql://db.internal/keycard", null,
        "pg-secret-from-file"));
  }

  @Test
  void aPasswordInTheDatabaseUrlIsRefusedWithoutRepeatingIt() {
    for (String url : new String[] {"postgresql://kc:hunter2-db@db.internal/keycard",
        "jdbc:postgresql://db.internal/keycard?user=kc&password=hunter2-db"}) {
      Run r = run("clients", "add", "eve", "--data-dir", dir.toString(), "--database-url", url);
      assertThat(r.exit()).as(url).isEqualTo(2);
      assertThat(r.err()).contains("--database-url must not hold the password", "KEYCARD_DATABASE_PASSWORD")
          .doesNotContain("hunter2");
    }
  }

  @Test
  void anUnreachablePostgresqlIsAClearErrorNotTheEmbeddedDatabase() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
    Path data = dir.resolve("untouched");
    Run r = run("", Map.of("KEYCARD_DATABASE_PASSWORD", "pg-secret"), "clients", "add", "svc", "--data-dir",
        data.toString(), "--database-url", "postgresql://kc@127.0.0.1:" + closedPort + "/keycard");
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).startsWith("keycard: cannot connect to PostgreSQL").doesNotContain("pg-secret", "Exception");
    assertThat(data).doesNotExist();
  }

  @Test
  void databaseSettingsThatCannotBeRightAreRefused() {
    Run strayPassword = run("", Map.of("KEYCARD_DATABASE_PASSWORD", "pg-secret"), "streams", "add", "cam1",
        "--data-dir", dir.toString());
    assertThat(strayPassword.exit()).isEqualTo(2);
    assertThat(strayPassword.err()).contains("no --database-url").doesNotContain("pg-secret");
    Run otherDatabase = run("keys", "rotate", "--data-dir", dir.toString(), "--database-url", "mysql://db/keycard");
    assertThat(otherDatabase.exit()).isEqualTo(2);
    assertThat(otherDatabase.err()).contains("--database-url must be a PostgreSQL URL");
    assertThat(run("serve", "--denylist-catch-up", "10ms").err()).contains("--denylist-catch-up");
  }

  @Test
  void flagsBeatEnvironmentWhichBeatsTheConfigFile() throws Exception {
    Path file = dir.resolve("keycard.properties");
    Files.writeString(file, "port=7000\naccess-token-ttl=5m\naudience=from-file\nrefresh-grace=20s\n");
    Map<String, String> env = Map.of("KEYCARD_PORT", "7100", "KEYCARD_ACCESS_TOKEN_TTL", "7m");
    ServerConfig c = serveConfig(env, "--config", file.toString(), "--port", "7200");
    assertThat(c.port()).isEqualTo(7200);
    assertThat(c.accessTokenTtl()).isEqualTo(Duration.ofMinutes(7));
    assertThat(c.audience()).isEqualTo("from-file");
    assertThat(c.refreshGrace()).isEqualTo(Duration.ofSeconds(20));
    assertThat(c.issuer()).isEqualTo("http://127.0.0.1:7200");
  }

  @Test
  void configFileWithAnUnknownKeyIsRefused() throws Exception {
    Path file = dir.resolve("typo.properties");
    Files.writeString(file, "refresh-idle-tll=7d\n");
    Run r = run("serve", "--config", file.toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("unknown keys [refresh-idle-tll]");
  }

  @Test
  void shortHs256SecretIsRefusedAtStartWithExitCode2() {
    Run r = run("", Map.of("KEYCARD_HS256_SECRET", "too-short"), "serve", "--algorithm", "HS256",
        "--data-dir", dir.toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("HS256 secret has 72 bits; at least 256 are required").doesNotContain("too-short");
  }

  @Test
  void hs256SecretFileIsRead() throws Exception {
    Path secret = dir.resolve("secret");
    Files.writeString(secret, "a-shared-secret-of-at-least-32-bytes!!\n");
    ServerConfig c = serveConfig(Map.of(), "--algorithm", "HS256", "--hs256-secret-file", secret.toString());
    assertThat(new String(c.hs256Secret(), StandardCharsets.UTF_8)).isEqualTo("a-shared-secret-of-at-least-32-bytes!!");
    assertThat(c.toString()).doesNotContain("a-shared-secret");
  }

  @Test
  void hs256WithoutSecretAndSecretWithoutHs256AreRefused() {
    Run missing = run("serve", "--algorithm", "HS256", "--data-dir", dir.toString());
    assertThat(missing.exit()).isEqualTo(2);
    assertThat(missing.err()).contains("KEYCARD_HS256_SECRET");
    Run stray = run("", Map.of("KEYCARD_HS256_SECRET", "x".repeat(40)), "serve", "--data-dir", dir.toString());
    assertThat(stray.exit()).isEqualTo(2);
    assertThat(stray.err()).contains("--algorithm is RS256");
  }

  @Test
  void badValuesFailFastNamingTheOption() {
    assertThat(run("serve", "--access-token-ttl", "forever").err()).contains("--access-token-ttl");
    assertThat(run("serve", "--refresh-grace", "2m").err()).contains("--refresh-grace");
    assertThat(run("serve", "--token-format", "xml").err()).contains("--token-format");
    assertThat(run("serve", "--algorithm", "none").err()).contains("unknown signing algorithm");
    assertThat(run("serve", "--issuer", "ftp://x").err()).contains("--issuer");
    assertThat(run("serve", "--refresh-idle-ttl", "40d").err()).contains("--refresh-absolute-ttl");
    assertThat(run("serve", "--port", "70000").exit()).isEqualTo(2);
    assertThat(run("serve", "--max-token-size", "12").exit()).isEqualTo(2);
    assertThat(run("serve", "--config", dir.resolve("missing.properties").toString()).exit()).isEqualTo(2);
  }

  @Test
  void serveHelpListsEveryOption() {
    Run help = run("serve", "--help");
    assertThat(help.exit()).isEqualTo(0);
    assertThat(help.out()).contains("--data-dir", "--port", "--host", "--issuer", "--audience", "--access-token-ttl",
        "--token-format", "--algorithm", "--hs256-secret-file", "--clock-skew", "--refresh-idle-ttl",
        "--refresh-absolute-ttl", "--refresh-grace", "--max-token-size", "--denylist-catch-up", "--database-url",
        "--database-password-file", "--config");
  }
}
