package io.barrage.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real worker JVM's health port against clients that open a connection, send part of a request
 * and go quiet: the liveness probe must still be answered (the chart's probe would otherwise restart
 * the worker mid-run), and the quiet connections are closed.
 */
class WorkerHealthIT {

  @TempDir Path out;

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static Socket halfRequest(int port) throws IOException {
    Socket s = new Socket();
    s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
    OutputStream o = s.getOutputStream();
    o.write("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII));
    o.flush();
    return s;
  }

  private static int healthz(HttpClient http, int port, Duration timeout) {
    try {
      return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/healthz")).timeout(timeout).GET().build(),
          HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  @Test
  void slowClientsCannotStarveTheLivenessProbe() throws Exception {
    int health = freePort(), nobody = freePort();
    List<Socket> slow = new ArrayList<>();
    // no coordinator: /healthz answers while the process lives, whether or not it joined
    try (BarrageProcess worker = BarrageProcess.barrage("worker", "--join", "127.0.0.1:" + nobody, "--port", "0",
            "--health-port", Integer.toString(health), "--exit-with-parent", Long.toString(ProcessHandle.current().pid()))
            .start(out.resolve("worker.log"))) {
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
      await("health port up").atMost(Duration.ofSeconds(60)).until(() -> healthz(http, health, Duration.ofSeconds(5)) == 200);

      // one slow client: the probe is answered at once (a kubelet probe times out after 1 s by default)
      slow.add(halfRequest(health));
      assertThat(healthz(http, health, Duration.ofSeconds(5))).isEqualTo(200);

      // more slow clients than threads: answered once the request-time limit has closed them
      for (int i = 0; i < 8; i++) slow.add(halfRequest(health));
      assertThat(healthz(http, health, Duration.ofSeconds(40))).isEqualTo(200);

      // and the quiet connections were closed by the worker
      for (Socket s : slow) {
        s.setSoTimeout(30_000);
        int read;
        try {
          read = s.getInputStream().read();
        } catch (SocketException reset) {
          read = -1;
        }
        assertThat(read).as("end of stream from the worker").isEqualTo(-1);
      }
    } finally {
      for (Socket s : slow) s.close();
    }
  }
}
