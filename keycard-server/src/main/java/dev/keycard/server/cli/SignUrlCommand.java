package dev.keycard.server.cli;

import dev.keycard.core.signedurl.CloudFrontCookies;
import dev.keycard.core.signedurl.CloudFrontPolicy;
import dev.keycard.core.signedurl.NginxDirectoryToken;
import dev.keycard.core.signedurl.UrlGrant;
import dev.keycard.core.signedurl.UrlSigningKeys;
import dev.keycard.core.stream.StreamId;
import dev.keycard.server.config.CdnConfig;
import dev.keycard.server.config.Durations;
import dev.keycard.server.config.StreamingConfig;
import dev.keycard.core.store.Stores;
import dev.keycard.server.stream.EdgeEntrySigner;
import dev.keycard.server.stream.EntrySigners;
import dev.keycard.server.stream.PlaybackCookie;
import dev.keycard.server.stream.PlaybackKeys;
import dev.keycard.server.stream.PlaybackUrls;
import dev.keycard.server.stream.StartResult;
import dev.keycard.server.stream.UrlScheme;
import java.io.PrintWriter;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code keycard sign-url}: what stream-start hands out, for operators (a test player, a support
 * case, a monitoring probe): a signed URL, or CloudFront's cookies, for a stream or a path, in any
 * scheme, with the secrets and keys the server reads from the same places.
 */
@Command(name = "sign-url", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Print a signed playback URL as stream-start would hand it out (for cloudfront: the URL, then the "
        + "signed cookies, one Name=Value a line). Secrets and keys come from the same environment variables, files "
        + "and data directory as the server's. The URL is a credential: do not paste it where others read."},
    footer = {"", "Examples:",
        "  keycard sign-url --stream demo                                  # keycard's edge, key from --data-dir",
        "  KEYCARD_NGINX_SECRET=... keycard sign-url --url-scheme nginx --media-base-url https://media.example.com --stream cam1",
        "  keycard sign-url --url-scheme cloudfront --media-base-url https://media.example.com --cloudfront-key-pair-id K2JCJMDEHXQW5F \\",
        "      --cloudfront-private-key-file cf.pem --stream cam1 --ttl 1h"})
final class SignUrlCommand implements Callable<Integer> {
  private static final Duration MIN_TTL = Duration.ofMinutes(1);

  @ParentCommand
  KeycardCommand parent;

  @Spec
  CommandSpec spec;

  @Mixin
  CommonOptions common;

  @Option(names = "--url-scheme", paramLabel = "keycard|prefix|nginx|cloudfront", defaultValue = "keycard",
      description = "The scheme, as serve's --url-scheme (and KEYCARD_URL_SCHEME). Default: ${DEFAULT-VALUE}")
  String urlScheme;

  @Option(names = "--stream", paramLabel = "ID", description = "Sign the stream's entry playlist (/live/ID/index.m3u8) as stream-start does.")
  String stream;

  @Option(names = "--path", paramLabel = "PATH",
      description = "Sign this path instead (nginx: /live/ID/ or a file in it; cloudfront: a file gets a signed URL, "
          + "a directory ending in / gets cookies).")
  String path;

  @Option(names = "--ttl", paramLabel = "DURATION",
      description = "How long it works: 1m to 10m for keycard and prefix (as --playlist-url-ttl), 1m to 7d for nginx "
          + "and cloudfront. Default: 5m for keycard and prefix, 8h (--playback-session-ttl) for nginx and cloudfront.")
  String ttl;

  @Option(names = "--session", paramLabel = "ID",
      description = "keycard and prefix: the playback session id ([A-Za-z0-9._-]{1,128}) that revocation cuts. Default: a random one.")
  String session;

  @Option(names = "--edge-base-url", paramLabel = "URL", defaultValue = "http://localhost:8081",
      description = "keycard and prefix: how players reach keycard's edge. Default: ${DEFAULT-VALUE}")
  String edgeBaseUrl;

  @Mixin
  CdnOptions cdnOptions;

