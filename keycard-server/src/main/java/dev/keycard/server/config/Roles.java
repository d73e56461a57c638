package dev.keycard.server.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * Which tiers one keycard process runs ({@code serve --roles}), validated when built: any non-empty
 * subset of the API, the edge and the origin (default: all three, one process as before).
 *
 * <ul>
 *   <li><b>api</b>: login, tokens, revocation, discovery, {@code /api/v1/...} (stream-start, stream
 *       registration, stream keys) on {@code --port};
 *   <li><b>origin</b>: ingest ({@code /ingest/...}), the ingest status ({@code GET /api/v1/streams/{id}}:
 *       only the origin sees the uploads) and origin pull ({@code /origin/...}) on {@code --port};
 *   <li><b>edge</b>: the edge listener on {@code --edge-port}; without the origin role in the same
 *       process it pulls from {@code originUrl} over HTTP, presenting the origin secret.
 * </ul>
 *
 * @param roles         the tiers this process runs
 * @param originUrl     {@code http(s)://host[:port]} of the origin an edge-only process pulls from (its
 *                      {@code --port} listener), or {@code null}; required exactly when the edge runs
 *                      without the origin
 * @param originTimeout bounds each edge-to-origin fetch: connecting, and silence while waiting for or
 *                      reading the answer (four times it for the whole fetch)
 */
public record Roles(Set<Role> roles, String originUrl, Duration originTimeout) {

  /** One tier. */
  public enum Role {
    API, EDGE, ORIGIN;

    /** As written in {@code --roles}. */
    public String optionValue() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public static final Duration DEFAULT_ORIGIN_TIMEOUT = Duration.ofSeconds(5);
  private static final Duration MIN_ORIGIN_TIMEOUT = Duration.ofMillis(100);
  private static final Duration MAX_ORIGIN_TIMEOUT = Duration.ofSeconds(60);

  /** Everything in one process: the default. */
  public static final Roles ALL = new Roles(EnumSet.allOf(Role.class), null, DEFAULT_ORIGIN_TIMEOUT);

  /** @throws IllegalArgumentException naming the option that is wrong */
  public Roles {
    require(roles != null && !roles.isEmpty(), "--roles must name at least one of api, edge, origin");
    roles = Set.copyOf(roles);
    Objects.requireNonNull(originTimeout, "--origin-timeout");
    require(originTimeout.compareTo(MIN_ORIGIN_TIMEOUT) >= 0 && originTimeout.compareTo(MAX_ORIGIN_TIMEOUT) <= 0,
        "--origin-timeout must be between 100ms and 60s");
    boolean remote = roles.contains(Role.EDGE) && !roles.contains(Role.ORIGIN);
    if (remote) {
      require(originUrl != null, "--roles " + describe(roles) + " runs the edge without the origin: it needs "
          + "--origin-url, the origin instance's address (its --port), e.g. http://origin.internal:8080");
      originUrl = StreamingConfig.checkBaseUrl(originUrl, "--origin-url");
    } else {
      require(originUrl == null, "--origin-url is for an instance running the edge without the origin; --roles "
          + describe(roles) + (roles.contains(Role.ORIGIN) ? " serves its own origin" : " runs no edge"));
    }
  }

  /** {@code --roles} as written: a comma-separated list of {@code api}, {@code edge}, {@code origin}. */
  public static Roles parse(String list, String originUrl, Duration originTimeout) {
    EnumSet<Role> roles = EnumSet.noneOf(Role.class);
    for (String part : (list == null ? "" : list).split(",", -1)) {
      String name = part.trim().toLowerCase(Locale.ROOT);
      Role role = switch (name) {
        case "api" -> Role.API;
        case "edge" -> Role.EDGE;
        case "origin" -> Role.ORIGIN;
        default -> throw new IllegalArgumentException("--roles takes a comma-separated list of api, edge, origin, not '"
            + (list == null ? "" : list) + "'");
      };
      require(roles.add(role), "--roles names " + name + " twice");
    }
    return new Roles(roles, originUrl == null || originUrl.isBlank() ? null : originUrl.trim(), originTimeout);
  }

  public boolean api() {
    return roles.contains(Role.API);
  }

  public boolean edge() {
    return roles.contains(Role.EDGE);
  }

  public boolean origin() {
    return roles.contains(Role.ORIGIN);
  }

  /** Whether the edge runs here and pulls from an origin in another process. */
  public boolean remoteOrigin() {
    return edge() && !origin();
  }

  /** Whether this process listens on {@code --port} (the API, the origin or both). */
  public boolean apiListener() {
    return api() || origin();
  }

  /**
   * An edge pulling over HTTP presents the origin secret; refuse to start one without it rather than
   * answer every playlist with 502.
   *
   * @throws IllegalArgumentException naming where the secret comes from
   */
  public void requireOriginSecret(CdnConfig cdn) {
    require(!remoteOrigin() || cdn.originPullEnabled(), "--roles " + describe(roles)
        + " pulls from --origin-url with the origin secret the origin checks: set KEYCARD_ORIGIN_SECRET or "
        + "--origin-secret-file, the same as the origin's");
  }

  @Override
  public String toString() {
    return describe(roles);
  }

  private static String describe(Set<Role> roles) {
    List<String> names = new ArrayList<>();
    for (Role r : Role.values()) {
      if (roles.contains(r)) {
        names.add(r.optionValue());
      }
    }
    return String.join(",", names);
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }
}
