package io.barrage.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The simulator's HTTP/1.1 layer seen from a raw socket: what a client library of any language may
 * send (keep-alive, pipelining, chunked bodies, {@code Expect: 100-continue}, HTTP/1.0) and what a
 * broken client sends (garbage, oversized bodies), byte for byte.
 */
class HttpWireTest {
  static SimulatorServer server;
  static final String BODY = "{\"inputs\":\"hi\",\"parameters\":{\"max_new_tokens\":3}}";

  @BeforeAll
  static void start() {
    server = SimulatorServer.start(SimulatorConfig.loopback(Profiles.TGI_FAST));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static Socket connect() throws IOException {
    Socket s = new Socket();
    s.connect(new InetSocketAddress("127.0.0.1", server.port()), 5_000);
    s.setSoTimeout(10_000);
    return s;
  }

  static String post(String path, String body, String... extraHeaders) {
    StringBuilder b = new StringBuilder("POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n");
    for (String h : extraHeaders) b.append(h).append("\r\n");
    b.append("Content-Length: ").append(body.getBytes(StandardCharsets.UTF_8).length).append("\r\n\r\n").append(body);
    return b.toString();
  }

  /** One response: head and (de-chunked) body, read exactly up to its end. */
  record Response(String head, String body) {
    int status() {
      return Integer.parseInt(head.substring(9, 12));
    }

    String header(String name) {
      for (String line : head.split("\r\n")) {
        int c = line.indexOf(':');
        if (c > 0 && line.substring(0, c).equalsIgnoreCase(name)) return line.substring(c + 1).trim();
      }
      return null;
    }
  }

  static String line(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) != -1) {
      b.write(c);
      if (c == '\n') break;
    }
    return b.toString(StandardCharsets.ISO_8859_1);
  }

  static Response read(InputStream in) throws IOException {
    StringBuilder head = new StringBuilder();
    String l;
    while (!(l = line(in)).equals("\r\n")) {
      if (l.isEmpty()) throw new IOException("connection closed inside the head: " + head);
      head.append(l);
    }
    Response h = new Response(head.toString(), "");
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    if ("chunked".equals(h.header("transfer-encoding"))) {
      while (true) {
        String size = line(in);
        if (size.isEmpty()) throw new IOException("connection closed inside the body");
        int n = Integer.parseInt(size.trim(), 16);
        if (n == 0) {
          assertThat(line(in)).isEqualTo("\r\n");
          break;
        }
        body.write(in.readNBytes(n));
        assertThat(line(in)).isEqualTo("\r\n");
      }
    } else if (h.header("content-length") != null) {
      body.write(in.readNBytes(Integer.parseInt(h.header("content-length"))));
    }
    return new Response(h.head(), body.toString(StandardCharsets.UTF_8));
  }

  @Test
  void keepAliveServesSeveralRequestsOnOneConnection() throws Exception {
    try (Socket s = connect()) {
      OutputStream out = s.getOutputStream();
      for (int i = 0; i < 3; i++) {
        out.write(post("/generate_stream", BODY).getBytes(StandardCharsets.UTF_8));
        Response r = read(s.getInputStream());
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("content-type")).isEqualTo("text/event-stream");
        assertThat(r.header("date")).matches("[A-Z][a-z]{2}, \\d{2} [A-Z][a-z]{2} \\d{4} \\d{2}:\\d{2}:\\d{2} GMT");
        assertThat(r.body().split("\n\n")).hasSize(3).allMatch(e -> e.startsWith("data:{\"index\":"));
      }
    }
  }

  @Test
  void pipelinedRequestsAreAnsweredInOrder() throws Exception {
    try (Socket s = connect()) {
      String first = post("/generate", "{\"inputs\":\"a\",\"parameters\":{\"max_new_tokens\":2}}");
      String second = "GET /info HTTP/1.1\r\nHost: x\r\n\r\n";
      String third = post("/generate_stream", BODY);
      s.getOutputStream().write((first + second + third).getBytes(StandardCharsets.UTF_8));
      InputStream in = s.getInputStream();
      Response a = read(in);
      Response b = read(in);
      Response c = read(in);
      assertThat(a.body()).contains("\"generated_text\"");
      assertThat(a.header("x-generated-tokens")).isEqualTo("2");
      assertThat(b.body()).contains("\"model_id\"");
      assertThat(c.body()).startsWith("data:{\"index\":1");
    }
  }

  @Test
  void chunkedRequestBodyAndExpectContinueAreUnderstood() throws Exception {
    try (Socket s = connect()) {
      OutputStream out = s.getOutputStream();
      InputStream in = s.getInputStream();
      String head = "POST /generate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
          + "Transfer-Encoding: chunked\r\nExpect: 100-continue\r\n\r\n";
      out.write(head.getBytes(StandardCharsets.US_ASCII));
      out.flush();
      assertThat(line(in)).isEqualTo("HTTP/1.1 100 Continue\r\n");
      assertThat(line(in)).isEqualTo("\r\n");
      byte[] body = "{\"inputs\":\"x\",\"parameters\":{\"max_new_tokens\":4}}".getBytes(StandardCharsets.US_ASCII);
      String chunked = Integer.toHexString(10) + "\r\n" + new String(body, 0, 10, StandardCharsets.US_ASCII) + "\r\n"
          + Integer.toHexString(body.length - 10) + ";ext=1\r\n" + new String(body, 10, body.length - 10, StandardCharsets.US_ASCII)
          + "\r\n0\r\n\r\n";
      out.write(chunked.getBytes(StandardCharsets.US_ASCII));
      Response r = read(in);
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.header("x-generated-tokens")).isEqualTo("4");
    }
  }

  @Test
  void http10AndConnectionCloseEndTheConnectionAfterTheResponse() throws Exception {
    try (Socket s = connect()) {
      s.getOutputStream().write("GET /health HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      Response r = read(s.getInputStream());
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.header("connection")).isEqualTo("close");
      assertThat(s.getInputStream().read()).isEqualTo(-1);
    }
    try (Socket s = connect()) {
      s.getOutputStream().write(post("/generate", BODY, "Connection: close").getBytes(StandardCharsets.UTF_8));
      Response r = read(s.getInputStream());
      assertThat(r.status()).isEqualTo(200);
      assertThat(s.getInputStream().read()).isEqualTo(-1);
    }
  }

  @Test
  void garbageGetsA400AndTheConnectionIsClosed() throws Exception {
    try (Socket s = connect()) {
      s.getOutputStream().write("HELLO THERE\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      Response r = read(s.getInputStream());
      assertThat(r.status()).isEqualTo(400);
      assertThat(r.body()).contains("malformed request line");
      assertThat(s.getInputStream().read()).isEqualTo(-1);
    }
    try (Socket s = connect()) {
      s.getOutputStream().write("POST /generate HTTP/1.1\r\nContent-Length: twelve\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      Response r = read(s.getInputStream());
      assertThat(r.status()).isEqualTo(400);
      assertThat(r.body()).contains("content-length");
    }
  }

  @Test
  void anOversizedBodyIsRefusedWith413BeforeItIsRead() throws Exception {
    try (Socket s = connect()) {
      s.getOutputStream().write(("POST /generate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
          + "Content-Length: 5000000\r\n\r\n{").getBytes(StandardCharsets.US_ASCII));
      Response r = read(s.getInputStream());
      assertThat(r.status()).isEqualTo(413);
      assertThat(r.body()).isEqualTo("Failed to buffer the request body: length limit exceeded");
    }
  }

  @Test
  void aRequestSplitIntoSmallWritesIsReassembled() throws Exception {
    try (Socket s = connect()) {
      s.setTcpNoDelay(true);
      byte[] all = post("/generate_stream", BODY).getBytes(StandardCharsets.UTF_8);
      OutputStream out = s.getOutputStream();
      for (byte b : all) {
        out.write(b);
        out.flush();
      }
      Response r = read(s.getInputStream());
      assertThat(r.body().split("\n\n")).hasSize(3);
    }
  }

  @Test
  void aClientThatVanishesMidStreamIsForgottenAndTheServerKeepsServing() throws Exception {
    Profile slow = Profiles.get(Profiles.TGI_FAST).withTiming(new Profile.Timing(20_000, 0, 0, 0, 0, 0, 0));
    try (SimulatorServer sim = SimulatorServer.start(SimulatorConfig.loopback(slow))) {
      for (int i = 0; i < 5; i++) {
        Socket s = new Socket("127.0.0.1", sim.port());
        s.getOutputStream().write(post("/generate_stream", "{\"inputs\":\"a\",\"parameters\":{\"max_new_tokens\":200}}")
            .getBytes(StandardCharsets.UTF_8));
        assertThat(line(s.getInputStream())).startsWith("HTTP/1.1 200");
        s.setSoLinger(true, 0); // RST, as a killed client would
        s.close();
      }
      await("no request in flight and no connection open").atMost(Duration.ofSeconds(10)).until(() -> sim.stats().inFlight() == 0 && sim.stats().openConnections() == 0);
      try (Socket s = new Socket("127.0.0.1", sim.port())) {
        s.setSoTimeout(10_000);
        s.getOutputStream().write("GET /health HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        assertThat(read(s.getInputStream()).status()).isEqualTo(200);
      }
    }
  }

  /** A server with {@code policy}: one streamed and one whole response on a connection, as a raw client sees them. */
  @Test
  void closingAfterAStreamWithoutSayingSoSendsKeepAliveThenTheFinRightAfterTheLastChunk() throws Exception {
    var silent = io.barrage.simulator.http.ConnectionPolicy.DEFAULT.withAfterStream(io.barrage.simulator.http.ConnectionPolicy.AfterStream.SILENT);
    try (SimulatorServer sim = SimulatorServer.start(SimulatorConfig.loopback(Profiles.TGI_FAST).withConnections(silent));
        Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", sim.port()), 5_000);
      s.setSoTimeout(10_000);
      s.getOutputStream().write(post("/generate", "{\"inputs\":\"a\",\"parameters\":{\"max_new_tokens\":2}}").getBytes(StandardCharsets.UTF_8));
      Response whole = read(s.getInputStream());
      assertThat(whole.header("connection")).as("whole responses keep the connection").isNull();
      s.getOutputStream().write(post("/generate_stream", BODY).getBytes(StandardCharsets.UTF_8));
      Response r = read(s.getInputStream());
      assertThat(r.header("connection")).isNull();
      assertThat(r.header("keep-alive")).isEqualTo("timeout=5, max=100");
      assertThat(r.body().split("\n\n")).hasSize(3);
      assertThat(s.getInputStream().read()).as("end of stream right after the last chunk").isEqualTo(-1);
    }
  }

  @Test
  void closingAfterAStreamAnnouncedSaysConnectionClose() throws Exception {
    var announced = io.barrage.simulator.http.ConnectionPolicy.DEFAULT.withAfterStream(io.barrage.simulator.http.ConnectionPolicy.AfterStream.ANNOUNCED);
    try (SimulatorServer sim = SimulatorServer.start(SimulatorConfig.loopback(Profiles.TGI_FAST).withConnections(announced));
        Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", sim.port()), 5_000);
      s.setSoTimeout(10_000);
      s.getOutputStream().write(post("/generate_stream", BODY).getBytes(StandardCharsets.UTF_8));
      Response r = read(s.getInputStream());
      assertThat(r.header("connection")).isEqualTo("close");
      assertThat(s.getInputStream().read()).isEqualTo(-1);
    }
  }
}
