package dev.keycard.server.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.keycard.server.cli.ServeVariables;
import dev.keycard.server.testing.SystemTools;
import dev.keycard.server.testing.TestHttp;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The Kubernetes manifests under {@code deploy/kubernetes} parse, and ask keycard only for what it
 * understands: every {@code KEYCARD_*} variable a container sets is an option of {@code serve} (under
 * the name {@code EnvironmentDefaults} reads it by) or a secret variable {@code serve --help}
 * documents; secrets come from Secrets (mounted files or {@code secretKeyRef}), never from a value
 * written in a manifest; every keycard container is probed on {@code /health/live} and
 * {@code /health/ready} and runs as the image's non-root user; the origin router's nginx
 * configuration sends a stream's ingest and pulls to one origin.
 */
class DeploymentManifestsTest {
  private static final Path KUBERNETES = Path.of("..", "deploy", "kubernetes");

  /** Secrets keycard reads from a variable of their own (the alternative to their {@code --…-file} option). */
  private static final Set<String> SECRET_VARIABLES = Set.of("KEYCARD_HS256_SECRET", "KEYCARD_DATABASE_PASSWORD",
      "KEYCARD_ORIGIN_SECRET", "KEYCARD_NGINX_SECRET", "KEYCARD_REDIS_PASSWORD");

  /** The image's user (deploy/base-image.sh, the image profile's container.user). */
  private static final long IMAGE_UID = 65532;

  private static Map<String, Object> kustomization;
  private static List<Manifest> manifests;

  /** One parsed document, and the file it came from. */
  record Manifest(String file, Map<String, Object> object) {
    String kind() {
      return (String) object.get("kind");
    }

    String name() {
      return (String) map(object, "metadata").get("name");
    }

    @Override
    public String toString() {
      return file + " " + kind() + "/" + name();
    }
  }

  /** A container of a workload, with its pod's spec. */
  record Container(Manifest workload, Map<String, Object> pod, Map<String, Object> spec) {
    String name() {
      return (String) spec.get("name");
    }

    boolean keycard() {
      return "keycard".equals(spec.get("image"));
    }

    List<Map<String, Object>> env() {
      return maps(spec.get("env"));
    }

    @Override
    public String toString() {
      return workload + " container " + name();
    }
  }

  @BeforeAll
  static void parse() throws IOException {
    kustomization = load(KUBERNETES.resolve("kustomization.yaml")).getFirst();
    manifests = new ArrayList<>();
    for (Object resource : list(kustomization.get("resources"))) {
      for (Map<String, Object> object : load(KUBERNETES.resolve((String) resource))) {
        manifests.add(new Manifest((String) resource, object));
      }
    }
  }

