package io.barrage.coordinator.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.barrage.coordinator.node.CoordinatorNode;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * More clients than the server has connection slots (Pekko's 1,024) open a connection, send half a
 * request head and go quiet. Health and the API must answer again once the idle timeout (10 s)
 * has closed them, not after the ten minutes it used to take.
 */
class SlowClientsIT {
  @TempDir Path out;
  private CoordinatorNode node;
  private final List<Socket> slow = new ArrayList<>();

  @BeforeEach
  void start() {
    node = CoordinatorNode.start(new CoordinatorNode.Settings("127.0.0.1", "127.0.0.1", 0, 0, "127.0.0.1", false, "t", out, out),
        (run, dir) -> {});
  }

  @AfterEach
  void stop() {
    for (Socket s : slow) {
      try {
        s.close();
      } catch (IOException e) {
        // already closed by the server
      }
    }
    node.close();
  }

  @Test
  void connectionsThatNeverFinishTheirRequestHeadCannotStarveHealthOrTheApi() throws Exception {
    int port = node.httpPort();
    byte[] half = "GET /api/runs HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bea".getBytes(StandardCharsets.US_ASCII);
    for (int i = 0; i < 1_100; i++) {
      Socket s = new Socket();
      s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
      OutputStream o = s.getOutputStream();
      o.write(half);
      o.flush();
      slow.add(s);
    }
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(60)).build();
    HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/healthz"))
        .timeout(Duration.ofSeconds(60)).GET().build(), HttpResponse.BodyHandlers.ofString());
    assertThat(health.statusCode()).isEqualTo(200);
    HttpResponse<String> api = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/runs"))
        .header("Authorization", "Bearer t").timeout(Duration.ofSeconds(60)).GET().build(), HttpResponse.BodyHandlers.ofString());
    assertThat(api.statusCode()).isEqualTo(200);
    // the quiet connections were closed by the server
    Socket first = slow.get(0);
    first.setSoTimeout(30_000);
    int read;
    try {
      read = first.getInputStream().read();
    } catch (java.net.SocketException reset) {
      read = -1; // closed with a reset: closed all the same
    }
    assertThat(read).as("end of stream from the server").isEqualTo(-1);
  }
}
