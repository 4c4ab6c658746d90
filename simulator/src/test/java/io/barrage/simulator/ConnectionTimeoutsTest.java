package io.barrage.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.barrage.simulator.http.ConnectionPolicy;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The simulator does not hold connections forever: a request that stops halfway is cut after the
 * head timeout, a keep-alive connection with nothing to do after the idle timeout, and a response
 * that takes longer than both is never cut. Each blocking read below has a 10 s limit, so a server
 * without these timeouts fails the test instead of hanging it.
 */
class ConnectionTimeoutsTest {
  private static final String GENERATE = "{\"inputs\":\"hi\",\"parameters\":{\"max_new_tokens\":3}}";

  private static SimulatorServer start(Profile profile, Duration head, Duration idle) throws IOException {
    return SimulatorServer.start(SimulatorConfig.loopback(profile)
        .withConnections(ConnectionPolicy.DEFAULT.withTimeouts(head, idle)));
  }

  private static Socket connect(SimulatorServer server) throws IOException {
    Socket s = new Socket();
    s.connect(new InetSocketAddress("127.0.0.1", server.port()), 5_000);
    s.setSoTimeout(10_000);
    return s;
  }

  private static HttpWireTest.Response exchange(Socket s, String path, String body) throws IOException {
    s.getOutputStream().write(HttpWireTest.post(path, body).getBytes(StandardCharsets.UTF_8));
    return HttpWireTest.read(s.getInputStream());
  }

  @Test
  void aHalfSentRequestHeadIsAnswered408AndClosedWhileOtherClientsAreServed() throws Exception {
    try (SimulatorServer server = start(Profiles.get(Profiles.TGI_FAST), Duration.ofMillis(300), Duration.ofSeconds(30));
        Socket half = connect(server);
        Socket normal = connect(server)) {
      assertThat(exchange(normal, "/generate", GENERATE).status()).isEqualTo(200);
      half.getOutputStream().write("POST /generate HTTP/1.1\r\nHost: x\r\nContent-Ty".getBytes(StandardCharsets.US_ASCII));

      InputStream in = half.getInputStream();
      HttpWireTest.Response r = HttpWireTest.read(in);
      assertThat(r.status()).isEqualTo(408);
      assertThat(r.header("connection")).isEqualTo("close");
      assertThat(in.read()).as("closed after the 408").isEqualTo(-1);

      // the well-behaved client goes on over the same keep-alive connection
      for (int i = 0; i < 3; i++) assertThat(exchange(normal, "/generate", GENERATE).status()).isEqualTo(200);
    }
  }

  @Test
  void aPartialBodyCountsAsAnUnfinishedRequest() throws Exception {
    try (SimulatorServer server = start(Profiles.get(Profiles.TGI_FAST), Duration.ofMillis(300), Duration.ofSeconds(30));
        Socket s = connect(server)) {
      s.getOutputStream().write(("POST /generate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
          + "Content-Length: 100\r\n\r\n{\"inputs\":").getBytes(StandardCharsets.US_ASCII));
      assertThat(HttpWireTest.read(s.getInputStream()).status()).isEqualTo(408);
      assertThat(s.getInputStream().read()).isEqualTo(-1);
    }
  }

  @Test
  void anIdleKeepAliveConnectionIsClosedAfterTheIdleTimeout() throws Exception {
    try (SimulatorServer server = start(Profiles.get(Profiles.TGI_FAST), Duration.ofSeconds(30), Duration.ofMillis(300));
        Socket s = connect(server)) {
      HttpWireTest.Response r = exchange(s, "/generate", GENERATE);
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.header("connection")).as("the response kept the connection").isNotEqualTo("close");
      assertThat(s.getInputStream().read()).as("closed without a response").isEqualTo(-1);
      await("every connection closed").atMost(Duration.ofSeconds(5)).until(() -> server.stats().openConnections() == 0);
    }
  }

  @Test
  void aResponseSilentForLongerThanBothTimeoutsIsNotCut() throws Exception {
    // every request stalls 1.2 s (no bytes at all) after its second token: four times either timeout
    Profile stalling = Profiles.get(Profiles.TGI_FAST)
        .withFaults(new Profile.Faults(0, 0, 1, Duration.ofMillis(1_200), 0, 2, Duration.ZERO));
    try (SimulatorServer server = start(stalling, Duration.ofMillis(300), Duration.ofMillis(300));
        Socket s = connect(server)) {
      HttpWireTest.Response r = exchange(s, "/generate_stream",
          "{\"inputs\":\"hi\",\"parameters\":{\"max_new_tokens\":6}}");
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.body()).contains("\"generated_text\"");
      assertThat(r.body().lines().filter(l -> l.startsWith("data:")).count()).as("every token and nothing cut").isEqualTo(6);
    }
  }
}
