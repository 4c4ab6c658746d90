package io.barrage.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.barrage.common.os.ThreadPriority;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code --io-priority realtime}: the event loops, and above them the engine's clock, run under SCHED_FIFO where permitted. */
class RealtimeIoTest {
  static final String GENERATE = "{\"inputs\":\"hello\",\"parameters\":{\"max_new_tokens\":5}}";

  /** Serves one stream with real-time loops and clock asked for; returns the real-time threads meanwhile. */
  private static List<String> serveWithRealtimeAskedFor() throws Exception {
    SimulatorConfig config = SimulatorConfig.loopback(Profiles.TGI_FAST).withRealtimeClock(true).withRealtimeIo(true);
    try (SimulatorServer s = SimulatorServer.start(config)) {
      var res = Http.post(s.baseUrl() + "/generate_stream", GENERATE);
      assertThat(res.statusCode()).isEqualTo(200);
      assertThat(res.body().lines().filter(l -> l.startsWith("data:")).count()).isEqualTo(5);
      return ThreadPriority.realtimeThreads();
    }
  }

  @Test
  void realtimeLoopsAndClockServeUnderSchedFifo() throws Exception {
    assumeTrue(ThreadPriority.realtimePermitted(), "no real-time scheduling on this machine (needs CAP_SYS_NICE and util-linux chrt)");
    assertThat(serveWithRealtimeAskedFor()).as("real-time threads").contains("sim-http-0").anyMatch(n -> n.startsWith("sim-engine"));
  }

  @Test
  void whereRealtimeIsNotPermittedTheLoopsServeAsOrdinaryThreads() throws Exception {
    assumeFalse(ThreadPriority.realtimePermitted(), "real-time scheduling is permitted on this machine: the fallback cannot be seen here");
    assertThat(serveWithRealtimeAskedFor()).as("nothing is real-time where the system does not permit it").noneMatch(n -> n.startsWith("sim-"));
  }

  @Test
  void loopsAreOrdinaryByDefault() throws Exception {
    try (SimulatorServer s = SimulatorServer.start(SimulatorConfig.loopback(Profiles.TGI_FAST))) {
      assertThat(Http.post(s.baseUrl() + "/generate", GENERATE).statusCode()).isEqualTo(200);
      assertThat(ThreadPriority.realtimeThreads()).noneMatch(n -> n.startsWith("sim-http"));
    }
  }

  @Test
  void realtimeLoopsAndANiceValueExcludeEachOther() {
    assertThatThrownBy(() -> new SimulatorConfig("127.0.0.1", 0, Profiles.get(Profiles.TGI_FAST), null, 1, null, 5, false, true))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("real-time event loops and an io nice of 5");
    assertThat(SimulatorConfig.loopback(Profiles.TGI_FAST).withIoNice(5).withRealtimeIo(true).ioNice()).isZero();
  }
}
