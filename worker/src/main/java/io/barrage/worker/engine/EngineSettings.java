package io.barrage.worker.engine;

import com.typesafe.config.Config;
import io.barrage.protocol.scenario.TargetSecrets;
import java.time.Duration;

/**
 * Settings of the load engine, read once from {@code barrage.worker.engine} (see reference.conf).
 *
 * @param maxSseLineBytes longest SSE line accepted; longer is a malformed response
 * @param maxBodyBytes largest whole (non-streamed) response body accepted
 * @param connectingTimeout TCP connect timeout, TLS handshake included (a {@code connect} error past
 *     it, {@code tls} when the handshake is what did not finish)
 * @param openLoopMaxConnections connections per target host in open-loop steps
 * @param ioThreads event-loop threads of the HTTP client; 0 = one per core
 * @param timeoutTick how often in-flight requests are checked against their timeouts
 * @param ioRealtime run the event loops under SCHED_FIFO where the system permits it ({@code
 *     io-priority = realtime}): a token's arrival is then stamped as soon as its socket is ready,
 *     even while the JVM's JIT compiler or another thread of the worker has the core. For accuracy
 *     on a machine whose cores are shared; loops that are saturated would starve the worker's other
 *     threads, so it is not the default
 * @param targetSecrets which environment variables {@code auth.env} may name and where each may be
 *     sent ({@code BARRAGE_TARGET_SECRETS}, read from the process environment)
 */
public record EngineSettings(
    int maxSseLineBytes,
    int maxBodyBytes,
    Duration connectingTimeout,
    int openLoopMaxConnections,
    int ioThreads,
    Duration timeoutTick,
    boolean ioRealtime,
    TargetSecrets targetSecrets) {

  /** The same settings with the event loops real-time (or not). */
  public EngineSettings withIoRealtime(boolean on) {
    return new EngineSettings(maxSseLineBytes, maxBodyBytes, connectingTimeout, openLoopMaxConnections, ioThreads,
        timeoutTick, on, targetSecrets);
  }

  /** The same settings with another connect timeout. */
  public EngineSettings withConnectingTimeout(Duration d) {
    return new EngineSettings(maxSseLineBytes, maxBodyBytes, d, openLoopMaxConnections, ioThreads, timeoutTick,
        ioRealtime, targetSecrets);
  }

  /** The same settings with another target-secret policy. */
  public EngineSettings withTargetSecrets(TargetSecrets t) {
    return new EngineSettings(maxSseLineBytes, maxBodyBytes, connectingTimeout, openLoopMaxConnections, ioThreads,
        timeoutTick, ioRealtime, t);
  }

  /** The values of the worker's reference.conf (tests and benchmarks that start an engine by hand). */
  public static EngineSettings defaults() {
    return new EngineSettings(1 << 20, 16 << 20, Duration.ofSeconds(10), 4096, 0, Duration.ofMillis(10), false,
        TargetSecrets.fromEnvironment());
  }

  /** Reads {@code barrage.worker.engine}; through {@link io.barrage.worker.WorkerSettings}, which refuses unknown keys. */
  public static EngineSettings fromConfig(Config c) {
    return new EngineSettings(
        (int) Math.min(Integer.MAX_VALUE, c.getBytes("max-sse-line")),
        (int) Math.min(Integer.MAX_VALUE, c.getBytes("max-body")),
        c.getDuration("connecting-timeout"),
        c.getInt("open-loop-max-connections"),
        c.getInt("io-threads"),
        c.getDuration("timeout-tick"),
        ioRealtime(c.getString("io-priority")),
        TargetSecrets.fromEnvironment());
  }

  private static boolean ioRealtime(String priority) {
    return switch (priority.trim()) {
      case "normal" -> false;
      case "realtime" -> true;
      default -> throw new IllegalArgumentException(
          "barrage.worker.engine.io-priority (BARRAGE_IO_PRIORITY) must be normal or realtime, got '" + priority + "'");
    };
  }
}
