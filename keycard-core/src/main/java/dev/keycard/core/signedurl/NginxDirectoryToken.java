package dev.keycard.core.signedurl;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Base64;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A token in the path that a plain nginx checks with {@code secure_link_md5}, covering one live
 * stream's directory, so a player can play an unmodified HLS playlist through nginx: its relative
 * URIs ({@code seg-7.ts}) resolve against the playlist's directory and so carry the token.
 *
 * <pre>
 * /s/{md5}/{expires}/live/{stream}/{file}
 *
 * md5 = base64url(MD5(expires "/live/{stream}/" [client-ip] " " secret)), no padding (22 characters)
 * </pre>
 *
 * The hash covers the directory with its trailing slash, so a token for {@code /live/a/} opens
 * neither {@code /live/b/...} nor {@code /live/a2/...}, and only files directly in it (no
 * subdirectories: keycard's streams are flat). {@link #nginxLocations} renders the nginx
 * configuration that checks it and then fetches the file from keycard's origin
 * ({@code /origin/{stream}/{file}}) with the token stripped. That configuration first requires the
 * <em>raw</em> request to have exactly this shape, so nothing that nginx's decoding and
 * normalisation would turn into it ({@code ..}, {@code %2e%2e}, {@code //}, {@code %2f}) is served,
 * and {@link #verifier} applies the same pattern.
 *
 * <p>MD5 is what nginx offers, not a choice; the token carries no session id, so revocation is by
 * expiry only. nginx serves through the {@code expires} second itself; the verifier does the same.
 *
 * @see <a href="https://nginx.org/en/docs/http/ngx_http_secure_link_module.html">ngx_http_secure_link_module</a>
 */
public final class NginxDirectoryToken {
  static final String MARKER = "/s/";
  static final String LIVE = "/live/";
  /** A directory name under {@code /live/}: a superset of keycard's stream ids, safe in a path. */
  static final String DIRECTORY_NAME = "[A-Za-z0-9_-]{1,64}";
  /** A file name in a stream directory: one dot, nothing that could climb or hide. */
  static final String FILE_NAME = "[A-Za-z0-9_-]{1,128}\\.[A-Za-z0-9]{1,8}";
  private static final String HASH = "[A-Za-z0-9_-]{" + NginxMd5.HASH_LENGTH + "}";
  private static final String EXPIRES = "[1-9][0-9]{0," + (UrlAlphabet.MAX_EPOCH_DIGITS - 1) + "}";
  /** The whole raw path of a request, as the nginx configuration and the verifier both require it. */
  private static final Pattern RAW_PATH = Pattern.compile(
      "/s/(" + HASH + ")/(" + EXPIRES + ")(" + LIVE + DIRECTORY_NAME + "/)(" + FILE_NAME + ")");
  private static final Pattern SIGNABLE = Pattern.compile("(" + LIVE + DIRECTORY_NAME + "/)(" + FILE_NAME + ")?");
  private static final Pattern ORIGIN_URL = Pattern.compile("https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?|https?://\\[[0-9A-Fa-f:.]+\\](:[0-9]{1,5})?");

  private final NginxMd5 md5;

  private NginxDirectoryToken(NginxMd5 md5) {
    this.md5 = md5;
  }

  /**
   * @param secret       at least 32 characters that can sit verbatim in nginx's quoted expression
   *                     ({@link NginxQuotedString})
   * @param bindClientIp whether the hash covers {@code $remote_addr} (a viewer whose address changes
   *                     during playback, e.g. on a mobile network, is then cut off)
   */
  public static NginxDirectoryToken of(String secret, boolean bindClientIp) {
    return new NginxDirectoryToken(NginxMd5.of(secret, bindClientIp));
  }

  public boolean bindsClientIp() {
    return md5.bindsClientIp();
  }

  /**
   * Signs the directory of {@code grant.path()}, which is {@code /live/{stream}/} or a file in it,
   * and returns that path behind the token: {@code /live/demo/index.m3u8} becomes
   * {@code /s/{md5}/{expires}/live/demo/index.m3u8}.
   *
   * @throws IllegalArgumentException for another path shape, a session id (nginx cannot carry one),
   *                                  or a client address when not binding one (and the reverse)
   */
  public UrlSigner signer() {
    return this::sign;
  }

  public SignedUrlVerifier verifier(InstantSource clock) {
    Objects.requireNonNull(clock, "clock");
    ThreadLocal<MessageDigest> digests = ThreadLocal.withInitial(NginxMd5::newMd5);
    return (rawPath, rawQuery, clientIp) -> verify(digests.get(), clock, rawPath, clientIp);
  }

  /**
   * The nginx {@code location} blocks that check these tokens and fetch from keycard's origin, to
   * put inside a {@code server} block. They hold the nginx secret and the origin secret: write them
   * to a file only root can read (nginx's master process reads its configuration as root).
   *
   * <ul>
   *   <li>the raw request path must match the token's exact shape, else 400 (nothing nginx would
   *       decode or normalise into it); anything else under {@code /s/} is 400 too;
   *   <li>wrong or missing hash: 403; genuine but expired: 410; methods other than GET/HEAD: 403;
   *   <li>then {@code /origin/{stream}/{file}} is fetched from {@code originUrl} with the
   *       {@code Keycard-Origin-Secret} header, without the query, cookies or credentials.
   * </ul>
   *
   * @param originUrl    keycard's API listener as nginx reaches it, {@code http(s)://host[:port]}
   * @param originSecret the secret keycard's origin expects ({@code KEYCARD_ORIGIN_SECRET})
   */
  public String nginxLocations(String originUrl, String originSecret) {
    Objects.requireNonNull(originUrl, "originUrl");
    if (!ORIGIN_URL.matcher(originUrl).matches()) {
      throw new IllegalArgumentException("the origin URL must be http(s)://host[:port] without a path, e.g. http://127.0.0.1:8080");
    }
    if (originSecret == null || !NginxQuotedString.isSafe(originSecret)) {
      throw new IllegalArgumentException("the origin secret may only hold " + NginxQuotedString.RULE);
    }
    String expression = md5.expression("$kc_dir");
    return "# keycard directory tokens: /s/{md5}/{expires}/live/{stream}/{file} (docs/signed-urls.md)\n"
        + "location ~ \"^/s/(?<kc_md5>" + HASH + ")/(?<kc_expires>" + EXPIRES + ")(?<kc_dir>" + LIVE
        + "(?<kc_stream>" + DIRECTORY_NAME + ")/)(?<kc_file>" + FILE_NAME + ")$\" {\n"
        + "    # The raw request must already have this shape: nothing nginx would decode or normalise into it.\n"
        + "    if ($request_uri !~ \"^" + RAW_PATH.pattern().replace("(", "(?:") + "(\\?|$)\") { return 400; }\n"
        + "    secure_link $kc_md5,$kc_expires;\n"
        + "    secure_link_md5 \"" + expression + "\";\n"
        + "    if ($secure_link = \"\") { return 403; }   # missing or wrong hash, another directory\n"
        + "    if ($secure_link = \"0\") { return 410; }  # genuine but expired: ask keycard for a fresh URL\n"
        + "    limit_except GET { deny all; }            # GET and HEAD\n"
        + "    add_header Access-Control-Allow-Origin \"*\" always;\n"
        + "    rewrite ^ /origin/$kc_stream/$kc_file? break;\n"
        + "    proxy_pass " + originUrl + ";\n"
        + (originUrl.startsWith("https:") ? "    proxy_ssl_server_name on;\n" : "")
        + "    proxy_http_version 1.1;\n"
        + "    proxy_set_header Keycard-Origin-Secret \"" + originSecret + "\";\n"
        + "    proxy_set_header Cookie \"\";\n"
        + "    proxy_set_header Authorization \"\";\n"
        + "}\n"
        + "location /s/ {\n"
        + "    return 400;\n"
        + "}\n";
  }

  @Override
  public String toString() {
    return "NginxDirectoryToken[bindClientIp=" + md5.bindsClientIp() + ", secret=(hidden)]";
  }

  private String sign(UrlGrant grant) {
    String path = SafePath.require(grant.path());
    Matcher m = SIGNABLE.matcher(path);
    if (!m.matches()) {
      throw new IllegalArgumentException("nginx directory tokens sign /live/{stream}/ or a file directly in it");
    }
    if (grant.sessionId() != null) {
      throw new IllegalArgumentException("nginx directory tokens carry no session id");
    }
    long exp = grant.checkedExpiry();
    String expires = Long.toString(exp);
    String hash = md5.sign(expires, m.group(1), md5.grantAddress(grant));
    return MARKER + hash + "/" + expires + path;
  }

  private UrlCheck verify(MessageDigest digest, InstantSource clock, String rawPath, String clientIp) {
    UrlRejection pathProblem = SafePath.check(rawPath);
    if (pathProblem != null) {
      return pathProblem.asCheck();
    }
    if (!rawPath.startsWith(MARKER)) {
      return UrlRejection.MISSING_SIGNATURE.asCheck();
    }
    Matcher m = RAW_PATH.matcher(rawPath);
    if (!m.matches()) {
      return UrlRejection.MALFORMED.asCheck();
    }
    String ip = md5.requestAddress(clientIp);
    if (ip == null) {
      return UrlRejection.WRONG_CLIENT.asCheck();
    }
    String directory = m.group(3);
    if (!md5.matches(digest, m.group(1), m.group(2), directory, ip)) {
      return UrlRejection.BAD_SIGNATURE.asCheck();
    }
    long exp = UrlAlphabet.parseEpochSeconds(m.group(2));
    if (exp < Math.floorDiv(clock.millis(), 1000)) {
      return UrlRejection.EXPIRED.asCheck();
    }
    return new UrlCheck.Valid(rawPath.substring(m.start(3)), directory, Instant.ofEpochSecond(exp), null, null);
  }

}
