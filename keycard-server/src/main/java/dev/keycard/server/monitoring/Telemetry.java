package dev.keycard.server.monitoring;

import dev.keycard.core.audit.AuditLog;
import dev.keycard.server.Readiness;
import dev.keycard.server.config.Observability;
import dev.keycard.server.config.ServerConfig;
import dev.keycard.server.http.ManagementRoutes;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One server's monitoring, set up from its {@link Observability} settings: the Prometheus registry
 * with the JVM's meters and Vert.x's (HTTP server and client, worker pools), the audit trail, and the
 * management listener that serves them. Each server has its own, so servers side by side in one JVM
 * (tests) never mix their figures.
 */
public final class Telemetry implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Telemetry.class);

  /** Vert.x's HTTP response times (server, and the edge's client to a remote origin) as histograms. */
  private static final MeterFilter VERTX_LATENCY_HISTOGRAMS = new MeterFilter() {
    @Override
    public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
      if (id.getType() == Meter.Type.TIMER && id.getName().startsWith("vertx.http.")) {
        return DistributionStatisticConfig.builder().percentilesHistogram(true)
            .minimumExpectedValue((double) TimeUnit.MILLISECONDS.toNanos(1))
            .maximumExpectedValue((double) TimeUnit.SECONDS.toNanos(10)).build().merge(config);
      }
      return config;
    }
  };

  private final Observability settings;
  private final PrometheusMeterRegistry meters;
  private final JvmGcMetrics gc;
  private final JsonLinesAuditLog auditLog;
  private final Path auditFile;
  private final Monitoring monitoring;

  private Telemetry(Observability settings, PrometheusMeterRegistry meters, JvmGcMetrics gc, JsonLinesAuditLog auditLog,
      Path auditFile) {
    this.settings = settings;
    this.meters = meters;
    this.gc = gc;
    this.auditLog = auditLog;
    this.auditFile = auditFile;
    this.monitoring = new Monitoring(meters, auditLog == null ? AuditLog.NONE : auditLog);
  }

  /**
   * The registry (with the JVM's meters) and the audit trail the configuration asks for.
   *
   * @throws IllegalArgumentException when the audit log cannot be opened
   */
  public static Telemetry open(ServerConfig config) {
    Observability settings = config.abuse().observability();
    PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    meters.config().meterFilter(VERTX_LATENCY_HISTOGRAMS);
    // Vert.x registers this gauge once per HTTP verticle; two verticles share each port, so the second
    // registration was refused with a WARN and the gauge counted one verticle's connections only.
    // keycard.connections.open{listener} counts every connection of a listener instead.
    meters.config().meterFilter(MeterFilter.deny(id -> id.getName().equals("vertx.http.server.active.connections")));
    new JvmMemoryMetrics().bindTo(meters);
    JvmGcMetrics gc = new JvmGcMetrics();
    gc.bindTo(meters);
    new JvmThreadMetrics().bindTo(meters);
    new ClassLoaderMetrics().bindTo(meters);
    new ProcessorMetrics().bindTo(meters);
    new UptimeMetrics().bindTo(meters);
    Path file = settings.auditLog().path(config.dataDir());
    JsonLinesAuditLog audit = switch (settings.auditLog()) {
      case Observability.AuditTarget.Off off -> null;
      case Observability.AuditTarget.StandardOutput out -> JsonLinesAuditLog.writingTo(System.out, meters);
      default -> JsonLinesAuditLog.appendingTo(file, meters);
    };
    return new Telemetry(settings, meters, gc, audit, file);
  }

  public Monitoring monitoring() {
    return monitoring;
  }

  /** The audit trail's file, or {@code null} (standard output, or none). */
  public Path auditFile() {
    return auditFile;
  }

  /**
   * A Vert.x reporting into this registry: HTTP server and client requests, connections, worker
   * pools. No per-path labels: a path at the edge may hold a signature, and every path its own
   * series would grow without bound.
   */
  public Vertx vertx(VertxOptions options) {
    // The local address tells the listeners apart (API, edge, management); never the path (see above).
    MicrometerMetricsOptions metrics = new MicrometerMetricsOptions().setEnabled(true).setJvmMetricsEnabled(false)
        .addLabels(Label.LOCAL)
        .setDisabledMetricsCategories(Set.of(MetricsDomain.EVENT_BUS.toCategory(),
            MetricsDomain.DATAGRAM_SOCKET.toCategory(), MetricsDomain.VERTICLES.toCategory()));
    return Vertx.builder().with(options.setMetricsOptions(metrics)).withMetrics(new MicrometerMetricsFactory(meters))
        .build();
  }

  /**
   * Starts the management listener when one is configured; blocks until it listens.
   *
   * @return its port, or 0 when there is none
   */
  public int listen(Vertx vertx, Readiness readiness) {
    String where = auditLog == null ? "off" : auditLog.where();
    if (!settings.managementEnabled()) {
      log.info("no management listener (--management-port off); audit log {}", where);
      return 0;
    }
    HttpServer server;
    try {
      server = vertx.createHttpServer(new HttpServerOptions().setHost(settings.managementHost())
              .setPort(settings.managementPort()).setCompressionSupported(true))
          .requestHandler(ManagementRoutes.routes(vertx, meters, readiness))
          .listen().await();
    } catch (Exception e) { // await() rethrows a BindException as is, though it is checked
      throw new IllegalStateException("cannot listen on " + settings.managementHost() + ":"
          + settings.managementPort() + " (--management-port): " + e.getMessage(), e);
    }
    log.info("keycard management listening on http://{}:{} (GET /metrics, /health/live, /health/ready); audit log {}",
        settings.managementHost(), server.actualPort(), where);
    return server.actualPort();
  }

  /** Writes out the audit events still queued and closes the file. */
  @Override
  public void close() {
    try {
      if (auditLog != null) {
        auditLog.close();
      }
    } finally {
      gc.close();
      meters.close();
    }
  }
}
