package dev.keycard.server.cli;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code keycard anomalies list}: the recent anomalies a running server detected, through its admin API
 * ({@code GET /api/v1/admin/anomalies}) with an access token carrying {@code keycard:admin}. The list
 * lives in the server's memory (it is not in the database), so the command asks the server rather than
 * opening the store; the audit log has the complete history.
 */
@Command(name = "anomalies", mixinStandardHelpOptions = true, description = "Anomalies a running server detected.",
    subcommands = {AnomaliesCommand.List.class})
final class AnomaliesCommand {
  static final String TOKEN_ENV = "KEYCARD_ADMIN_TOKEN";

  @ParentCommand
  KeycardCommand parent;

  @Command(name = "list", mixinStandardHelpOptions = true,
      description = "List recent anomalies, newest first, from a running server's admin API.")
  static final class List implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @ParentCommand
    AnomaliesCommand anomalies;

    @Option(names = "--server", paramLabel = "URL", defaultValue = "http://127.0.0.1:8080",
        description = "The server's API base URL. Default: ${DEFAULT-VALUE}")
    String server;

    @Option(names = "--admin-token-file", paramLabel = "FILE",
        description = "A file holding an access token with the keycard:admin scope. Alternatively " + TOKEN_ENV + ".")
    Path tokenFile;

    @Option(names = "--user", paramLabel = "NAME", description = "Only this user's anomalies.")
    String user;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "100", description = "At most N. Default: ${DEFAULT-VALUE}")
    int limit;

    @Option(names = "--json", description = "Print the server's JSON as is.")
    boolean json;

    @Override
    public Integer call() throws IOException, InterruptedException {
      String token = token(anomalies.parent.environment);
      StringBuilder query = new StringBuilder("?limit=").append(limit);
      if (user != null) {
        query.append("&user=").append(URLEncoder.encode(user, StandardCharsets.UTF_8));
      }
      URI uri;
      try {
        uri = URI.create(server.replaceAll("/+$", "") + "/api/v1/admin/anomalies" + query);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("--server " + server + " is not a URL");
      }
      HttpResponse<String> response;
      try (HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
        response = client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
            .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofString());
      } catch (IOException e) {
        spec.commandLine().getErr().println("keycard: cannot reach " + uri.getScheme() + "://" + uri.getAuthority()
            + ": " + e.getClass().getSimpleName());
        return 1;
      }
      JsonObject body;
      try {
        body = new JsonObject(response.body());
      } catch (DecodeException | ClassCastException e) {
        spec.commandLine().getErr().println("keycard: the server answered " + response.statusCode() + " without JSON");
        return 1;
      }
      if (response.statusCode() != 200) {
        spec.commandLine().getErr().println("keycard: the server answered " + response.statusCode() + ": "
            + body.getString("error") + " (" + body.getString("error_description") + ")");
        return 1;
      }
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        out.println(body.encodePrettily());
        return 0;
      }
      JsonArray list = body.getJsonArray("anomalies", new JsonArray());
      if (list.isEmpty()) {
        out.println("no anomalies");
      }
      for (Object item : list) {
        JsonObject a = (JsonObject) item;
        StringBuilder details = new StringBuilder();
        a.getJsonObject("details", new JsonObject()).forEach(e ->
            details.append(details.isEmpty() ? "" : " ").append(e.getKey()).append('=').append(e.getValue()));
        out.printf("%s  %-17s %-8s user=%s sid=%s ip=%s country=%s %s%n", a.getString("time"), a.getString("kind"),
            a.getString("action"), a.getString("user"), a.getString("sid"), a.getString("client_ip"),
            a.getString("country"), details);
      }
      return 0;
    }

    /** The file wins over the variable, as for the other secrets; never a flag value (it would show in ps). */
    private String token(Map<String, String> environment) throws IOException {
      String token = tokenFile != null ? Files.readString(tokenFile, StandardCharsets.UTF_8).strip()
          : environment.get(TOKEN_ENV);
      if (token == null || token.isBlank()) {
        throw new IllegalArgumentException("an admin access token is needed: --admin-token-file FILE or " + TOKEN_ENV);
      }
      return token.strip();
    }
  }
}
