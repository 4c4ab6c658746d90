package io.barrage.cli;

import io.barrage.coordinator.node.CoordinatorNode;
import io.barrage.coordinator.report.ResultWriter;
import io.barrage.coordinator.run.RunOrder;
import io.barrage.coordinator.run.Runs;
import io.barrage.protocol.scenario.ScenarioLoader;
import io.barrage.protocol.scenario.TestScenario;
import io.barrage.simulator.Profile;
import io.barrage.simulator.Profiles;
import io.barrage.simulator.SimulatorConfig;
import io.barrage.simulator.SimulatorServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A coordinator and the simulator in the test JVM, worker JVMs forked on the same classpath, the
 * cluster port on mutual TLS with certificates made for the fixture. Every worker process is killed
 * on close.
 */
final class ClusterFixture implements AutoCloseable {
  final SimulatorServer sim;
  final CoordinatorNode coordinator;
  final List<BarrageProcess> workers = new ArrayList<>();
  final Path out;
  final ClusterCertificates certs;

  ClusterFixture(Path out, int workerCount) throws Exception {
    this.out = out;
    // tgi-fast with 5 ms decode steps: a 32-token request lasts ~0.2 s, so the closed loop's
    // turnaround gaps are small against the request time and the concurrency is visible at the server
    Profile fast = Profiles.get(Profiles.TGI_FAST);
    Profile.Timing t = fast.timing();
    this.sim = SimulatorServer.start(SimulatorConfig.loopback(fast.withTiming(new Profile.Timing(5_000, t.decodePerSeqMicros(),
        t.decodePerKvTokenNanos(), t.prefillBaseMicros(), t.prefillPerTokenMicros(), t.validationMicros(), t.tailMicros()))));
    try {
      this.certs = ClusterCertificates.create("fixture-ca", 1);
    } catch (Exception e) {
      sim.close();
      throw e;
    }
    try {
      this.coordinator = CoordinatorNode.start(
          new CoordinatorNode.Settings("127.0.0.1", "127.0.0.1", 0, -1, "127.0.0.1", false, "unused", out, out, certs.security()), ResultWriter::write);
    } catch (RuntimeException e) {
      sim.close();
      certs.close();
      throw e;
    }
    for (int i = 0; i < workerCount; i++) workers.add(startWorker(out.resolve("worker-" + i + ".log"), "--cluster-tls-dir", certs.dir().toString()));
  }

  /** A {@code barrage worker} JVM joining the coordinator, with {@code extraArgs} (e.g. the TLS directory). */
  BarrageProcess startWorker(Path log, String... extraArgs) throws java.io.IOException {
    List<String> args = new ArrayList<>(List.of("worker", "--join", "127.0.0.1:" + coordinator.clusterPort(), "--port", "0",
        "--exit-with-parent", Long.toString(ProcessHandle.current().pid())));
    args.addAll(List.of(extraArgs));
    return BarrageProcess.barrage(args.toArray(String[]::new)).start(log);
  }

  String scenario(String load, String step, String policy) {
    return TestScenario.named("cluster-it").target("sim", sim.baseUrl()).prompt("{text: \"What is deep learning?\"}")
        .maxNewTokens("[32]").load(load).step(step).timeouts("{firstToken: 10s, idle: 5s, total: 20s}")
        .with("onWorkerLoss: " + policy).yaml();
  }

  Runs.Submitted.Accepted submit(String yaml, int minWorkers) throws Exception {
    var order = new RunOrder("it", ScenarioLoader.parse(yaml, null), yaml, null, out.resolve("run"), minWorkers);
    return (Runs.Submitted.Accepted) coordinator.runs().submit(order);
  }

  @Override
  public void close() {
    // the coordinator leaves first, while its workers still answer: its leave converges at once,
    // where with its workers killed first it waits out the cluster-exiting phase (10 s)
    coordinator.close();
    for (BarrageProcess p : workers) p.kill();
    for (BarrageProcess p : workers) {
      try {
        p.close();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    sim.close();
    certs.close();
  }
}
