package io.barrage.worker.engine;

import static io.barrage.worker.engine.EngineFixture.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.typesafe.config.ConfigFactory;
import io.barrage.common.os.ThreadPriority;
import io.barrage.protocol.results.CellAggregate;
import io.barrage.protocol.scenario.ApiKind;
import io.barrage.simulator.Profiles;
import io.barrage.simulator.SimulatorConfig;
import io.barrage.simulator.SimulatorServer;
import java.util.List;
import org.apache.pekko.actor.ActorSystem;
import org.junit.jupiter.api.Test;

/** {@code io-priority = realtime}: the engine's event loops run under SCHED_FIFO where permitted, and measure as before. */
class RealtimeIoIT {
  @Test
  void realtimeLoopsMeasureAStepUnderSchedFifo() throws Exception {
    assumeTrue(ThreadPriority.realtimePermitted(), "no real-time scheduling on this machine (needs CAP_SYS_NICE and util-linux chrt)");
    List<String> rt = measureAStepWithRealtimeLoops();
    assertThat(rt).as("real-time threads").anyMatch(n -> n.startsWith("barrage-io-"));
    // the loops' callbacks start no real-time threads (reset-on-fork): only the loops are
    assertThat(rt).allMatch(n -> n.startsWith("barrage-io-"));
  }

  @Test
  void whereRealtimeIsNotPermittedTheLoopsMeasureAsOrdinaryThreads() throws Exception {
    assumeFalse(ThreadPriority.realtimePermitted(), "real-time scheduling is permitted on this machine: the fallback cannot be seen here");
    assertThat(measureAStepWithRealtimeLoops()).noneMatch(n -> n.startsWith("barrage-io-"));
  }

  /** 40 requests through an engine that asks for real-time loops, measured exactly; returns the real-time threads meanwhile. */
  private static List<String> measureAStepWithRealtimeLoops() throws Exception {
    ActorSystem system = ActorSystem.create("rt-io");
    try (SimulatorServer sim = SimulatorServer.start(SimulatorConfig.loopback(Profiles.TGI_FAST))) {
      LoadEngine engine = new LoadEngine(system, EngineSettings.defaults().withIoRealtime(true));
      CellAggregate a = run(engine, closed(target("sim", ApiKind.TGI_STREAM, sim.baseUrl()), requests(40), 4));
      assertThat(a.errors()).isEmpty();
      assertThat(a.ok()).isEqualTo(40);
      assertThat(a.outputTokens()).isEqualTo(40 * 8);
      assertThat(a.tokenMismatches()).isZero();
      return ThreadPriority.realtimeThreads();
    } finally {
      system.terminate();
    }
  }

  @Test
  void ioPriorityIsReadFromTheConfigAndABadValueIsNamed() {
    var base = ConfigFactory.load();
    assertThat(io.barrage.worker.WorkerSettings.fromConfig(base).engine().ioRealtime()).isFalse();
    assertThat(io.barrage.worker.WorkerSettings.fromConfig(ConfigFactory.parseString("barrage.worker.engine.io-priority = realtime").withFallback(base)).engine()
        .ioRealtime()).isTrue();
    assertThatThrownBy(() -> io.barrage.worker.WorkerSettings.fromConfig(ConfigFactory.parseString("barrage.worker.engine.io-priority = fast").withFallback(base)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("barrage.worker.engine.io-priority (BARRAGE_IO_PRIORITY) must be normal or realtime, got 'fast'");
  }
}
