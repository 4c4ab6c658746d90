package io.barrage.coordinator.node;

import io.barrage.coordinator.http.ApiRoutes;
import io.barrage.coordinator.metrics.LiveMetrics;
import io.barrage.coordinator.run.ResultsSink;
import io.barrage.coordinator.run.RunHooks;
import io.barrage.coordinator.run.RunIntake;
import io.barrage.coordinator.run.Runs;
import io.barrage.protocol.scenario.TargetAllowList;
import io.barrage.protocol.wire.ClusterConfig;
import io.barrage.protocol.wire.ClusterSecurity;
import io.barrage.protocol.wire.MembershipLog;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A coordinator node: the {@code barrage} ActorSystem with role {@code coordinator} (optionally also
 * {@code worker}, for single-process runs), joined to itself as the seed, the {@link Runs} service and,
 * when an HTTP port is given, the API and live page.
 */
public final class CoordinatorNode implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(CoordinatorNode.class);

  /**
   * @param httpPort −1: no HTTP; 0: any free port
   * @param alsoWorker give this node the worker role too (single-process mode)
   * @param apiToken bearer token of the API (never logged)
   * @param runsDir where runs posted to the API write their results ({@code runsDir/<runId>})
   * @param clusterSecurity how the cluster port is protected (mutual TLS, or plain TCP)
   * @param metricsToken a second bearer token that {@code GET /metrics} accepts besides the API token
   *     (read-only: it opens nothing else), or null
   */
  public record Settings(
      String canonicalHost,
      String bindHost,
      int port,
      int httpPort,
      String httpBindHost,
      boolean alsoWorker,
      String apiToken,
      Path runsDir,
      Path scenarioBaseDir,
      ClusterSecurity clusterSecurity,
      String metricsToken) {

    /** Without a metrics token: {@code GET /metrics} takes the API token only. */
    public Settings(
        String canonicalHost, String bindHost, int port, int httpPort, String httpBindHost, boolean alsoWorker, String apiToken, Path runsDir,
        Path scenarioBaseDir, ClusterSecurity clusterSecurity) {
      this(canonicalHost, bindHost, port, httpPort, httpBindHost, alsoWorker, apiToken, runsDir, scenarioBaseDir, clusterSecurity, null);
    }

    /** Plain TCP, loopback only ({@link ClusterSecurity#LOOPBACK_ONLY}): single-machine use and tests. */
    public Settings(
        String canonicalHost, String bindHost, int port, int httpPort, String httpBindHost, boolean alsoWorker, String apiToken, Path runsDir, Path scenarioBaseDir) {
      this(canonicalHost, bindHost, port, httpPort, httpBindHost, alsoWorker, apiToken, runsDir, scenarioBaseDir, ClusterSecurity.LOOPBACK_ONLY);
    }
  }

  private final ActorSystem<Void> system;
  private final Runs runs;
  private final ServerBinding http;
  private final LiveMetrics metrics;
  private final RunIntake intake;

  private CoordinatorNode(ActorSystem<Void> system, Runs runs, ServerBinding http, RunIntake intake, LiveMetrics metrics) {
    this.metrics = metrics;
    this.system = system;
    this.runs = runs;
    this.http = http;
    this.intake = intake;
  }

  public static CoordinatorNode start(Settings s, ResultsSink sink) {
    return start(s, sink, RunHooks.NONE, 1);
  }

  /**
   * @param hooks what the platform adds around each run (Kubernetes: discovery, scaling, export)
   * @param apiMinWorkers workers a run posted to the API waits for (and has scaled up to), unless the
   *     request names its own ({@code POST /api/runs?workers=N})
   */
  public static CoordinatorNode start(Settings s, ResultsSink sink, RunHooks hooks, int apiMinWorkers) {
    return start(s, sink, hooks, apiMinWorkers, TargetAllowList.ANY);
  }

  /** @param allowTargets targets a scenario posted to the API may name ({@code --allow-targets}) */
  public static CoordinatorNode start(Settings s, ResultsSink sink, RunHooks hooks, int apiMinWorkers, TargetAllowList allowTargets) {
    List<String> roles = new ArrayList<>(List.of(ClusterConfig.ROLE_COORDINATOR));
    if (s.alsoWorker()) roles.add(ClusterConfig.ROLE_WORKER);
    var config = ClusterConfig.node(roles, s.canonicalHost(), s.bindHost(), s.port(), List.of(), s.clusterSecurity());
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), ClusterConfig.SYSTEM_NAME, config);
    try {
      system.systemActorOf(MembershipLog.create(), "membership-log", org.apache.pekko.actor.typed.Props.empty());
      var conf = system.settings().config();
      java.time.Duration downAfter = UnreachableWorkerDowner.effective(conf.getDuration("barrage.cluster.down-unreachable-worker-after"),
          conf.getDuration("pekko.cluster.split-brain-resolver.stable-after"));
      system.systemActorOf(UnreachableWorkerDowner.create(downAfter), "unreachable-worker-downer", org.apache.pekko.actor.typed.Props.empty());
      Cluster cluster = Cluster.get(system);
      Address self = cluster.selfMember().address();
      cluster.manager().tell(Join.create(self)); // the coordinator is the seed
      CoordinatorSettings settings = CoordinatorSettings.fromConfig(system.settings().config());
      Runs runs = new Runs(system, settings.run(), sink, hooks);
      LiveMetrics metrics = new LiveMetrics();
      runs.addObserver(metrics);
      ServerBinding binding = null;
      ApiRoutes routes = new ApiRoutes(runs, s.apiToken(), () -> cluster.selfMember().status() == MemberStatus.up(), s.runsDir(),
          s.scenarioBaseDir(), apiMinWorkers, settings.maxScenarioBytes()).allowTargets(allowTargets)
          .metrics(metrics::render, s.metricsToken());
      if (s.httpPort() >= 0) {
        binding =
            Http.get(system).newServerAt(s.httpBindHost(), s.httpPort()).bind(routes.routes()).toCompletableFuture().get(30, TimeUnit.SECONDS);
        log.info("coordinator API and live page on http://{}:{}/", s.canonicalHost(), binding.localAddress().getPort());
      }
      log.info("coordinator node {} up ({}); workers join with --join {}:{}", self, describe(s.clusterSecurity()), self.host().get(), self.port().get());
      return new CoordinatorNode(system, runs, binding, routes.intake(), metrics);
    } catch (Exception e) {
      system.terminate();
      throw new IllegalStateException("coordinator could not start: " + e.getMessage(), e);
    }
  }

  static String describe(ClusterSecurity security) {
    return security instanceof ClusterSecurity.MutualTls tls ? "cluster port: mutual TLS, certificates in " + tls.dir() : "cluster port: plain TCP";
  }

  public ActorSystem<Void> system() {
    return system;
  }

  public Runs runs() {
    return runs;
  }

  /** What {@code GET /metrics} serves. */
  public LiveMetrics liveMetrics() {
    return metrics;
  }

  /**
   * How this node starts a run from scenario text, the way {@code POST /api/runs} does (same
   * validation, allowed targets, default workers, results directory), HTTP on or off.
   */
  public RunIntake intake() {
    return intake;
  }

  /** The port workers join at ({@code --join HOST:PORT}). */
  public int clusterPort() {
    return (Integer) Cluster.get(system).selfMember().address().port().get();
  }

  public String clusterHost() {
    return Cluster.get(system).selfMember().address().host().get();
  }

  /** The HTTP port, or −1 without HTTP. */
  public int httpPort() {
    return http == null ? -1 : http.localAddress().getPort();
  }

  public boolean isUp() {
    return Cluster.get(system).selfMember().status() == MemberStatus.up();
  }

  @Override
  public void close() {
    if (http != null) http.terminate(Duration.ofSeconds(2));
    runs.close();
    system.terminate();
    try {
      system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      log.warn("coordinator did not terminate cleanly: {}", e.toString());
    }
  }
}
