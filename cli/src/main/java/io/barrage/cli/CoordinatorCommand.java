package io.barrage.cli;

import io.barrage.protocol.scenario.TargetAllowList;
import io.barrage.coordinator.http.ApiToken;
import io.barrage.coordinator.node.CoordinatorNode;
import io.barrage.coordinator.report.ResultWriter;
import io.barrage.coordinator.run.RunHooks;
import io.barrage.coordinator.run.RunOrder;
import io.barrage.coordinator.run.Runs;
import io.barrage.k8s.client.BarrageKubernetes;
import io.barrage.k8s.client.LoadTests;
import io.barrage.protocol.results.RunRecord;
import io.barrage.protocol.scenario.InvalidScenarioException;
import io.barrage.protocol.scenario.Scenario;
import io.barrage.protocol.scenario.ScenarioLoader;
import io.barrage.protocol.wire.ClusterSecurity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code barrage coordinator}: the coordinator role for separate hosts / Kubernetes. With
 * {@code --scenario} it runs that scenario once {@code --min-workers} have joined and exits with the
 * run's code; without, it serves the API and waits for runs posted to it. Every run waits for
 * {@code --min-workers} (an API run: {@code ?workers=N} if given). Under the Helm chart
 * ({@link KubernetesRunHooks}) a run's targets are completed from the cluster before planning, the
 * workers are scaled up when fewer than it needs are Up, and the results are exported to the results
 * ConfigMap once written; with the chart's {@code loadTests.enabled} the namespace's LoadTest
 * resources are run ({@link LoadTestController}).
 */
@Command(name = "coordinator", mixinStandardHelpOptions = true, description = "Start the coordinator (cluster role, HTTP API, live page).")
public final class CoordinatorCommand implements Callable<Integer> {

  @Option(names = "--scenario", paramLabel = "FILE", description = "run this scenario once --min-workers have joined, then exit")
  Path scenarioFile;

  @Option(names = "--http-port", defaultValue = "8080", paramLabel = "N", description = "API and live page port (default ${DEFAULT-VALUE}; -1: off)")
  int httpPort;

  @Option(names = "--host", defaultValue = "127.0.0.1", paramLabel = "HOST", description = "the address workers reach this node at (default ${DEFAULT-VALUE})")
  String host;

  @Option(names = "--bind-host", paramLabel = "HOST", description = "the interface to listen on (default: --host)")
  String bindHost;

  @Option(names = "--port", defaultValue = "25520", paramLabel = "N", description = "cluster port (default ${DEFAULT-VALUE})")
  int port;

  @Option(names = "--min-workers", defaultValue = "1", paramLabel = "N", description = "workers to wait for before the first cell (default ${DEFAULT-VALUE})")
  int minWorkers;

  @Option(names = "--out", defaultValue = "results", paramLabel = "DIR", description = "where results go (default ${DEFAULT-VALUE}; API runs in DIR/<run id>)")
  Path out;

  @Option(names = "--keep-running", description = "with --scenario: after the run, keep serving the API and live page instead of exiting (what a Kubernetes Deployment needs)")
  boolean keepRunning;

  @Mixin ClusterSecurityOptions cluster = new ClusterSecurityOptions();

  @Option(names = "--allow-targets", paramLabel = "PATTERNS", defaultValue = "${env:BARRAGE_ALLOW_TARGETS}",
      description = "comma-separated host, host:port or *.domain patterns; a scenario with a target outside them is refused"
          + " (default: $BARRAGE_ALLOW_TARGETS; unset: every target allowed)")
  String allowTargets;

  @Option(names = "--token-file", paramLabel = "FILE", description = "API bearer token file (else $BARRAGE_API_TOKEN; else one is generated into DIR/api-token)")
  Path tokenFile;

