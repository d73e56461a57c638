package dev.keycard.bench;

import dev.keycard.resourceserver.Access;
import dev.keycard.resourceserver.KeycardResourceServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Revocation propagation from keycard to a service using keycard-resource-server: N times, log in,
 * check the token is granted by the library, log out at keycard, then ask the library (a local call,
 * no network) every 100 µs until it refuses the token. The delay runs from keycard's 204 to the first
 * refusal. A random pause of up to 500 ms before each logout keeps the logouts out of step with
 * keycard's 500 ms feed poll. Run by bench/feed-propagation.sh:
 * {@code java -cp benchmarks.jar dev.keycard.bench.FeedPropagation KEYCARD_URL ISSUER AUDIENCE USER CLIENT N}
 * with the user's password in KEYCARD_BENCH_PASSWORD and the client's secret in KEYCARD_BENCH_CLIENT_SECRET.
 * Prints one Markdown table row.
 */
public final class FeedPropagation {
  private static final Pattern ACCESS = Pattern.compile("\"access_token\":\"([^\"]+)\"");

  private FeedPropagation() {}

  public static void main(String[] args) throws Exception {
    String keycard = args[0];
    String issuer = args[1];
    String audience = args[2];
    String user = args[3];
    String client = args[4];
    int n = Integer.parseInt(args[5]);
    String password = System.getenv("KEYCARD_BENCH_PASSWORD");
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    Random random = new Random();
    List<Long> micros = new ArrayList<>();
    try (KeycardResourceServer library = KeycardResourceServer.builder().issuer(issuer).location(URI.create(keycard))
        .audience(audience).clientCredentials(client, System.getenv("KEYCARD_BENCH_CLIENT_SECRET")).build()) {
      for (int i = 0; i < n; i++) {
        HttpResponse<String> login = http.send(HttpRequest.newBuilder(URI.create(keycard + "/auth/login"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"" + user + "\",\"password\":\"" + password + "\"}"))
            .build(), HttpResponse.BodyHandlers.ofString());
        Matcher m = ACCESS.matcher(login.body());
        if (login.statusCode() != 200 || !m.find()) {
          throw new IllegalStateException("login answered " + login.statusCode());
        }
        String header = "Bearer " + m.group(1);
        if (!(library.authenticate(header, null).toCompletableFuture().join() instanceof Access.Granted)) {
          throw new IllegalStateException("a fresh token was not granted");
        }
        Thread.sleep(random.nextInt(500));
        HttpResponse<String> logout = http.send(HttpRequest.newBuilder(URI.create(keycard + "/auth/logout"))
            .header("Authorization", header).POST(HttpRequest.BodyPublishers.noBody()).build(),
            HttpResponse.BodyHandlers.ofString());
        long loggedOut = System.nanoTime();
        if (logout.statusCode() != 204) {
          throw new IllegalStateException("logout answered " + logout.statusCode());
        }
        while (library.authenticate(header, null).toCompletableFuture().join() instanceof Access.Granted) {
          if (System.nanoTime() - loggedOut > 10_000_000_000L) {
            throw new IllegalStateException("not refused after 10 s");
          }
          Thread.sleep(0, 100_000);
        }
        micros.add((System.nanoTime() - loggedOut) / 1_000);
      }
    }
    Collections.sort(micros);
    System.out.printf("| keycard logout → library refusal | %d | %.1f ms | %.1f ms | %.1f ms |%n", n,
        percentile(micros, 50) / 1000.0, percentile(micros, 99) / 1000.0, micros.get(micros.size() - 1) / 1000.0);
  }

  private static long percentile(List<Long> sorted, int p) {
    return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
  }
}
