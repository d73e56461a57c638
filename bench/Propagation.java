import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Revocation propagation between two running keycard instances: N times, log in on B, check the token
 * works on A, log out on B, then ask A for /api/v1/me as fast as one client can until A answers 401.
 * The delay is from B's 204 to A's first 401; A is asked every millisecond (a tighter loop would take
 * a core from the two servers). Before each logout the program waits a random 0 to JITTER_MS, so that
 * logouts do not fall in step with A's periodic catch-up (which would make every wait the same).
 * Run by bench/propagation.sh (java bench/Propagation.java A_URL B_URL USER N LABEL [JITTER_MS], the
 * password in KEYCARD_BENCH_PASSWORD); prints one Markdown table row (no row for the label "warm-up").
 */
public class Propagation {
  private static final Pattern ACCESS = Pattern.compile("\"access_token\":\"([^\"]+)\"");

  public static void main(String[] args) throws Exception {
    String a = args[0], b = args[1], user = args[2];
    int n = Integer.parseInt(args[3]);
    String label = args[4];
    int jitter = args.length > 5 ? Integer.parseInt(args[5]) : 0;
    java.util.Random random = new java.util.Random();
    String password = System.getenv("KEYCARD_BENCH_PASSWORD");
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    List<Long> micros = new ArrayList<>();
    long polls = 0;
    for (int i = 0; i < n; i++) {
      HttpResponse<String> login = http.send(HttpRequest.newBuilder(URI.create(b + "/auth/login"))
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"" + user + "\",\"password\":\"" + password + "\"}"))
          .build(), HttpResponse.BodyHandlers.ofString());
      Matcher m = ACCESS.matcher(login.body());
      if (login.statusCode() != 200 || !m.find()) {
        throw new IllegalStateException("login on B answered " + login.statusCode());
      }
      String token = m.group(1);
      HttpRequest me = HttpRequest.newBuilder(URI.create(a + "/api/v1/me")).header("Authorization", "Bearer " + token)
          .GET().build();
      if (http.send(me, HttpResponse.BodyHandlers.discarding()).statusCode() != 200) {
        throw new IllegalStateException("a fresh token was refused by A");
      }
      if (jitter > 0) {
        Thread.sleep(random.nextInt(jitter));
      }
      HttpResponse<Void> logout = http.send(HttpRequest.newBuilder(URI.create(b + "/auth/logout"))
          .header("Authorization", "Bearer " + token).POST(HttpRequest.BodyPublishers.noBody()).build(),
          HttpResponse.BodyHandlers.discarding());
      long loggedOut = System.nanoTime();
      if (logout.statusCode() != 204) {
        throw new IllegalStateException("logout on B answered " + logout.statusCode());
      }
      int status;
      do {
        status = http.send(me, HttpResponse.BodyHandlers.discarding()).statusCode();
        polls++;
        if (status == 200) {
          Thread.sleep(1);
        }
        if (status >= 500) {
          throw new IllegalStateException("A answered " + status);
        }
      } while (status != 401);
      micros.add((System.nanoTime() - loggedOut) / 1_000);
    }
    if (label.equals("warm-up")) {
      return;
    }
    List<Long> sorted = micros.stream().sorted().toList();
    System.out.printf("| %s | %d | %s | %s | %s | %d |%n", label, n, ms(percentile(sorted, 50)), ms(percentile(sorted, 99)),
        ms(sorted.getLast()), polls);
  }

  private static long percentile(List<Long> sorted, int p) {
    return sorted.get(Math.max(0, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
  }

  private static String ms(long micros) {
    return String.format("%.1f ms", micros / 1000.0);
  }
}
