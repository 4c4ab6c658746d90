package io.barrage.worker.engine;

import io.barrage.worker.client.HttpDriver;
import io.barrage.worker.client.RequestTrace;
import java.lang.management.ManagementFactory;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.apache.pekko.actor.ActorSystem;

/**
 * One worker's load engine: runs steps (one worker's share of one cell) against a target and
 * measures them. All steps share one HTTP client stack, Pekko HTTP on the given ActorSystem; the
 * connection pool of each step is sized from its load. Usable without a cluster: see {@link
 * LocalStep} for running one step against a URL and getting the merged result.
 */
public final class LoadEngine implements AutoCloseable {
  private final ActorSystem system;
  private final EngineSettings settings;
  private final HttpDriver driver;
  private final Set<StepRunner> running = ConcurrentHashMap.newKeySet();
  private volatile Consumer<RequestTrace> requestListener = t -> {};

  /** @param system a classic ActorSystem (from a typed one: {@code Adapter.toClassic(system)}) */
  public LoadEngine(ActorSystem system, EngineSettings settings) {
    this.system = system;
    this.settings = settings;
    this.driver = new HttpDriver(system, settings.maxSseLineBytes(), settings.maxBodyBytes());
  }

  /** Starts a step; it begins sending at {@code request.startAtEpochMs()}. */
  public RunningStep start(StepRequest request) {
    StepRunner[] self = new StepRunner[1];
    StepRunner r = new StepRunner(request, system, driver, settings, requestListener, () -> running.remove(self[0]));
    self[0] = r;
    running.add(r);
    return r.start();
  }

  /**
   * Sees every finished request (its id, timestamps and outcome), e.g. to compare with a
   * simulator's ground truth. Called on the stream thread that finished the request: keep it cheap.
   * Applies to steps started afterwards.
   */
  public void onRequest(Consumer<RequestTrace> listener) {
    this.requestListener = listener == null ? t -> {} : listener;
  }

  public EngineSettings settings() {
    return settings;
  }

  /** Recent CPU load of this JVM process, 0..1 over all cores, or −1 when the platform does not say. */
  public static double processCpuLoad() {
    var os = ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.OperatingSystemMXBean sun) return sun.getProcessCpuLoad();
    return -1;
  }

  /** Stops every running step gracefully (in-flight requests end within their timeouts). */
  @Override
  public void close() {
    for (StepRunner r : running) r.stop();
  }
}
