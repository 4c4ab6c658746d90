package io.barrage.cli;

import io.barrage.common.http.BearerToken;
import io.barrage.protocol.wire.ClusterConfig;
import io.barrage.protocol.wire.ClusterSecurity;
import io.barrage.worker.cluster.EngineStepLauncher;
import io.barrage.worker.cluster.ReadinessServer;
import io.barrage.worker.cluster.WorkerNode;
import io.barrage.worker.engine.EngineMetrics;
import io.barrage.worker.engine.LoadEngine;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code barrage worker --join HOST:PORT}: the worker role, until the process is stopped (SIGTERM
 * flushes first). A node the cluster downed (cut off from the coordinator for longer than the
 * downing decision) is replaced by a new one that joins again.
 */
@Command(name = "worker", mixinStandardHelpOptions = true, description = "Join a coordinator as a worker (cluster role).")
public final class WorkerCommand implements Callable<Integer> {

  @Option(names = "--join", required = true, paramLabel = "HOST:PORT", description = "the coordinator's cluster address")
  String join;

  @Option(names = "--host", defaultValue = "127.0.0.1", paramLabel = "HOST", description = "the address other nodes reach this one at (default ${DEFAULT-VALUE})")
  String host;

  @Option(names = "--bind-host", paramLabel = "HOST", description = "the interface to listen on (default: --host)")
  String bindHost;

  @Option(names = "--port", defaultValue = "0", paramLabel = "N", description = "cluster port (default ${DEFAULT-VALUE}: any free port)")
  int port;

  @Option(names = "--health-port", paramLabel = "N",
      description = "serve GET /ready (200 once Up in the cluster), /healthz and /metrics (behind $BARRAGE_METRICS_TOKEN) on this port")
  Integer healthPort;

  @Mixin ClusterSecurityOptions cluster = new ClusterSecurityOptions();

  @Option(names = "--exit-with-parent", paramLabel = "PID", hidden = true, description = "exit when this process ends (local clusters)")
  Long parentPid;

  private static final Logger log = LoggerFactory.getLogger(WorkerCommand.class);

  /** The engine of the current node (a node downed and replaced brings a new one), for /metrics. */
  private final AtomicReference<LoadEngine> engine = new AtomicReference<>();

  private WorkerNode start(WorkerNode.Settings settings) {
    return WorkerNode.start(settings, sys -> {
      EngineStepLauncher launcher = new EngineStepLauncher(sys);
      engine.set(launcher.engine());
      return EngineWarmup.warm(launcher);
    });
  }

  @Override
  public Integer call() throws Exception {
    try {
      ClusterConfig.seedUri(join);
    } catch (IllegalArgumentException e) {
      throw new ExitException(ExitCodes.BAD_INPUT, "barrage worker: --join " + e.getMessage());
    }
    String bind = bindHost == null ? host : bindHost;
    ClusterSecurity security = cluster.resolve("barrage worker", bind);
    if (security == ClusterSecurity.LOOPBACK_ONLY) {
      System.out.println("cluster port: plain TCP on loopback; a coordinator with TLS refuses this worker "
          + "(give --cluster-tls-dir DIR: a coordinator started without one prints it)");
    }
    WorkerNode.Settings settings = new WorkerNode.Settings(join, host, bind, port, Duration.ofSeconds(15), security);
    AtomicReference<WorkerNode> node = new AtomicReference<>(start(settings));
    ReadinessServer health = null;
    try {
      if (healthPort != null) {
        health = ReadinessServer.start(bind, healthPort, () -> node.get().isUp(), () -> EngineMetrics.render(engine.get()),
            BearerToken.metricsTokenFromEnvironment());
      }
    } catch (IOException e) {
      node.get().close();
      throw new ExitException(ExitCodes.BAD_INPUT, "barrage worker: cannot serve --health-port " + healthPort + ": " + e.getMessage());
    }
    if (parentPid != null) {
      ProcessHandle.of(parentPid).ifPresentOrElse(
          p -> p.onExit().thenRun(() -> System.exit(0)),
          () -> System.exit(0));
    }
    node.get().whenTerminated().toCompletableFuture().join();
    // downed by the cluster (cut off from the coordinator longer than the downing decision): the
    // process is healthy, so it joins again as a new member instead of being lost for good; a
    // stopped (SIGTERM) or leaving node ends the command
    while (node.get().downedByCluster()) {
      log.warn("this worker was downed by the cluster (cut off from the coordinator for longer than the downing decision); joining {} again as a new member", join);
      node.get().close();
      node.set(start(settings));
      node.get().whenTerminated().toCompletableFuture().join();
    }
    if (health != null) health.close();
    return ExitCodes.OK;
  }
}
