package io.barrage.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * A client that starts a chunk-size line and never ends it used to make the connection buffer
 * everything it sent. The line is capped: past 4 KiB the request is refused with 400 and closed, and
 * the server keeps serving others.
 */
class ChunkSizeLineTest {

  @Test
  void anEndlessChunkSizeLineIsRefusedInsteadOfBuffered() throws Exception {
    try (SimulatorServer server = SimulatorServer.start(SimulatorConfig.loopback(Profiles.TGI_FAST));
        Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", server.port()), 5_000);
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write("POST /generate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
          .getBytes(StandardCharsets.US_ASCII));
      byte[] digits = new byte[1024];
      Arrays.fill(digits, (byte) '0');
      int sent = 0;
      try {
        for (int i = 0; i < 64; i++) { // at most 64 KiB: far past the cap, bounded either way
          out.write(digits);
          out.flush();
          sent += digits.length;
        }
      } catch (IOException closedByServer) {
        // the server refused and closed while we were still writing
      }
      HttpWireTest.Response r = HttpWireTest.read(s.getInputStream());
      assertThat(r.status()).as("after " + sent + " bytes of chunk size").isEqualTo(400);
      assertThat(r.body()).contains("chunk size");
      assertThat(s.getInputStream().read()).as("closed").isEqualTo(-1);

      // others are still served
      try (Socket ok = new Socket()) {
        ok.connect(new InetSocketAddress("127.0.0.1", server.port()), 5_000);
        ok.setSoTimeout(10_000);
        ok.getOutputStream().write(HttpWireTest.post("/generate", "{\"inputs\":\"hi\",\"parameters\":{\"max_new_tokens\":2}}")
            .getBytes(StandardCharsets.UTF_8));
        assertThat(HttpWireTest.read(ok.getInputStream()).status()).isEqualTo(200);
      }
    }
  }
}
