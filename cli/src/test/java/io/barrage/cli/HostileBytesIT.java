package io.barrage.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.esotericsoftware.kryo.io.Output;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.barrage.coordinator.run.RunStatus;
import io.barrage.protocol.scenario.TestScenario;
import io.barrage.protocol.wire.WireRegistry;
import io.barrage.simulator.Profiles;
import io.barrage.simulator.SimulatorConfig;
import io.barrage.simulator.SimulatorServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.serialization.JSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An attacker on the cluster network sends hostile Kryo payloads to a real coordinator JVM and a
 * real worker JVM over their Artery ports (to an actor that does not exist: Artery decodes before it
 * looks for the recipient). Both must log each payload once, drop it, and carry on: the coordinator
 * answers its health check and both run a real cell against the simulator afterwards.
 */
class HostileBytesIT {

  private static final String TOKEN = "hostile-bytes-it-token";

  @TempDir Path out;

  /** What the attacker sends: bytes that go out as they are, under barrage's serializer id. */
  public record RawBytes(byte[] bytes) {}

  /** The attacker's serializer: claims barrage's id, so the receiver decodes with the Kryo codec. */
  public static final class RawSerializer extends JSerializer {
    @Override
    public int identifier() {
      return WireRegistry.SERIALIZER_ID;
    }

    @Override
    public boolean includeManifest() {
      return false;
    }

    @Override
    public byte[] toBinary(Object o) {
      return ((RawBytes) o).bytes();
    }

    @Override
    public Object fromBinaryJava(byte[] bytes, Class<?> manifest) {
      throw new UnsupportedOperationException("the attacker only sends");
    }
  }

  private static final int LIST = 101 + 2, MAP = 102 + 2, BYTES = 100 + 2, STRING = 1 + 2;

