package dev.keycard.server.cli;

import dev.keycard.core.account.User;
import dev.keycard.core.account.UserStore;
import dev.keycard.core.password.PasswordHasher;
import dev.keycard.core.secret.Secrets;
import dev.keycard.server.KeycardServer;
import dev.keycard.server.config.Roles;
import dev.keycard.server.config.ServerConfig;
import java.io.PrintWriter;
import java.security.SecureRandom;
import java.time.InstantSource;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

/**
 * {@code keycard demo}: {@code serve}, plus a {@code viewer} account whose random password is printed
 * once with the commands to try it. There is no fixed demo password: a demo left running must not be
 * an open door.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Serve, with a demo account 'viewer' (random password, printed once).", sortOptions = false)
final class DemoCommand implements Callable<Integer> {
  static final String DEMO_USER = "viewer";
  static final Set<String> DEMO_SCOPES = Set.of("profile", "stream:watch");

  @ParentCommand
  KeycardCommand parent;

  @Mixin
  ServerOptions options;

  @Mixin
  StreamOptions streamOptions;

  @Mixin
  ObservabilityOptions observabilityOptions;

  @Mixin
  LoginOptions loginOptions;

  @Mixin
  RateLimitOptions rateLimitOptions;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws InterruptedException {
    ServerConfig config = rateLimitOptions.apply(observabilityOptions.applyTo(options.toConfig(parent.environment, true)));
    config = config.withAbuse(config.abuse().withLogins(loginOptions.toConfig()));
    SecureRandom random = new SecureRandom();
    PasswordHasher hasher = loginOptions.hasher(random);
    try (KeycardServer server = options.start(config, streamOptions.toConfig(true, parent.environment),
        Roles.ALL, InstantSource.system(), hasher, parent.environment)) {
      printWelcome(spec.commandLine().getOut(), server, hasher, random);
      if (options.tlsSelfSigned) {
        spec.commandLine().getOut().println("TLS with keycard's own certificate, which nothing trusts: add --cacert "
            + config.tls().certificate().toAbsolutePath().normalize() + " to curl (a browser shows a warning first).");
        spec.commandLine().getOut().flush();
      }
      ServeCommand.awaitShutdown(server);
    }
    return 0;
  }

  /** The global rate limit in words, for the welcome text. */
  private static String rateLimitSummary(KeycardServer server) {
    var global = server.services().config().abuse().rateLimits().policies().global();
    return global == null ? "off (--rate-limit off)" : global.quota() + " requests per " + global.windowSeconds() + " s";
  }

  static void printWelcome(PrintWriter out, KeycardServer server, PasswordHasher hasher, SecureRandom random) {
    UserStore users = server.stores().users();
    var config = server.services().config();
    String base = ServerOptions.localUrl(config.tls() == null ? "http" : "https", config.host(), server.port());
    if (users.find(DEMO_USER).isPresent()) {
      out.println("The demo user '" + DEMO_USER + "' already exists in this data directory; its password was printed"
          + " when it was created. Use a fresh --data-dir for a new one.");
    } else {
      String password = new Secrets(random).newToken("", 18);
      users.add(new User(DEMO_USER, hasher.hash(password), DEMO_SCOPES, InstantSource.system().instant()));
      out.println();
      out.println("keycard demo is running on " + base);
      out.println("Demo account (shown once): username " + DEMO_USER + "  password " + password);
      out.println();
      if (config.cookieSessions()) {
        out.println("In a browser: open " + base + "/ and sign in (the web player; operators, with the keycard:admin");
        out.println("scope, see sessions, streams and anomalies at " + base + "/operator).");
        out.println();
      }
      out.println("Log in:");
      out.println("  curl -s -X POST " + base + "/auth/login -H 'Content-Type: application/json' \\");
      out.println("       -d '{\"username\":\"" + DEMO_USER + "\",\"password\":\"" + password + "\"}'");
      out.println("Call the API with the access_token from the answer (-i shows the RateLimit-Policy and RateLimit");
      out.println("fields: this login session's budget, " + rateLimitSummary(server) + "):");
      out.println("  curl -si " + base + "/api/v1/me -H \"Authorization: Bearer $ACCESS_TOKEN\"");
      out.println("Refresh (rotates the refresh token):");
      out.println("  curl -s -X POST " + base + "/oauth2/token -d grant_type=refresh_token -d \"refresh_token=$REFRESH_TOKEN\"");
      out.println("Log out:");
      out.println("  curl -s -X POST " + base + "/auth/logout -H \"Authorization: Bearer $ACCESS_TOKEN\"");
      out.println();
      printPlayback(out, base, server.edgeBaseUrl(), password);
    }
    printMonitoring(out, server);
    out.flush();
  }

  /** Where the metrics and the audit trail of this run are. */
  static void printMonitoring(PrintWriter out, KeycardServer server) {
    if (server.managementPort() > 0) {
      String management = ServerOptions.localUrl(
          server.services().config().abuse().observability().managementHost(), server.managementPort());
      out.println("Metrics (Prometheus text format, management listener):");
      out.println("  curl -s " + management + "/metrics | grep '^keycard_'");
    }
    if (server.auditLogFile() != null) {
      out.println("Audit log (one JSON line per security decision):");
      out.println("  tail -f " + server.auditLogFile().toAbsolutePath().normalize());
    }
    out.println();
  }

  /**
   * The live-stream walk-through, as shell commands that run as printed (curl, sed, grep): log in,
   * start the built-in {@code demo} stream, open the playback session with the ticket (a multivariant
   * playlist naming the media playlist at a session URL), fetch the media playlist, fetch the first
   * segment it names.
   */
  static void printPlayback(PrintWriter out, String base, String edgeBase, String password) {
    out.println("Watch the built-in live stream 'demo' (copy and paste into a shell):");
    out.println("  ACCESS_TOKEN=$(curl -s -X POST " + base + "/auth/login -H 'Content-Type: application/json' \\");
    out.println("      -d '{\"username\":\"" + DEMO_USER + "\",\"password\":\"" + password + "\"}' \\");
    out.println("      | sed -E 's/.*\"access_token\":\"([^\"]+)\".*/\\1/')");
    out.println("  PLAYLIST_URL=$(curl -s -X POST " + base + "/api/v1/stream/start \\");
    out.println("      -H \"Authorization: Bearer $ACCESS_TOKEN\" -H 'Content-Type: application/json' \\");
    out.println("      -d '{\"stream_id\":\"demo\"}' | sed -E 's/.*\"playlist_url\":\"([^\"]+)\".*/\\1/')");
    out.println("  MEDIA=$(curl -s \"$PLAYLIST_URL\" | grep -v '^#' | head -n 1)   # opens the playback session");
    out.println("  curl -s \"" + edgeBase + "$MEDIA\"                # the live playlist, every URI signed for you");
    out.println("  SEGMENT=$(curl -s \"" + edgeBase + "$MEDIA\" | grep -v '^#' | head -n 1)");
    out.println("  curl -s -o segment.ts -w '%{http_code} %{content_type} %{size_download} bytes\\n' \"" + edgeBase
        + "$SEGMENT\"");
    out.println("Play it (any HLS player; start it within a few minutes, it then plays for hours):");
    out.println("  ffplay \"$PLAYLIST_URL\"      or      ffmpeg -i \"$PLAYLIST_URL\" -t 10 -c copy demo.ts");
    out.println("Logging out stops the playback at the edge within seconds, even before the URLs expire.");
    out.println();
  }
}
