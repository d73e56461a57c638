package dev.keycard.server.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import dev.keycard.server.testing.SystemTools;
import dev.keycard.server.testing.TestHttp;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The OCI image ({@code ./mvnw -Pimage verify}, which builds {@code target/keycard-image.tar} first)
 * runs without a container engine: its layers are unpacked in order into a directory, and its
 * entrypoint runs there under {@code chroot} as the image's user, in a private mount namespace
 * ({@code unshare}) that gets what a container runtime provides ({@code /dev}'s character devices,
 * {@code /proc}) and a secret directory mounted read-only, as Kubernetes mounts a Secret. Only the
 * image's own files are used: its runtime, its libraries, its {@code /etc/passwd}.
 *
 * <p>{@code chroot} and mounts need root and a mount namespace: without them these tests are skipped,
 * loudly, unless {@code KEYCARD_REQUIRE_TOOLS=true} (CI, which runs as root).
 */
class ImageIT {
  private static final Pattern LISTENING = Pattern.compile("keycard (?:API and origin|API|origin) listening on http://127\\.0\\.0\\.1:(\\d+)");
  private static final Duration START_DEADLINE = Duration.ofSeconds(90);

  /**
   * Run as root by {@code unshare}: what a container runtime sets up, then the entrypoint as the
   * image's user. {@code $1} the unpacked image, {@code $2} the host directory mounted as the secret
   * volume, {@code $3} uid:gid, then the command.
   */
  private static final String RUNTIME = """
      r=$1; secrets=$2; user=$3; shift 3
      for d in null zero random urandom; do touch "$r/dev/$d"; mount --bind "/dev/$d" "$r/dev/$d"; done
      mount -t proc proc "$r/proc"
      mkdir -p "$r/run/secrets/keycard"
      mount --bind "$secrets" "$r/run/secrets/keycard"
      mount -o remount,bind,ro "$r/run/secrets/keycard"
      PATH=/opt/java/bin
      exec /usr/sbin/chroot --userspec="$user" "$r" "$@"
      """;

  @TempDir
  Path dir;

  private Image image;
  private final List<Process> started = new ArrayList<>();

  @BeforeEach
  void unpackImage() throws Exception {
    for (String tool : List.of("unshare", "chroot", "mount", "tar")) {
      SystemTools.require(tool);
    }
    requireRootAndMountNamespace();
    Path tar = Path.of(System.getProperty("keycard.image.tar", "target/keycard-image.tar"));
    assertThat(tar).as("the image, built by ./mvnw -Pimage package").exists();
    image = Image.unpack(tar, dir.resolve("image"), dir.resolve("rootfs"));
  }

