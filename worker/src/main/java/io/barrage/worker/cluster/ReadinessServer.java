package io.barrage.worker.cluster;

import com.sun.net.httpserver.HttpServer;
import io.barrage.common.http.BearerToken;
import io.barrage.common.prometheus.PrometheusText;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * A tiny HTTP endpoint for Kubernetes probes: {@code GET /ready} answers 200 once the node is Up in
 * the cluster and 503 before; {@code GET /healthz} answers 200 while the process lives; optionally
 * {@code GET /metrics}, the engine's metrics behind the metrics token.
 *
 * <p>A liveness probe that goes unanswered restarts the worker mid-run, so one slow client must not
 * be able to hold the port: the JDK server reads a request on an executor thread with blocking
 * reads, so there are {@value #THREADS} threads, and a client that has not sent its whole request
 * within {@value #REQUEST_SECONDS} s is disconnected (the JDK server's {@code maxReqTime} and
 * {@code maxRspTime}, JVM-wide settings read once: {@link #start} sets them unless given with
 * {@code -D}; in a worker JVM this is the only JDK HTTP server).
 */
public final class ReadinessServer implements AutoCloseable {
  private final HttpServer server;

  private ReadinessServer(HttpServer server) {
    this.server = server;
  }

  /** Seconds a client may take to send its request, and to read the answer, before it is disconnected. */
  public static final int REQUEST_SECONDS = 10;

  /** Requests served at once; a probe gets through while this many minus one clients are slow. */
  public static final int THREADS = 4;

  public static ReadinessServer start(String bindHost, int port, BooleanSupplier ready) throws IOException {
    return start(bindHost, port, ready, null, null);
  }

  /**
   * Also serves {@code GET /metrics}: {@code metrics}' text to a bearer of {@code metricsToken}
   * (401 without it or with another); without a token {@code /metrics} answers 403 saying how to
   * set one, whatever address the port is on (docs/adr/0341).
   */
  public static ReadinessServer start(String bindHost, int port, BooleanSupplier ready, Supplier<String> metrics, String metricsToken)
      throws IOException {
    if (System.getProperty("sun.net.httpserver.maxReqTime") == null) {
      System.setProperty("sun.net.httpserver.maxReqTime", Integer.toString(REQUEST_SECONDS));
    }
    if (System.getProperty("sun.net.httpserver.maxRspTime") == null) {
      System.setProperty("sun.net.httpserver.maxRspTime", Integer.toString(REQUEST_SECONDS));
    }
    HttpServer server = HttpServer.create(new InetSocketAddress(bindHost, port), 64);
    server.createContext(
        "/ready",
        ex -> {
          boolean up = ready.getAsBoolean();
          respond(ex, up ? 200 : 503, up ? "ready\n" : "not ready: not Up in the cluster yet\n");
        });
    server.createContext("/healthz", ex -> respond(ex, 200, "ok\n"));
    if (metrics != null) {
      server.createContext("/metrics", ex -> {
        if (metricsToken == null) {
          respond(ex, 403, "/metrics needs a token: start the worker with " + BearerToken.METRICS_TOKEN_ENV + " set\n");
        } else if (!BearerToken.matches(metricsToken, ex.getRequestHeaders().getFirst("Authorization"))) {
          ex.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"barrage\"");
          respond(ex, 401, "missing or wrong bearer token\n");
        } else if (!"GET".equals(ex.getRequestMethod())) {
          respond(ex, 405, "GET only\n");
        } else {
          respond(ex, 200, PrometheusText.CONTENT_TYPE, metrics.get());
        }
      });
    }
    server.setExecutor(Executors.newFixedThreadPool(THREADS, r -> {
      Thread t = new Thread(r, "barrage-readiness");
      t.setDaemon(true);
      return t;
    }));
    server.start();
    return new ReadinessServer(server);
  }

  private static void respond(com.sun.net.httpserver.HttpExchange ex, int status, String body) throws IOException {
    respond(ex, status, "text/plain; charset=utf-8", body);
  }

  private static void respond(com.sun.net.httpserver.HttpExchange ex, int status, String contentType, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", contentType);
    ex.sendResponseHeaders(status, b.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(b);
    }
  }

  public int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
