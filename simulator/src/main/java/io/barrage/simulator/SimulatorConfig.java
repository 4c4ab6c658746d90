package io.barrage.simulator;

import io.barrage.simulator.telemetry.StackMetrics;

import io.barrage.simulator.http.ConnectionPolicy;
import java.nio.file.Path;
import java.util.Objects;

/**
 * How to start one simulated server.
 *
 * @param host address to bind (loopback for tests)
 * @param port port to bind; 0 picks an ephemeral port
 * @param profile the serving stack to simulate
 * @param truthLogFile where to append ground truth as JSON Lines, record by record, none of it kept in
 *     memory; null for no file
 * @param seed seeds token texts and fault draws
 * @param apiKey when set, generation routes require {@code Authorization: Bearer <apiKey>} as TGI's
 *     {@code --api-key} does (else 401, empty body); null = no auth. Never logged or printed.
 * @param ioNice nice value of the HTTP event loops (0 = normal; see {@link #withIoNice})
 * @param realtimeClock SCHED_FIFO for the engine's scheduling thread where permitted (see {@link #withRealtimeClock})
 * @param realtimeIo SCHED_FIFO for the HTTP event loops where permitted (see {@link #withRealtimeIo})
 * @param connections closing after streamed responses and the listen backlog (see {@link #withConnections})
 * @param truthInMemory keep every ground-truth record in memory, for a test that reads them in
 *     process ({@code SimulatorServer.truth().get(id)}); grows with every request, so only
 *     {@link #loopback} turns it on (see {@link #withTruthInMemory})
 * @param metricsNames whose names {@code GET /metrics} serves; null: the profile's own
 * @param dcgmPods the pod holding each simulated GPU ({@code namespace/name}, GPU 0 first) as
 *     {@code GET /dcgm/metrics} labels it, as dcgm-exporter does with its Kubernetes mapping on; empty
 *     or a GPU past the list: no pod labels (see {@link #withDcgmPods})
 */