  @AfterEach
  void stopProcesses() throws InterruptedException {
    for (Process p : started) {
      p.destroy();
      if (!p.waitFor(20, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void imageConfigWhenReadThenRunsKeycardAsNonRootUserFromItsOwnRuntime() throws IOException {
    assertThat(image.user()).isEqualTo("65532:65532");
    assertThat(Files.readString(image.rootfs().resolve("etc/passwd"))).contains("keycard:x:65532:65532:");
    assertThat(image.entrypoint()).first().isEqualTo("/opt/java/bin/java");
    assertThat(image.entrypoint()).last().isEqualTo("dev.keycard.server.cli.KeycardCommand");
    assertThat(image.rootfs().resolve("opt/java/bin/java")).isExecutable();
    // The data directory is the user's (an emptyDir or a volume replaces it in Kubernetes).
    assertThat(Files.getAttribute(image.rootfs().resolve("var/lib/keycard"), "unix:uid")).isEqualTo(65532);
    assertThat(image.environment()).contains("KEYCARD_HOST=0.0.0.0", "KEYCARD_DATA_DIR=/var/lib/keycard");
  }

  @Test
  void entrypointWhenAskedForVersionThenPrintsItInTheChroot() throws Exception {
    Process p = run(Map.of(), List.of("--version"), dir.resolve("version.log"));
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("keycard --version ends").isTrue();
    String out = Files.readString(dir.resolve("version.log"));
    assertThat(p.exitValue()).as(out).isZero();
    assertThat(out).contains("keycard 0.1.0");
  }

  @Test
  void serveWhenConfiguredByEnvironmentAndSecretFileThenAnswersHealthAndLogsInAsNonRoot() throws Exception {
    Path secrets = Files.createDirectories(dir.resolve("secrets"));
    String hs256Secret = randomSecret();
    Files.writeString(secrets.resolve("hs256-secret"), hs256Secret + "\n");
    String password = randomSecret();

    // A CLI command of the image, as `kubectl exec` or a Job would run it, on the image's data directory.
    Process add = run(Map.of(), List.of("users", "add", "viewer", "--password-stdin", "--scope", "profile"),
        dir.resolve("users.log"));
    add.getOutputStream().write((password + "\n").getBytes(StandardCharsets.UTF_8));
    add.getOutputStream().close();
    assertThat(add.waitFor(60, TimeUnit.SECONDS)).as("users add ends").isTrue();
    assertThat(add.exitValue()).as(Files.readString(dir.resolve("users.log"))).isZero();

    int port = LoopbackPorts.free();
    Map<String, String> env = Map.of(
        "KEYCARD_HOST", "127.0.0.1", // loopback only: the test shares the host's network
        "KEYCARD_PORT", Integer.toString(port),
        "KEYCARD_EDGE_PORT", Integer.toString(LoopbackPorts.free()),
        "KEYCARD_MANAGEMENT_PORT", Integer.toString(LoopbackPorts.free()),
        "KEYCARD_ISSUER", "http://keycard.test",
        "KEYCARD_ALGORITHM", "HS256",
        "KEYCARD_HS256_SECRET_FILE", "/run/secrets/keycard/hs256-secret",
        "KEYCARD_NO_DEMO_STREAM", "true");
    Path log = dir.resolve("serve.log");
    Process serve = run(env, List.of("serve"), log);
    assertThat(awaitListening(serve, log)).isEqualTo(port);

    assertThat(Files.readString(Path.of("/proc", Long.toString(serve.pid()), "status")))
        .as("the JVM runs as the image's user").containsPattern("(?m)^Uid:\\s+65532\\s");
    TestHttp http = TestHttp.at("http://127.0.0.1:" + port);
    assertThat(http.get("/health").status()).isEqualTo(200);
    TestHttp.Answer login = http.login("viewer", password);
    assertThat(login.status()).as(login.body()).isEqualTo(200);
    String accessToken = login.json().getString("access_token");
    String header = new String(Base64.getUrlDecoder().decode(accessToken.substring(0, accessToken.indexOf('.'))),
        StandardCharsets.UTF_8);
    assertThat(new JsonObject(header).getString("alg")).as("signed with the mounted secret").isEqualTo("HS256");
    assertThat(http.me(accessToken).json().getString("sub")).isEqualTo("viewer");

    String output = Files.readString(log);
    assertThat(output).as("KEYCARD_NO_DEMO_STREAM took effect").contains("demo stream off");
    assertThat(output).doesNotContain(hs256Secret, password, accessToken);
  }

  private int awaitListening(Process p, Path log) throws Exception {
    Instant deadline = Instant.now().plus(START_DEADLINE);
    while (Instant.now().isBefore(deadline)) {
      String out = Files.readString(log);
      Matcher m = LISTENING.matcher(out);
      if (m.find()) {
        return Integer.parseInt(m.group(1));
      }
      if (!p.isAlive()) {
        fail("keycard serve exited with " + p.exitValue() + ":\n" + out);
      }
      Thread.sleep(200);
    }
    return fail("keycard serve did not listen within " + START_DEADLINE + ":\n" + Files.readString(log));
  }

  /** The entrypoint with {@code args}, as the image's user, with the image's environment plus {@code env}. */
  private Process run(Map<String, String> env, List<String> args, Path output) throws IOException {
    List<String> command = new ArrayList<>(List.of("unshare", "--mount", "--propagation", "private", "--",
        "sh", "-ec", RUNTIME, "sh", image.rootfs().toString(), dir.resolve("secrets").toString(), image.user()));
    Files.createDirectories(dir.resolve("secrets"));
    command.addAll(image.entrypoint());
    command.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
    Map<String, String> environment = pb.environment();
    String hostPath = environment.getOrDefault("PATH", "/usr/bin:/bin");
    environment.clear();
    for (String entry : image.environment()) {
      int eq = entry.indexOf('=');
      environment.put(entry.substring(0, eq), entry.substring(eq + 1));
    }
    environment.putAll(env);
    // For the runtime script; it sets the image's PATH before it enters the chroot.
    environment.put("PATH", hostPath + ":/usr/sbin:/sbin");
    Process p = pb.start();
    started.add(p);
    return p;
  }

  private static String randomSecret() {
    byte[] bytes = new byte[32];
    new SecureRandom().nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  /**
   * chroot and mount need root, and a mount namespace of our own (CAP_SYS_ADMIN: a container without
   * it refuses unshare); the same skip-or-fail rule as {@link SystemTools#require}.
   */
  private static void requireRootAndMountNamespace() throws IOException, InterruptedException {
    String missing = null;
    if (!Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"))) {
      missing = "running the image without an engine (chroot, mount) needs root";
    } else {
      Process probe = new ProcessBuilder("unshare", "--mount", "--", "true").redirectErrorStream(true).start();
      String out = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      if (probe.waitFor() != 0) {
        missing = "running the image needs a mount namespace (CAP_SYS_ADMIN), and unshare --mount failed: " + out;
      }
    }
    if (missing == null) {
      return;
    }
    if ("true".equals(System.getenv("KEYCARD_REQUIRE_TOOLS"))) {
      fail(missing + " and KEYCARD_REQUIRE_TOOLS=true");
    }
    Assumptions.abort(missing);
  }

  /**
   * An unpacked OCI image layout: its configuration, and its layers extracted in order into one
   * directory (Jib writes no whiteouts: every layer only adds files).
   */
  record Image(Path rootfs, List<String> entrypoint, List<String> environment, String user) {
    static Image unpack(Path tar, Path layout, Path rootfs) throws IOException, InterruptedException {
      Files.createDirectories(layout);
      Files.createDirectories(rootfs);
      untar(tar, layout, false);
      JsonObject index = new JsonObject(Files.readString(layout.resolve("index.json")));
      JsonObject manifest = blob(layout, index.getJsonArray("manifests").getJsonObject(0).getString("digest"));
      JsonObject config = blob(layout, manifest.getJsonObject("config").getString("digest")).getJsonObject("config");
      for (Object layer : manifest.getJsonArray("layers")) {
        String digest = ((JsonObject) layer).getString("digest");
        untar(layout.resolve("blobs/sha256").resolve(digest.substring("sha256:".length())), rootfs, true);
      }
      return new Image(rootfs, strings(config.getJsonArray("Entrypoint")), strings(config.getJsonArray("Env")),
          config.getString("User"));
    }

    private static JsonObject blob(Path layout, String digest) throws IOException {
      return new JsonObject(Files.readString(layout.resolve("blobs/sha256").resolve(digest.substring("sha256:".length()))));
    }

    private static List<String> strings(JsonArray array) {
      List<String> list = new ArrayList<>();
      array.forEach(o -> list.add((String) o));
      return list;
    }

    /** GNU tar, keeping owners and modes (root), quiet about the pax keywords Jib's library writes. */
    private static void untar(Path archive, Path into, boolean gzip) throws IOException, InterruptedException {
      List<String> command = new ArrayList<>(List.of("tar", "--warning=no-unknown-keyword", "--same-owner", "-p",
          gzip ? "-xzf" : "-xf", archive.toString(), "-C", into.toString()));
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (p.waitFor() != 0) {
        fail("tar " + archive + " failed:\n" + out);
      }
    }
  }
}