  private static List<byte[]> hostilePayloads() {
    List<byte[]> payloads = new ArrayList<>();
    Output six = new Output(8, -1);
    six.writeVarInt(LIST, true);
    six.writeVarInt(Integer.MAX_VALUE, true);
    payloads.add(six.toBytes()); // a list of 2^31-1 elements in six bytes
    Output deep = new Output(800_008, -1);
    for (int i = 0; i < 400_000; i++) {
      deep.writeVarInt(LIST, true);
      deep.writeVarInt(1, true);
    }
    deep.writeVarInt(0, true);
    payloads.add(deep.toBytes()); // 400,000 nested lists
    Output map = new Output(32, -1);
    map.writeVarInt(MAP, true);
    map.writeVarInt(1 << 29, true);
    for (String s : List.of("k", "v")) {
      map.writeVarInt(STRING, true);
      map.writeString(s);
    }
    payloads.add(map.toBytes());
    Output str = new Output(16, -1);
    str.writeVarInt(STRING, true);
    str.writeVarIntFlag(true, Integer.MAX_VALUE, true);
    payloads.add(str.toBytes());
    Output bytes = new Output(16, -1);
    bytes.writeVarInt(BYTES, true);
    bytes.writeVarInt(Integer.MAX_VALUE, true);
    payloads.add(bytes.toBytes());
    SplittableRandom random = new SplittableRandom(7);
    for (int i = 0; i < 20; i++) {
      byte[] noise = new byte[random.nextInt(1, 200)];
      random.nextBytes(noise);
      payloads.add(noise);
    }
    return payloads;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static int get(HttpClient http, String url) {
    try {
      return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).GET().build(),
          HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  @Test
  void hostileBytesOnTheClusterPortAreDroppedAndBothNodesKeepServing() throws Exception {
    int coordinatorPort = freePort(), httpPort = freePort(), workerPort = freePort(), workerHealth = freePort();
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    ActorSystem attacker = null;
    // plain TCP on purpose: the attacker's bytes must reach the decoder (as they would from a
    // member holding the cluster certificate, or where TLS was turned off)
    try (SimulatorServer sim = SimulatorServer.start(SimulatorConfig.loopback(Profiles.get(Profiles.TGI_FAST)));
        BarrageProcess coordinator = BarrageProcess.barrage("coordinator", "--insecure-cluster", "--host", "127.0.0.1",
                "--port", Integer.toString(coordinatorPort), "--http-port", Integer.toString(httpPort), "--out", out.resolve("results").toString())
            .env("BARRAGE_API_TOKEN", TOKEN).start(out.resolve("coordinator.log"));
        BarrageProcess worker = BarrageProcess.barrage("worker", "--insecure-cluster", "--join", "127.0.0.1:" + coordinatorPort,
                "--port", Integer.toString(workerPort), "--health-port", Integer.toString(workerHealth),
                "--exit-with-parent", Long.toString(ProcessHandle.current().pid()))
            .start(out.resolve("worker.log"))) {
      String api = "http://127.0.0.1:" + httpPort;
      await("coordinator ready").atMost(Duration.ofSeconds(90)).until(() -> get(http, api + "/ready") == 200);
      await("worker Up").atMost(Duration.ofSeconds(90)).until(() -> get(http, "http://127.0.0.1:" + workerHealth + "/ready") == 200);

      Config attackerConfig = ConfigFactory.parseString("""
          pekko.actor.provider = remote
          pekko.remote.artery.transport = tcp
          pekko.remote.artery.canonical.hostname = "127.0.0.1"
          pekko.remote.artery.canonical.port = 0
          pekko.remote.artery.advanced.maximum-frame-size = 1 MiB
          pekko.actor.serializers.barrage-kryo = "io.barrage.cli.HostileBytesIT$RawSerializer"
          pekko.actor.serialization-bindings { "io.barrage.cli.HostileBytesIT$RawBytes" = barrage-kryo }
          pekko.loglevel = WARNING
          """).withFallback(ConfigFactory.load());
      attacker = ActorSystem.create("attacker", attackerConfig);
      List<byte[]> payloads = hostilePayloads();
      for (int port : List.of(coordinatorPort, workerPort)) {
        var nobody = attacker.actorSelection("pekko://barrage@127.0.0.1:" + port + "/user/nobody-here");
        for (byte[] p : payloads) nobody.tell(new RawBytes(p), ActorRef.noSender());
      }

      // each node logs every payload once as undecodable, and is still alive afterwards
      String refusal = "Failed to deserialize message";
      await("coordinator logged " + payloads.size() + " refusals").atMost(Duration.ofSeconds(60)).until(
          () -> coordinator.countLines(refusal) >= payloads.size() || !coordinator.isAlive());
      await("worker logged " + payloads.size() + " refusals").atMost(Duration.ofSeconds(60)).until(
          () -> worker.countLines(refusal) >= payloads.size() || !worker.isAlive());
      assertThat(coordinator.isAlive()).as("coordinator alive; log:\n" + coordinator.tail(40)).isTrue();
      assertThat(worker.isAlive()).as("worker alive; log:\n" + worker.tail(40)).isTrue();
      assertThat(coordinator.countLines("OutOfMemoryError") + coordinator.countLines("StackOverflowError")).isZero();
      assertThat(worker.countLines("OutOfMemoryError") + worker.countLines("StackOverflowError")).isZero();
      assertThat(get(http, api + "/healthz")).isEqualTo(200);

      // and the cluster still works: a real cell from the coordinator through the worker to the simulator
      CoordinatorApi client = new CoordinatorApi(URI.create(api), TOKEN);
      String scenario = TestScenario.named("after-the-attack").target("sim", sim.baseUrl()).prompt("{text: \"still there?\"}")
          .maxNewTokens("[8]").yaml();
      CoordinatorApi.Answer submitted = client.submit(scenario, 1);
      assertThat(submitted.status()).as(submitted.body()).isEqualTo(202);
      String runId = submitted.json().get("id").asText();
      RunStatus[] last = new RunStatus[1];
      await("run finished").atMost(Duration.ofSeconds(120)).until(() -> {
        try {
          last[0] = CoordinatorApi.parseStatus(client.status(runId).body());
          return last[0].phase() == RunStatus.Phase.FINISHED;
        } catch (IOException e) {
          return false;
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return false;
        }
      });
      assertThat(last[0].outcome()).isEqualTo("completed");
      assertThat(last[0].requestsDone()).isEqualTo(10);
      assertThat(sim.stats().requestsSucceeded()).isEqualTo(10);
      // logged once each, not once per retry
      assertThat(coordinator.countLines(refusal)).isEqualTo(payloads.size());
      assertThat(worker.countLines(refusal)).isEqualTo(payloads.size());
    } finally {
      if (attacker != null) attacker.terminate();
    }
  }
}