  @Test
  void manifestsWhenParsedThenEveryFileIsAResourceAndEveryDocumentAnObject() throws IOException {
    Set<String> files = new TreeSet<>();
    try (Stream<Path> listing = Files.list(KUBERNETES)) {
      listing.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".yaml") || n.endsWith(".yml"))
          .filter(n -> !n.equals("kustomization.yaml")).forEach(files::add);
    }
    assertThat(new TreeSet<>(strings(kustomization.get("resources")))).as("kustomization.yaml's resources")
        .isEqualTo(files);
    assertThat(manifests).isNotEmpty().allSatisfy(m -> {
      assertThat(m.object()).containsKeys("apiVersion", "kind", "metadata");
      assertThat(m.name()).as(m.file()).isNotBlank();
    });
    assertThat(manifests).extracting(Manifest::kind)
        .contains("Deployment", "StatefulSet", "Service", "Ingress", "PodDisruptionBudget");
    assertThat(workload("Deployment", "keycard-api-edge").get("replicas")).as("API+edge replicas")
        .isInstanceOf(Integer.class).matches(r -> (Integer) r >= 2);
  }

  @Test
  void everyKeycardVariableWhenSetByAContainerThenIsAnOptionOfServeOrADocumentedSecret() {
    Set<String> known = new HashSet<>(ServeVariables.optionVariables());
    known.addAll(SECRET_VARIABLES);
    List<String> unknown = new ArrayList<>();
    int seen = 0;
    for (Container c : containers()) {
      for (Map<String, Object> variable : c.env()) {
        String name = (String) variable.get("name");
        if (name.startsWith("KEYCARD_")) {
          seen++;
          if (!known.contains(name)) {
            unknown.add(c + ": " + name);
          }
        }
      }
    }
    assertThat(seen).as("KEYCARD_* variables in the manifests").isGreaterThan(10);
    assertThat(unknown).as("variables keycard serve does not know").isEmpty();
  }

  @Test
  void secretVariablesWhenListedThenServeHelpDocumentsEach() {
    String help = ServeVariables.help();
    assertThat(SECRET_VARIABLES).allSatisfy(v -> assertThat(help).as("serve --help").contains(v));
    assertThat(ServeVariables.optionVariables()).as("their files are options")
        .contains("KEYCARD_HS256_SECRET_FILE", "KEYCARD_DATABASE_PASSWORD_FILE", "KEYCARD_ORIGIN_SECRET_FILE");
  }

  @Test
  void secretsWhenUsedThenComeFromGeneratedSecretsAndNeverFromAWrittenValue() {
    // Secret name -> its keys, all from files that make-secrets.sh writes (never literals).
    Map<String, Set<String>> generated = new HashMap<>();
    for (Map<String, Object> generator : maps(kustomization.get("secretGenerator"))) {
      assertThat(generator).as("secretGenerator " + generator.get("name") + " takes files only")
          .doesNotContainKeys("literals", "envs");
      Set<String> keys = new HashSet<>();
      for (String file : strings(generator.get("files"))) {
        assertThat(file).as("key=secrets/file").matches("[a-z0-9-]+=secrets/[a-z0-9-]+");
        keys.add(file.substring(0, file.indexOf('=')));
      }
      generated.put((String) generator.get("name"), keys);
    }
    assertThat(manifests).as("Secrets with values written in a manifest")
        .noneMatch(m -> "Secret".equals(m.kind()) && (m.object().containsKey("data") || m.object().containsKey("stringData")));

    for (Container c : containers()) {
      Map<String, String> secretVolumes = new HashMap<>(); // volume name -> Secret name
      for (Map<String, Object> volume : maps(c.pod().get("volumes"))) {
        if (volume.get("secret") instanceof Map<?, ?> secret) {
          String secretName = (String) secret.get("secretName");
          assertThat(generated).as(c + ": volume " + volume.get("name")).containsKey(secretName);
          secretVolumes.put((String) volume.get("name"), secretName);
        }
      }
      Map<String, String> secretMounts = new HashMap<>(); // mount path -> Secret name
      for (Map<String, Object> mount : maps(c.spec().get("volumeMounts"))) {
        String secretName = secretVolumes.get((String) mount.get("name"));
        if (secretName != null) {
          assertThat(mount.get("readOnly")).as(c + ": " + mount.get("mountPath") + " read-only").isEqualTo(true);
          secretMounts.put((String) mount.get("mountPath"), secretName);
        }
      }
      for (Map<String, Object> variable : c.env()) {
        String name = (String) variable.get("name");
        if (!name.startsWith("KEYCARD_")) {
          continue;
        }
        assertThat(String.valueOf(variable.get("value"))).as(c + ": " + name + " carries no password in a URL")
            .doesNotContainPattern("://[^/@:]+:[^/@]+@");
        if (variable.get("valueFrom") instanceof Map<?, ?> from && from.get("secretKeyRef") instanceof Map<?, ?> ref) {
          assertThat(generated.get((String) ref.get("name"))).as(c + ": " + name + " from Secret " + ref.get("name"))
              .isNotNull().contains((String) ref.get("key"));
        } else if (SECRET_VARIABLES.contains(name)) {
          throw new AssertionError(c + ": " + name + " must come from a secretKeyRef, never a value");
        } else if (name.endsWith("_SECRET_FILE") || name.endsWith("_PASSWORD_FILE")) {
          String path = String.valueOf(variable.get("value"));
          String dir = path.substring(0, path.lastIndexOf('/'));
          String key = path.substring(path.lastIndexOf('/') + 1);
          assertThat(secretMounts).as(c + ": " + name + " = " + path + " lies in a mounted Secret").containsKey(dir);
          assertThat(generated.get(secretMounts.get(dir))).as(c + ": " + name + "'s file is a key of the Secret").contains(key);
        }
      }
    }
  }

  @Test
  void keycardContainersWhenProbedThenLiveAndReadyOnAPortOfTheirOwn() {
    List<Container> keycard = containers().stream().filter(Container::keycard).toList();
    assertThat(keycard).as("keycard containers").hasSizeGreaterThanOrEqualTo(2);
    for (Container c : keycard) {
      Set<Object> ports = new HashSet<>();
      for (Map<String, Object> port : maps(c.spec().get("ports"))) {
        ports.add(port.get("name"));
        ports.add(port.get("containerPort"));
      }
      for (String[] probe : new String[][] {{"livenessProbe", "/health/live"}, {"readinessProbe", "/health/ready"},
          {"startupProbe", "/health/live"}}) {
        Map<String, Object> httpGet = map(map(c.spec(), probe[0]), "httpGet");
        assertThat(httpGet.get("path")).as(c + " " + probe[0]).isEqualTo(probe[1]);
        assertThat(ports).as(c + " " + probe[0] + " port").contains(httpGet.get("port"));
      }
    }
  }

  @Test
  void keycardContainersWhenRunThenAsTheImagesNonRootUserOnAReadOnlyRoot() {
    for (Container c : containers().stream().filter(Container::keycard).toList()) {
      Map<String, Object> pod = map(c.pod(), "securityContext");
      assertThat(pod.get("runAsNonRoot")).as(c + " runAsNonRoot").isEqualTo(true);
      assertThat(((Number) pod.get("runAsUser")).longValue()).as(c + " runAsUser").isEqualTo(IMAGE_UID);
      Map<String, Object> container = map(c.spec(), "securityContext");
      assertThat(container.get("readOnlyRootFilesystem")).as(c + " readOnlyRootFilesystem").isEqualTo(true);
      assertThat(container.get("allowPrivilegeEscalation")).as(c + " allowPrivilegeEscalation").isEqualTo(false);
      // What keycard writes: its data directory and /tmp (Netty's native library), both volumes.
      assertThat(maps(c.spec().get("volumeMounts"))).extracting(m -> m.get("mountPath"))
          .as(c + " writable mounts").contains("/var/lib/keycard", "/tmp");
    }
  }

  @Test
  void originRouterConfigWhenCheckedByNginxThenIsValid(@TempDir Path dir) throws Exception {
    String nginx = SystemTools.require("nginx");
    Path file = Files.writeString(dir.resolve("nginx.conf"), routerConfig(dir, "resolver 127.0.0.1"));
    Process p = new ProcessBuilder(nginx, "-t", "-q", "-p", dir.toString(), "-c", file.toString())
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as("nginx -t:\n" + out).isZero();
  }

  /**
   * The router's own configuration, run by a real nginx in front of two stand-in origins (its cluster
   * names replaced by their loopback addresses): a stream's ingest and every pull of it reach one
   * origin, and the streams spread over both.
   */
  @Test
  void originRouterWhenRoutingThenAStreamsIngestAndPullsReachOneOriginAndStreamsSpreadOverAll(@TempDir Path dir)
      throws Exception {
    String nginx = SystemTools.require("nginx");
    List<HttpServer> origins = new ArrayList<>();
    Process router = null;
    try {
      String config = routerConfig(dir, "resolver 127.0.0.1");
      for (int i = 0; i < 2; i++) {
        HttpServer origin = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), LoopbackPorts.free()), 0);
        String name = "keycard-origin-" + i;
        origin.createContext("/", exchange -> {
          exchange.getRequestBody().readAllBytes();
          byte[] body = (name + " " + exchange.getRequestMethod() + " " + exchange.getRequestURI()).getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
        origin.start();
        origins.add(origin);
        // An address where the cluster name was: nginx then needs no DNS.
        config = config.replace(" " + name + ";", " 127.0.0.1:" + origin.getAddress().getPort() + ";");
      }
      config = config.replace(".keycard-origin.keycard.svc.cluster.local:8080", "");
      int port = LoopbackPorts.free();
      assertThat(config).contains("listen 8079;", "proxy_pass http://$keycard_origin;");
      config = config.replace("listen 8079;", "listen 127.0.0.1:" + port + ";");
      Path file = Files.writeString(dir.resolve("nginx.conf"), config);
      router = new ProcessBuilder(nginx, "-p", dir.toString(), "-c", file.toString(), "-g", "daemon off;")
          .redirectErrorStream(true).redirectOutput(dir.resolve("nginx.log").toFile()).start();
      TestHttp http = TestHttp.at("http://127.0.0.1:" + port);
      awaitAnswer(http, router, dir.resolve("nginx.log"));

      Set<String> used = new TreeSet<>();
      for (int i = 0; i < 40; i++) {
        String stream = "cam" + i;
        TestHttp.Answer ingest = http.method("PUT", "/ingest/" + stream + "/kcsk_key/seg1.ts");
        TestHttp.Answer pull = http.get("/origin/" + stream + "/index.m3u8");
        assertThat(ingest.status()).as(ingest.body()).isEqualTo(200);
        assertThat(pull.status()).as(pull.body()).isEqualTo(200);
        String origin = ingest.body().substring(0, ingest.body().indexOf(' '));
        assertThat(ingest.body()).isEqualTo(origin + " PUT /ingest/" + stream + "/kcsk_key/seg1.ts");
        assertThat(pull.body()).as("stream " + stream + " pulled from the origin it is published to")
            .isEqualTo(origin + " GET /origin/" + stream + "/index.m3u8");
        used.add(origin);
      }
      assertThat(used).as("origins the 40 streams went to").containsExactly("keycard-origin-0", "keycard-origin-1");
      assertThat(http.get("/api/v1/me").status()).as("nothing but ingest and origin pull passes").isEqualTo(404);
    } finally {
      if (router != null) {
        router.destroy();
        if (!router.waitFor(10, TimeUnit.SECONDS)) {
          router.destroyForcibly();
        }
      }
      origins.forEach(o -> o.stop(0));
    }
  }

  /** The ConfigMap's nginx.conf with {@code resolver} for the cluster's DNS and files in {@code dir}. */
  private static String routerConfig(Path dir, String resolver) {
    Manifest configMap = manifests.stream()
        .filter(m -> "ConfigMap".equals(m.kind()) && "keycard-origin-router".equals(m.name())).findFirst().orElseThrow();
    String config = (String) map(configMap.object(), "data").get("nginx.conf");
    String local = config.replaceAll("resolver \\S+", resolver).replace("/tmp/", dir + "/");
    assertThat(local).as("the resolver line was replaced").contains(resolver + " valid=10s");
    return local;
  }

  private static void awaitAnswer(TestHttp http, Process router, Path log) throws Exception {
    for (int attempt = 0; attempt < 100; attempt++) {
      if (!router.isAlive()) {
        throw new AssertionError("nginx exited:\n" + Files.readString(log));
      }
      try {
        if (http.get("/healthz").status() == 200) {
          return;
        }
      } catch (RuntimeException e) {
        // not listening yet
      }
      Thread.sleep(100);
    }
    throw new AssertionError("nginx did not answer:\n" + Files.readString(log));
  }

  private static Map<String, Object> workload(String kind, String name) {
    return manifests.stream().filter(m -> kind.equals(m.kind()) && name.equals(m.name())).findFirst()
        .map(m -> map(m.object(), "spec")).orElseThrow(() -> new AssertionError("no " + kind + "/" + name));
  }

  /** Every container and init container of every workload. */
  private static List<Container> containers() {
    List<Container> all = new ArrayList<>();
    for (Manifest m : manifests) {
      if (Set.of("Deployment", "StatefulSet", "DaemonSet", "Job").contains(m.kind())) {
        Map<String, Object> pod = map(map(map(m.object(), "spec"), "template"), "spec");
        for (String key : List.of("initContainers", "containers")) {
          for (Map<String, Object> spec : maps(pod.get(key))) {
            all.add(new Container(m, pod, spec));
          }
        }
      }
    }
    return all;
  }

  private static List<Map<String, Object>> load(Path file) throws IOException {
    // SafeConstructor: plain maps, lists and scalars; no type tags.
    Yaml yaml = new Yaml(new SafeConstructor(new LoaderOptions()));
    List<Map<String, Object>> documents = new ArrayList<>();
    for (Object document : yaml.loadAll(Files.readString(file))) {
      if (document != null) {
        assertThat(document).as(file + ": a document is a mapping").isInstanceOf(Map.class);
        documents.add(cast(document));
      }
    }
    return documents;
  }

  private static Map<String, Object> map(Map<String, Object> parent, String key) {
    Object child = parent.get(key);
    assertThat(child).as(key).isInstanceOf(Map.class);
    return cast(child);
  }

  private static List<Map<String, Object>> maps(Object list) {
    List<Map<String, Object>> maps = new ArrayList<>();
    for (Object o : list(list)) {
      maps.add(cast(o));
    }
    return maps;
  }

  private static List<String> strings(Object list) {
    return list(list).stream().map(String::valueOf).toList();
  }

  private static List<?> list(Object list) {
    return list == null ? List.of() : (List<?>) list;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> cast(Object o) {
    return (Map<String, Object>) o;
  }
}
