import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Latency of one user's refresh grants, one after another (each rotates the refresh token), while
 * whatever else runs against the server: bench/logins.sh runs it with and without a login flood.
 * Usage: java bench/RefreshLatency.java BASE_URL USER PASSWORD_FILE COUNT TOKEN_FILE. Logs in unless
 * TOKEN_FILE holds a refresh token (left there by the previous run: a flood of wrong passwords may
 * have throttled the login meanwhile), and leaves the last one there. Prints "p50 p99 max" in
 * milliseconds, and how many refreshes failed. Never prints a token or the password.
 */
public class RefreshLatency {
  private static final Pattern REFRESH = Pattern.compile("\"refresh_token\":\"([^\"]+)\"");

  public static void main(String[] args) throws Exception {
    String base = args[0];
    String user = args[1];
    String password = Files.readString(Path.of(args[2])).strip();
    int count = Integer.parseInt(args[3]);
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(10)).build();
    String body = "{\"username\":\"" + user + "\",\"password\":\"" + password + "\"}";
    Path tokenFile = Path.of(args[4]);
    String refresh = Files.exists(tokenFile) ? Files.readString(tokenFile).strip() : null;
    for (int attempt = 0; attempt < 100 && refresh == null; attempt++) { // the login may meet a full queue (503)
      HttpResponse<String> login = client.send(HttpRequest.newBuilder(URI.create(base + "/auth/login"))
          .header("Content-Type", "application/json").timeout(Duration.ofSeconds(60))
          .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
      Matcher m = REFRESH.matcher(login.body());
      if (login.statusCode() == 200 && m.find()) {
        refresh = m.group(1);
      } else {
        Thread.sleep(200);
      }
    }
    if (refresh == null) {
      throw new IllegalStateException("could not log in");
    }
    long[] nanos = new long[count];
    int failed = 0;
    for (int i = 0; i < count; i++) {
      HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/oauth2/token"))
          .header("Content-Type", "application/x-www-form-urlencoded").timeout(Duration.ofSeconds(60))
          .POST(HttpRequest.BodyPublishers.ofString("grant_type=refresh_token&refresh_token=" + refresh)).build();
      long start = System.nanoTime();
      HttpResponse<String> answer = client.send(request, HttpResponse.BodyHandlers.ofString());
      nanos[i] = System.nanoTime() - start;
      Matcher m = REFRESH.matcher(answer.body());
      if (answer.statusCode() == 200 && m.find()) {
        refresh = m.group(1);
      } else {
        failed++;
      }
      Thread.sleep(20);
    }
    Files.writeString(tokenFile, refresh);
    Arrays.sort(nanos);
    System.out.printf("%.1f %.1f %.1f %d%n", nanos[count / 2] / 1e6, nanos[(int) Math.ceil(count * 0.99) - 1] / 1e6,
        nanos[count - 1] / 1e6, failed);
  }
}