  @Override
  public Integer call() {
    UrlScheme scheme = UrlScheme.parse(urlScheme);
    if ((stream == null) == (path == null)) {
      throw new IllegalArgumentException("give either --stream ID or --path PATH");
    }
    if (stream != null && !StreamId.isValid(stream)) {
      throw new IllegalArgumentException("--stream must match [a-z0-9][a-z0-9_-]{0,63}");
    }
    Duration life = life(scheme);
    CdnConfig cdn = cdnOptions.toConfig(parent.environment);
    cdn.requireSigningParts(scheme);
    InstantSource clock = InstantSource.system();
    String sessionId = session != null ? session : randomSessionId();
    PrintWriter out = spec.commandLine().getOut();
    if (scheme.servedByEdge()) {
      String base = edgeBaseUrl();
      UrlSigningKeys keys;
      try (Stores stores = common.openStores(spec)) {
        keys = PlaybackKeys.loadOrCreate(stores.urlKeys(), new SecureRandom(), clock);
      }
      PlaybackUrls urls = new PlaybackUrls(keys, scheme, clock);
      if (stream != null) {
        // A ticket, as stream-start hands out: the edge that opens it decides the session's length.
        print(out, EntrySigners.forScheme(scheme, cdn, life, StreamingConfig.DEFAULT_PLAYBACK_SESSION_TTL, urls, base,
            clock).sign(new StreamId(stream), sessionId));
      } else {
        Instant expiresAt = expiry(clock, life);
        print(out, new StartResult.Started(base + urls.sign(path, expiresAt, sessionId), expiresAt));
      }
      return 0;
    }
    if (stream != null) {
      print(out, EntrySigners.forScheme(scheme, cdn, life, life, null, null, clock).sign(new StreamId(stream), sessionId));
      return 0;
    }
    Instant expiresAt = expiry(clock, life);
    if (scheme == UrlScheme.NGINX) {
      String signed = NginxDirectoryToken.of(cdn.nginxSecret(), false).signer().sign(UrlGrant.of(path, expiresAt));
      print(out, new StartResult.Started(cdn.mediaBaseUrl() + signed, expiresAt));
    } else if (path.endsWith("/")) {
      CloudFrontCookies cookies = cdn.cloudFrontSigner().cookies(new CloudFrontPolicy(cdn.mediaBaseUrl() + path + "*", expiresAt, null, null));
      out.println(cdn.mediaBaseUrl() + path);
      for (Map.Entry<String, String> c : cookies.asMap().entrySet()) {
        out.println(c.getKey() + "=" + c.getValue());
      }
    } else {
      print(out, new StartResult.Started(cdn.cloudFrontSigner().cannedUrl(cdn.mediaBaseUrl() + path, expiresAt), expiresAt));
    }
    return 0;
  }

  private String edgeBaseUrl() {
    // The same check as serve's --edge-base-url.
    return StreamingConfig.checkBaseUrl(edgeBaseUrl, "--edge-base-url");
  }

  private Duration life(UrlScheme scheme) {
    Duration max = scheme.servedByEdge() ? EdgeEntrySigner.MAX_TTL : StreamingConfig.MAX_PLAYBACK_SESSION_TTL;
    if (ttl == null) {
      return scheme.servedByEdge() ? StreamingConfig.DEFAULT_PLAYLIST_URL_TTL : StreamingConfig.DEFAULT_PLAYBACK_SESSION_TTL;
    }
    Duration d;
    try {
      d = Durations.parse(ttl);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--ttl: " + e.getMessage());
    }
    if (d.compareTo(MIN_TTL) < 0 || d.compareTo(max) > 0) {
      throw new IllegalArgumentException("--ttl must be between 1m and " + Durations.format(max) + " for --url-scheme "
          + scheme.optionValue());
    }
    return d;
  }

  private static Instant expiry(InstantSource clock, Duration life) {
    return Instant.ofEpochSecond(clock.instant().plus(life).getEpochSecond());
  }

  private static void print(PrintWriter out, StartResult.Started started) {
    out.println(started.playlistUrl());
    for (PlaybackCookie c : started.cookies()) {
      out.println(c.name() + "=" + c.value());
    }
  }

  private static String randomSessionId() {
    byte[] bytes = new byte[12];
    new SecureRandom().nextBytes(bytes);
    return "op-" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