  @Override
  public Integer call() throws Exception {
    if (minWorkers < 1) throw new ExitException(ExitCodes.BAD_INPUT, "barrage coordinator: --min-workers must be >= 1");
    String bind = bindHost == null ? host : bindHost;
    ClusterSecurity security = cluster.resolve("barrage coordinator", bind);
    TargetAllowList allowed;
    try {
      allowed = TargetAllowList.parse(allowTargets);
    } catch (IllegalArgumentException e) {
      throw new ExitException(ExitCodes.BAD_INPUT, "barrage coordinator: " + e.getMessage());
    }
    Scenario scenario = null;
    String text = null;
    if (scenarioFile != null) {
      try {
        text = ScenarioLoader.readText(scenarioFile);
        scenario = ScenarioLoader.parse(text, scenarioFile.toAbsolutePath().getParent());
        allowed.check(scenario);
      } catch (IOException e) {
        throw new ExitException(ExitCodes.BAD_INPUT, "barrage coordinator: cannot read " + scenarioFile + ": " + e.getMessage());
      } catch (InvalidScenarioException e) {
        throw new ExitException(ExitCodes.BAD_INPUT, "barrage coordinator: " + scenarioFile + " is not a valid scenario; " + e.getMessage());
      }
    }
    Files.createDirectories(out);
    String token = null;
    if (httpPort >= 0) {
      ApiToken.Resolved t = ApiToken.resolve(System.getenv(ApiToken.ENV), tokenFile != null ? tokenFile : out.resolve("api-token"));
      System.out.println(t.source());
      token = t.token();
    }
    ClusterCertificates throwaway = null;
    if (security == ClusterSecurity.LOOPBACK_ONLY) {
      // no directory and no --insecure-cluster, on loopback: TLS all the same, with a CA made now
      // whose files workers on this machine are pointed at (deleted when the coordinator exits)
      throwaway = ClusterCertificates.create("barrage-coordinator-ca", 30);
      security = throwaway.security();
    }
    // under the chart (BARRAGE_K8S_SETTINGS + an API server): discovery, scaling, export; else nothing
    Optional<BarrageKubernetes> k8s = BarrageKubernetes.fromEnvironment();
    RunHooks hooks = KubernetesRunHooks.of(k8s);
    CoordinatorNode node;
    try {
      node = CoordinatorNode.start(
          new CoordinatorNode.Settings(host, bind, port, httpPort, bind, false, token, out, Path.of(""), security,
              io.barrage.common.http.BearerToken.metricsTokenFromEnvironment()), ResultWriter::write, hooks, minWorkers, allowed);
    } catch (RuntimeException e) {
      if (throwaway != null) throwaway.close();
      throw e;
    }
    ClusterCertificates certs = throwaway;
    // under the chart with loadTests.enabled: run the namespace's LoadTest resources
    Optional<LoadTests> loadTests = k8s.flatMap(BarrageKubernetes::loadTests);
    LoadTestController controller = loadTests.map(l -> LoadTestController.start(l, node.intake())).orElse(null);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      loadTests.ifPresent(LoadTests::close);
      node.close();
      if (controller != null) controller.close();
      if (certs != null) certs.close();
    }, "barrage-coordinator-stop"));
    System.out.println("coordinator up: workers join with --join " + host + ":" + node.clusterPort()
        + (certs != null ? " --cluster-tls-dir " + certs.dir() + " (mutual TLS, certificates made for this coordinator)"
            : security instanceof ClusterSecurity.MutualTls ? " (mutual TLS)" : " --insecure-cluster (plain TCP)")
        + (httpPort >= 0 ? "; API and live page on port " + node.httpPort() : ""));
    if (scenario == null) {
      node.system().getWhenTerminated().toCompletableFuture().join();
      // a server ends only when stopped (SIGTERM: the JVM's own status) or when its node was shut
      // down under it (e.g. downed by the cluster): the latter is not a clean end
      System.err.println("barrage coordinator: the coordinator's actor system terminated; exiting");
      return ExitCodes.INTERRUPTED;
    }
    String runId = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
    Path runDir = out.resolve(runId);
    node.runs().addObserver(new ProgressPrinter(System.out, 2000));
    var submitted = RunCommand.accepted("barrage coordinator",
        node.runs().submit(new RunOrder(runId, scenario, text, scenarioFile.toAbsolutePath().getParent(), runDir, minWorkers)));
    RunRecord record = submitted.finished().join();
    int code = RunCommand.finish(System.out, record, runDir);
    if (keepRunning) {
      // a Deployment restarts an exited container, which would run the scenario again and again
      System.out.println("run finished; serving the API and live page until stopped (--keep-running)");
      node.system().getWhenTerminated().toCompletableFuture().join();
      return code;
    }
    node.close();
    if (certs != null) certs.close();
    return code;
  }
}
