package io.barrage.cli;

import io.barrage.coordinator.node.CoordinatorNode;
import io.barrage.coordinator.report.ResultWriter;
import io.barrage.protocol.wire.ClusterSecurity;
import io.barrage.worker.cluster.EngineStepLauncher;
import io.barrage.worker.cluster.WorkerAgent;
import io.barrage.worker.cluster.WorkerNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Adapter;

/**
 * A whole cluster on this machine: the coordinator in this JVM and N worker JVMs on loopback started
 * with the same classpath ({@code BarrageMain worker --join ...}). Every worker JVM is stopped when
 * the cluster is closed, on failure, and on Ctrl-C (shutdown hook); each also exits by itself if this
 * process disappears ({@code --exit-with-parent}). Worker JVMs run in a session of their own
 * ({@code setsid}, where the machine has it) and with SIGINT ignored, so a Ctrl-C meant for
 * {@code barrage run} stops the coordinator alone: it interrupts the run while every worker still
 * reports, and then stops them; a worker that got the signal too would leave first and turn the
 * run's outcome from {@code interrupted} into {@code degraded}. With N = 0 the coordinator node also
 * carries the worker role (one process).
 *
 * <p>With worker JVMs the cluster port speaks mutual TLS with a CA and certificate made for this run
 * ({@link ClusterCertificates}, in a private temporary directory deleted on close): another local
 * user or process that reaches the loopback port cannot join or order the workers.
 */
final class LocalCluster implements AutoCloseable {
  /** How long closing waits for an interrupted run's results: as long as the coordinator's own shutdown does. */
  private static final Duration INTERRUPT_WAIT = Duration.ofSeconds(9);

  /** The {@code setsid} program (util-linux) when this machine has one, else null: workers then share this job's process group. */
  private static final Path SETSID = java.util.stream.Stream.of("/usr/bin/setsid", "/bin/setsid").map(Path::of)
      .filter(Files::isExecutable).findFirst().orElse(null);

  /** A POSIX shell, to start workers with SIGINT ignored; null where there is none (workers then take it). */
  private static final Path SH = Files.isExecutable(Path.of("/bin/sh")) ? Path.of("/bin/sh") : null;

  private final CoordinatorNode coordinator;
  private final ClusterCertificates certificates;
  private final List<Process> workers = new ArrayList<>();
  private final List<Path> workerLogs = new ArrayList<>();
  private final Thread hook;
  private EngineStepLauncher inProcessLauncher;
  private boolean closed;

  private LocalCluster(CoordinatorNode coordinator, ClusterCertificates certificates) {
    this.coordinator = coordinator;
    this.certificates = certificates;
    this.hook = new Thread(() -> close("the coordinator is shutting down (the process was asked to exit: SIGTERM or Ctrl-C)"), "barrage-local-cluster-stop");
    Runtime.getRuntime().addShutdownHook(hook);
  }

  static LocalCluster start(int workerCount, Path logDir, int httpPort, String apiToken) throws IOException {
    // one process has no cluster peer to authenticate: its port stays plain and on loopback
    ClusterCertificates certs = workerCount == 0 ? null : ClusterCertificates.create("barrage-run-ca", 2);
    CoordinatorNode node;
    try {
      node = CoordinatorNode.start(
          new CoordinatorNode.Settings("127.0.0.1", "127.0.0.1", 0, httpPort, "127.0.0.1", workerCount == 0, apiToken, logDir, Path.of(""),
              certs == null ? ClusterSecurity.LOOPBACK_ONLY : certs.security(), io.barrage.common.http.BearerToken.metricsTokenFromEnvironment()),
          ResultWriter::write);
    } catch (RuntimeException e) {
      if (certs != null) certs.close();
      throw e;
    }
    LocalCluster c = new LocalCluster(node, certs);
    try {
      if (workerCount == 0) {
        c.inProcessLauncher = EngineWarmup.warm(new EngineStepLauncher(Adapter.toClassic(node.system())));
        ActorRef<WorkerAgent.Command> agent =
            node.system().systemActorOf(WorkerAgent.create(c.inProcessLauncher, WorkerAgent.Settings.defaults()), "worker", Props.empty());
        WorkerNode.installFlushOnShutdown(node.system(), agent, Duration.ofSeconds(15));
      } else {
        Files.createDirectories(logDir);
        for (int i = 0; i < workerCount; i++) c.startWorker(i, logDir);
      }
      return c;
    } catch (IOException | RuntimeException e) {
      c.close();
      throw e;
    }
  }

  private void startWorker(int i, Path logDir) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = new ArrayList<>();
    // a session of its own: the terminal's Ctrl-C (or a signal to this job's process group) reaches
    // this process only, which interrupts the run with every worker still reporting, then stops them
    if (SETSID != null) cmd.add(SETSID.toString());
    // and SIGINT ignored, for machines without setsid, where the terminal's Ctrl-C reaches the workers
    // too: the JVM leaves a signal it inherits as ignored alone (stopping a worker is SIGTERM)
    if (SH != null) cmd.addAll(List.of(SH.toString(), "-c", "trap '' INT; exec \"$0\" \"$@\""));
    cmd.addAll(List.of(java, "-cp", System.getProperty("java.class.path")));
    String opts = System.getenv("BARRAGE_WORKER_JAVA_OPTS");
    if (opts != null && !opts.isBlank()) cmd.addAll(List.of(opts.trim().split("\\s+")));
    cmd.addAll(List.of(
        BarrageMain.class.getName(), "worker",
        "--join", coordinator.clusterHost() + ":" + coordinator.clusterPort(),
        "--host", "127.0.0.1", "--port", "0",
        "--cluster-tls-dir", certificates.dir().toString(),
        "--exit-with-parent", Long.toString(ProcessHandle.current().pid())));
    Path log = logDir.resolve("worker-" + (i + 1) + ".log");
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    workers.add(p);
    workerLogs.add(log);
  }

  CoordinatorNode coordinator() {
    return coordinator;
  }

  /** The coordinator's own load engine when it is the one worker ({@code --local-workers 0}), else null. */
  io.barrage.worker.engine.LoadEngine inProcessEngine() {
    return inProcessLauncher == null ? null : inProcessLauncher.engine();
  }

  /** A worker JVM that has already exited, with its log, or null. */
  String deadWorker() {
    for (int i = 0; i < workers.size(); i++) {
      if (!workers.get(i).isAlive()) return "worker " + (i + 1) + " exited with code " + workers.get(i).exitValue() + " (log: " + workerLogs.get(i) + ")";
    }
    return null;
  }

  @Override
  public void close() {
    close("the local cluster was closed");
  }

  private synchronized void close(String reason) {
    if (closed) return;
    closed = true;
    // a run still going is interrupted while its workers are alive, so their last reports are counted
    // and the outcome says why; only then is each worker sent SIGTERM: it flushes what it recorded and leaves
    coordinator.runs().interruptActive(reason, INTERRUPT_WAIT);
    for (Process p : workers) p.destroy();
    for (Process p : workers) {
      try {
        if (!p.waitFor(20, TimeUnit.SECONDS)) p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        p.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
    coordinator.close();
    if (inProcessLauncher != null) inProcessLauncher.close();
    if (certificates != null) certificates.close();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // already shutting down: this is the hook
    }
  }
}
