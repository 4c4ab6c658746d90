package io.barrage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.barrage.simulator.SimulatorConfig;
import io.barrage.simulator.SimulatorServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code barrage run} end to end: a worker JVM, the simulator, a result directory, no orphan process. */
class RunCommandIT {
  @TempDir Path dir;

  @Test
  void runDrivesTheScenarioWritesResultsAndLeavesNoProcessBehind() throws Exception {
    try (SimulatorServer sim = SimulatorServer.start(SimulatorConfig.loopback("tgi-fast"))) {
      Path f = dir.resolve("s.yaml");
      Files.writeString(f, """
          name: run-it
          targets:
            - {name: sim, api: tgi-stream, url: "%s"}
          workload:
            prompt: {text: hello}
            maxNewTokens: [8]
            load: {concurrency: [2, 4]}
            step: {requests: 40}
          """.formatted(sim.baseUrl()));
      Path out = dir.resolve("out");
      int code = BarrageMain.execute("run", f.toString(), "--out", out.toString(), "--local-workers", "1", "--set", "workload.step.requests=30");
      assertThat(code).isEqualTo(0);
      assertThat(out.resolve("summary.json")).exists();
      assertThat(out.resolve("results.csv")).exists();
      assertThat(out.resolve("histograms/sim_m8_c4_ttft.hlog")).exists();
      assertThat(sim.stats().requestsSucceeded()).isEqualTo(60); // 2 cells x 30 (the --set value)
      List<ProcessHandle> left = ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).toList();
      assertThat(left).as("worker JVMs still running").isEmpty();
    }
  }

  @Test
  void zeroLocalWorkersRunsBothRolesInThisProcess() throws Exception {
    try (SimulatorServer sim = SimulatorServer.start(SimulatorConfig.loopback("tgi-fast"))) {
      Path f = dir.resolve("s0.yaml");
      Files.writeString(f, """
          name: run-it-0
          targets:
            - {name: sim, api: tgi-stream, url: "%s"}
          workload:
            prompt: {text: hello}
            maxNewTokens: [8]
            load: {concurrency: [3]}
            step: {requests: 20}
          """.formatted(sim.baseUrl()));
      Path out = dir.resolve("out0");
      assertThat(BarrageMain.execute("run", f.toString(), "--out", out.toString(), "--local-workers", "0")).isEqualTo(0);
      assertThat(out.resolve("summary.json")).exists();
      assertThat(sim.stats().requestsSucceeded()).isEqualTo(20);
      assertThat(sim.stats().maxInFlight()).isLessThanOrEqualTo(3);
      assertThat(ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).toList()).isEmpty();
    }
  }
}
