package dev.keycard.server.http;

import dev.keycard.server.config.TlsFiles;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.ServerSSLOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TLS for keycard's listeners (the API and the edge): one certificate and key from PEM files, HTTP/2
 * offered through ALPN beside HTTP/1.1, and the files read again on {@link #reloadIfChanged} so that
 * a renewed certificate reaches new connections without a restart (open ones keep theirs).
 *
 * <p>The files are held as bytes, not paths, so a reload compares what was served with what is on disk
 * and a half-written pair is refused by Vert.x at {@code updateSSLOptions}, leaving the old pair in
 * service.
 */
public final class ListenerTls {
  /** RFC 6797: a year, the common value; no {@code includeSubDomains}, which would bind hosts keycard does not know. */
  static final String HSTS = "max-age=31536000";
  private static final CharSequence HSTS_HEADER = HttpHeaders.createOptimized("Strict-Transport-Security");
  private static final CharSequence HSTS_VALUE = HttpHeaders.createOptimized(HSTS);

  private static final Logger log = LoggerFactory.getLogger(ListenerTls.class);

  private final TlsFiles files;
  private final List<HttpServer> servers = new CopyOnWriteArrayList<>();
  private volatile Pair served;
  /** The last pair refused, so that files left broken are warned about once, not at every check. */
  private volatile Pair refused;

  private ListenerTls(TlsFiles files, Pair first) {
    this.files = files;
    this.served = first;
  }

  /**
   * @throws IllegalArgumentException naming the options when the files cannot be read or do not load as
   *                                  a certificate chain and its key (the message never quotes them)
   */
  public static ListenerTls of(Vertx vertx, TlsFiles files) {
    Pair first = read(files);
    try {
      first.options().getKeyManagerFactory(vertx);
    } catch (Exception e) {
      throw new IllegalArgumentException("--tls-cert " + files.certificate() + " and --tls-key " + files.key()
          + " do not load as a certificate chain and its private key (" + e.getClass().getSimpleName() + ")");
    }
    return new ListenerTls(files, first);
  }

  /**
   * {@code Strict-Transport-Security} on an answer that goes over TLS (RFC 6797 §7.2: never over plain
   * HTTP, where it would be meaningless and could be injected). Every listener's handler calls it first.
   */
  public static void strictTransport(HttpServerRequest request) {
    if (request.isSSL()) {
      request.response().putHeader(HSTS_HEADER, HSTS_VALUE);
    }
  }

  /** TLS with the current pair, HTTP/2 and HTTP/1.1 by ALPN. */
  HttpServerOptions configure(HttpServerOptions options) {
    return options.setSsl(true).setUseAlpn(true).setKeyCertOptions(served.options());
  }

  /** Remembers {@code server}, whose certificate {@link #reloadIfChanged} replaces. */
  void track(HttpServer server) {
    servers.add(server);
  }

  /**
   * Reads the files (blocking: call it on a worker) and, when they differ from the pair in service,
   * hands the new pair to every listener. A pair Vert.x refuses (a key that does not match, a file
   * caught half-written) is logged and the old one stays; the next call tries again.
   */
  public Future<Boolean> reloadIfChanged() {
    Pair onDisk;
    try {
      onDisk = read(files);
    } catch (IllegalArgumentException e) {
      log.warn("TLS certificate not reloaded: {}; the previous one stays in service", e.getMessage());
      return Future.succeededFuture(false);
    }
    if (onDisk.equals(served) || onDisk.equals(refused)) {
      return Future.succeededFuture(false);
    }
    ServerSSLOptions ssl = new ServerSSLOptions().setUseAlpn(true).setKeyCertOptions(onDisk.options());
    List<Future<Boolean>> updates = servers.stream().map(s -> s.updateSSLOptions(ssl)).toList();
    return Future.all(updates).map(all -> {
      served = onDisk;
      log.info("TLS certificate reloaded from {}", files.certificate());
      return true;
    }).recover(e -> {
      refused = onDisk;
      log.warn("TLS certificate not reloaded ({}); the previous one stays in service", e.getClass().getSimpleName());
      return Future.succeededFuture(false);
    });
  }

  private static Pair read(TlsFiles files) {
    return new Pair(bytes(files.certificate(), "--tls-cert"), bytes(files.key(), "--tls-key"));
  }

  private static byte[] bytes(java.nio.file.Path file, String option) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException | UncheckedIOException e) {
      throw new IllegalArgumentException("cannot read " + option + " " + file);
    }
  }

  /** A certificate chain and its key, as read. */
  private record Pair(byte[] certificate, byte[] key) {
    PemKeyCertOptions options() {
      return new PemKeyCertOptions().setCertValue(Buffer.buffer(certificate)).setKeyValue(Buffer.buffer(key));
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Pair p && Arrays.equals(certificate, p.certificate) && Arrays.equals(key, p.key);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(certificate) * 31 + Arrays.hashCode(key);
    }

    @Override
    public String toString() {
      return "Pair[" + certificate.length + " + " + key.length + " bytes]"; // never the key
    }
  }
}