public record SimulatorConfig(String host, int port, Profile profile, Path truthLogFile, long seed, String apiKey,
    int ioNice, boolean realtimeClock, boolean realtimeIo, ConnectionPolicy connections, boolean truthInMemory,
    StackMetrics metricsNames, java.util.List<String> dcgmPods) {
  public SimulatorConfig {
    dcgmPods = dcgmPods == null ? java.util.List.of() : java.util.List.copyOf(dcgmPods);
    for (String pod : dcgmPods) {
      if (!pod.isEmpty() && !pod.matches("[^/\\s]+/[^/\\s]+")) throw new IllegalArgumentException("a DCGM pod is namespace/name, got '" + pod + "'");
    }
    Objects.requireNonNull(connections, "connections");
    if (ioNice < 0 || ioNice > 19) throw new IllegalArgumentException("io nice must be 0..19, got " + ioNice);
    if (realtimeIo && ioNice > 0) throw new IllegalArgumentException("real-time event loops and an io nice of " + ioNice + " exclude each other");
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(profile, "profile");
    if (port < 0 || port > 65535) throw new IllegalArgumentException("port must be 0..65535, got " + port);
    if (apiKey != null && apiKey.isEmpty()) throw new IllegalArgumentException("the api key must not be empty");
  }

  /** {@code GET /metrics} with the profile's own names (TGI's; none for a FastAPI profile). */
  public SimulatorConfig(String host, int port, Profile profile, Path truthLogFile, long seed, String apiKey, int ioNice,
      boolean realtimeClock, boolean realtimeIo, ConnectionPolicy connections, boolean truthInMemory) {
    this(host, port, profile, truthLogFile, seed, apiKey, ioNice, realtimeClock, realtimeIo, connections, truthInMemory, null, null);
  }

  /**
   * Labels GPU {@code i} of {@code GET /dcgm/metrics} with the {@code pod}, {@code namespace} and
   * {@code container} of the i-th entry ({@code namespace/name}; an empty entry: no pod holds it), as a
   * DCGM exporter with its Kubernetes mapping on does.
   */
  public SimulatorConfig withDcgmPods(java.util.List<String> pods) {
    return new SimulatorConfig(host, port, profile, truthLogFile, seed, apiKey, ioNice, realtimeClock, realtimeIo, connections, truthInMemory,
        metricsNames, pods);
  }

  /**
   * Serves {@code GET /metrics} with the names of {@code names} (TGI, vLLM, llama.cpp or none);
   * null: the profile's own (docs/telemetry.md).
   */
  public SimulatorConfig withMetricsNames(StackMetrics names) {
    return new SimulatorConfig(host, port, profile, truthLogFile, seed, apiKey, ioNice, realtimeClock, realtimeIo, connections, truthInMemory, names, dcgmPods);
  }

  /** Ground truth not kept in memory. */
  public SimulatorConfig(String host, int port, Profile profile, Path truthLogFile, long seed, String apiKey, int ioNice,
      boolean realtimeClock, boolean realtimeIo, ConnectionPolicy connections) {
    this(host, port, profile, truthLogFile, seed, apiKey, ioNice, realtimeClock, realtimeIo, connections, false);
  }

  /** Keep-alive connections, the default backlog. */
  public SimulatorConfig(String host, int port, Profile profile, Path truthLogFile, long seed, String apiKey, int ioNice,
      boolean realtimeClock, boolean realtimeIo) {
    this(host, port, profile, truthLogFile, seed, apiKey, ioNice, realtimeClock, realtimeIo, ConnectionPolicy.DEFAULT);
  }

  /** Event loops not real-time. */
  public SimulatorConfig(String host, int port, Profile profile, Path truthLogFile, long seed, String apiKey, int ioNice,
      boolean realtimeClock) {
    this(host, port, profile, truthLogFile, seed, apiKey, ioNice, realtimeClock, false);
  }

  /** Without an api key. */
  public SimulatorConfig(String host, int port, Profile profile, Path truthLogFile, long seed) {
    this(host, port, profile, truthLogFile, seed, null, 0, false);
  }

  /** 127.0.0.1, an ephemeral port, no truth file, seed 1, no api key. */
  public static SimulatorConfig loopback(String profileName) {
    return loopback(Profiles.get(profileName));
  }

  /** 127.0.0.1, an ephemeral port, no truth file, ground truth kept in memory, seed 1, no api key. */
  public static SimulatorConfig loopback(Profile profile) {
    return new SimulatorConfig("127.0.0.1", 0, profile, null, 1, null, 0, false, false, ConnectionPolicy.DEFAULT, true);
  }

  /**
   * Streams the ground truth to {@code file} and keeps none of it in memory (a long run's log is
   * hundreds of MB); {@link #withTruthInMemory} after this keeps it in memory as well.
   */
  public SimulatorConfig withTruthLog(Path file) {
    return new SimulatorConfig(host, port, profile, file, seed, apiKey, ioNice, realtimeClock, realtimeIo, connections,
        file == null && truthInMemory, metricsNames, dcgmPods);
  }

  /** Keeps every ground-truth record in memory for {@code SimulatorServer.truth().get(id)} and {@code all()}, or not. */
  public SimulatorConfig withTruthInMemory(boolean on) {
    return new SimulatorConfig(host, port, profile, truthLogFile, seed, apiKey, ioNice, realtimeClock, realtimeIo, connections, on, metricsNames, dcgmPods);
  }

  public SimulatorConfig withSeed(long s) {
    return new SimulatorConfig(host, port, profile, truthLogFile, s, apiKey, ioNice, realtimeClock, realtimeIo, connections, truthInMemory, metricsNames, dcgmPods);
  }

  public SimulatorConfig withApiKey(String key) {
    return new SimulatorConfig(host, port, profile, truthLogFile, seed, key, ioNice, realtimeClock, realtimeIo, connections, truthInMemory, metricsNames, dcgmPods);
  }

  /**
   * Runs the HTTP event loops (request parsing, token rendering and writing) at this Linux nice
   * value (0..19; 0 = normal), so that when the machine is short of CPU the engine's scheduling
   * thread, which keeps the simulated GPU's clock, wins the CPU over the socket work, as a GPU's
   * steps do not wait for the router's writes. Only lowers priority: needs no privilege.
   */
  public SimulatorConfig withIoNice(int nice) {
    return new SimulatorConfig(host, port, profile, truthLogFile, seed, apiKey, nice, realtimeClock, realtimeIo, connections, truthInMemory, metricsNames, dcgmPods);
  }

  /**
   * Asks for a real-time (SCHED_FIFO) scheduling thread for the engine, so that the simulated GPU's
   * steps fire on time even when every core is busy; needs CAP_SYS_NICE, else the engine runs as an
   * ordinary thread (see {@code Engine}).
   */
  public SimulatorConfig withRealtimeClock(boolean on) {
    return new SimulatorConfig(host, port, profile, truthLogFile, seed, apiKey, ioNice, on, realtimeIo, connections, truthInMemory, metricsNames, dcgmPods);
  }

  /**
   * Runs the HTTP event loops under SCHED_FIFO (below the engine's real-time scheduling thread) where
   * the system permits it (CAP_SYS_NICE), so that a request's arrival and a token's write are
   * stamped the moment the socket is ready, even while the JVM's compiler, collector or log writer
   * wants the same core: the ground truth of an accuracy measurement. Not the default: event loops
   * that are saturated (a capacity test) would then starve the simulator's other threads.
   */
  public SimulatorConfig withRealtimeIo(boolean on) {
    return new SimulatorConfig(host, port, profile, truthLogFile, seed, apiKey, on ? 0 : ioNice, realtimeClock, on, connections, truthInMemory, metricsNames, dcgmPods);
  }

  /**
   * Handles connections as a particular real server does: closing after every streamed response
   * (with or without saying so) and a small listen backlog. Default: keep-alive, backlog 4096.
   */
  public SimulatorConfig withConnections(ConnectionPolicy c) {
    return new SimulatorConfig(host, port, profile, truthLogFile, seed, apiKey, ioNice, realtimeClock, realtimeIo, c, truthInMemory, metricsNames, dcgmPods);
  }

  /** The key itself is never part of the text (configs end up in logs). */
  @Override
  public String toString() {
    return "SimulatorConfig[host=" + host + ", port=" + port + ", profile=" + profile.name() + ", truthLogFile="
        + truthLogFile + ", seed=" + seed + ", apiKey=" + (apiKey == null ? "none" : "<redacted>") + ", ioNice=" + ioNice + ", realtimeClock=" + realtimeClock + ", realtimeIo=" + realtimeIo + ", connections=" + connections + ", truthInMemory=" + truthInMemory + ", metricsNames=" + metricsNames + ", dcgmPods=" + dcgmPods + "]";
  }
}
