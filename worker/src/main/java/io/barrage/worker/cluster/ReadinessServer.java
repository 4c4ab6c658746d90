package io.barrage.worker.cluster;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;

/**
 * A tiny HTTP endpoint for Kubernetes probes: {@code GET /ready} answers 200 once the node is Up in
 * the cluster and 503 before; {@code GET /healthz} answers 200 while the process lives.
 */
public final class ReadinessServer implements AutoCloseable {
  private final HttpServer server;

  private ReadinessServer(HttpServer server) {
    this.server = server;
  }

  public static ReadinessServer start(String bindHost, int port, BooleanSupplier ready) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(bindHost, port), 16);
    server.createContext(
        "/ready",
        ex -> {
          boolean up = ready.getAsBoolean();
          respond(ex, up ? 200 : 503, up ? "ready\n" : "not ready: not Up in the cluster yet\n");
        });
    server.createContext("/healthz", ex -> respond(ex, 200, "ok\n"));
    server.setExecutor(Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "barrage-readiness");
      t.setDaemon(true);
      return t;
    }));
    server.start();
    return new ReadinessServer(server);
  }

  private static void respond(com.sun.net.httpserver.HttpExchange ex, int status, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
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
