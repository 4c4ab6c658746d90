package io.barrage.cli;

import io.barrage.common.time.DurationText;
import io.barrage.simulator.Profile;
import io.barrage.simulator.Profiles;
import io.barrage.simulator.SimulatorConfig;
import io.barrage.simulator.SimulatorServer;
import io.barrage.simulator.http.ConnectionPolicy;
import io.barrage.simulator.tls.ServerTls;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code barrage simulate}: runs one reference LLM server until interrupted. */
@Command(name = "simulate", mixinStandardHelpOptions = true,
    description = "Run a simulated LLM server (TGI-style or FastAPI-style) on this machine.")
public final class SimulateCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--profile", paramLabel = "NAME", description = "Profile to simulate (see --list).")
  String profile;

  @Option(names = "--list", description = "List every profile with a one-line description.")
  boolean list;

  @Option(names = "--port", paramLabel = "N", defaultValue = "8080", description = "Port to listen on (0 = any free port). Default: ${DEFAULT-VALUE}.")
  int port;

  @Option(names = "--host", paramLabel = "ADDR", defaultValue = "127.0.0.1", description = "Address to bind. Default: ${DEFAULT-VALUE}.")
  String host;

  @Option(names = "--truth-log", paramLabel = "FILE", description = "Append each request's true token emission times (JSON Lines).")
  Path truthLog;

  @Option(names = "--metrics-names", paramLabel = "STACK", description = "Whose metric names GET /metrics serves: tgi, vllm, "
      + "llamacpp or none. Default: tgi for a TGI profile, none for a FastAPI one (docs/telemetry.md).")
  String metricsNames;

  @Option(names = "--dcgm-pods", paramLabel = "NS/POD", split = ",", description = "The pod holding each simulated GPU (GPU 0 "
      + "first), labelled on GET /dcgm/metrics as dcgm-exporter's Kubernetes mapping does; an empty entry: no pod (docs/telemetry.md).")
  java.util.List<String> dcgmPods;

  @Option(names = "--seed", defaultValue = "1", description = "Seed for token texts and fault draws. Default: ${DEFAULT-VALUE}.")
  long seed;

  @Option(names = "--time-scale", paramLabel = "X", description = "Run X times faster than real time (all simulated durations / X).")
  Double timeScale;

  @Option(names = "--keep-alive", paramLabel = "DURATION", description = "SSE keep-alive period, e.g. 15s or 500ms (TGI: 15s).")
  String keepAlive;

  @Option(names = "--fault-error-rate", paramLabel = "P", defaultValue = "0", description = "Share of requests failing at once with a generation error.")
  double errorRate;

  @Option(names = "--fault-midstream-error-rate", paramLabel = "P", defaultValue = "0", description = "Share of requests failing with an error event mid-stream.")
  double midStreamErrorRate;

  @Option(names = "--fault-stall-rate", paramLabel = "P", defaultValue = "0", description = "Share of requests that stall (no bytes) mid-stream.")
  double stallRate;

  @Option(names = "--fault-stall", paramLabel = "DURATION", defaultValue = "5s", description = "How long a stall lasts. Default: ${DEFAULT-VALUE}.")
  String stall;

  @Option(names = "--fault-disconnect-rate", paramLabel = "P", defaultValue = "0", description = "Share of requests whose connection is dropped mid-stream.")
  double disconnectRate;

  @Option(names = "--fault-after-tokens", paramLabel = "N", defaultValue = "5", description = "Token after which mid-stream faults strike. Default: ${DEFAULT-VALUE}.")
  int faultAfter;

  @Option(names = "--fault-slow-headers", paramLabel = "DURATION", defaultValue = "0ms", description = "Delay before every response's headers.")
  String slowHeaders;

  @Option(names = "--fault-count-offset", paramLabel = "N", defaultValue = "0", description = "Add N to every token count the server "
      + "reports (generated_tokens, usage) while sending the true tokens: a server that miscounts.")
  int countOffset;

  @Option(names = "--api-key", paramLabel = "KEY", description = "Require 'Authorization: Bearer KEY' on generation routes (TGI's --api-key); "
      + "else 401. Other users of the machine can read a command line: prefer --api-key-env.")
  String apiKey;

  @Option(names = "--io-nice", paramLabel = "N", defaultValue = "0", description = "Linux nice value of the HTTP event "
      + "loops (0..19, 0 = normal): when CPU is short, the engine's scheduling thread (the simulated GPU's clock) "
      + "wins it over socket work. Default: ${DEFAULT-VALUE}.")
  int ioNice;

  /** How the engine's scheduling thread or the event loops are scheduled. */
  enum Priority { realtime, normal }

  @Option(names = "--io-priority", paramLabel = "P", defaultValue = "normal", description = "realtime: run the HTTP "
      + "event loops under SCHED_FIFO (below the engine's thread) when the system allows it, so that request arrivals "
      + "and token writes are stamped the moment a socket is ready even when the JVM's compiler or collector wants the "
      + "core: the setting for accuracy measurements against the truth log. Loops that are saturated then starve the "
      + "simulator's other threads, so not for capacity runs. Default: ${DEFAULT-VALUE}.")
  Priority ioPriority;

  @Option(names = "--clock-priority", paramLabel = "P", defaultValue = "realtime", description = "realtime: run the "
      + "engine's scheduling thread under SCHED_FIFO when the system allows it (CAP_SYS_NICE), so steps fire on time "
      + "on a busy machine; normal: an ordinary thread. Default: ${DEFAULT-VALUE}.")
  Priority clockPriority;

  @Option(names = "--api-key-env", paramLabel = "NAME", description = "Like --api-key, with the key read from environment variable NAME.")
  String apiKeyEnv;

  @Option(names = "--close-after-stream", paramLabel = "MODE", defaultValue = "keep", description = "What happens to a "
      + "connection after a streamed response: keep (HTTP/1.1 keep-alive), silent (closed right after the last chunk "
      + "although the response said 'Keep-Alive: timeout=5, max=100', as some real servers do), announced (closed, "
      + "with 'Connection: close'). Default: ${DEFAULT-VALUE}.")
  String closeAfterStream;

  @Option(names = "--backlog", paramLabel = "N", defaultValue = "4096", description = "Listen backlog (llama.cpp's "
      + "HTTP library uses 5: bursts of new connections beyond it wait for SYN retransmission). Default: ${DEFAULT-VALUE}.")
  int backlog;

  @Option(names = "--head-timeout", paramLabel = "DURATION", defaultValue = "10s", description = "How long a request "
      + "(head and body) may take to arrive once its first byte has; a connection holding part of a request longer is "
      + "answered 408 and closed. Default: ${DEFAULT-VALUE}.")
  String headTimeout;

  @Option(names = "--idle-timeout", paramLabel = "DURATION", defaultValue = "60s", description = "How long a keep-alive "
      + "connection may wait for its next request before it is closed (uvicorn: 5s). A response that is still streaming "
      + "is never cut. Default: ${DEFAULT-VALUE}.")
  String idleTimeout;

  /** Where {@code --api-key-env} reads from (tests replace it). */
  java.util.function.UnaryOperator<String> environment = System::getenv;

  @Option(names = "--tls-cert", paramLabel = "FILE", description = "Serve https with this PEM certificate (chain); needs --tls-key.")
  java.nio.file.Path tlsCert;

  @Option(names = "--tls-key", paramLabel = "FILE", description = "The unencrypted PKCS#8 PEM private key of --tls-cert.")
  java.nio.file.Path tlsKey;

  @Option(names = "--tls-self-signed", description = "Serve https with a self-signed certificate generated now (for tests); "
      + "its PEM file, to trust with a target's tls.caFile, is printed.")
  boolean tlsSelfSigned;

  @Override
  public Integer call() throws Exception {
    if (list) {
      for (Profile p : Profiles.all()) {
        spec.commandLine().getOut().printf("%-40s %s%n", p.name(), p.description());
      }
      return ExitCodes.OK;
    }
    SimulatorConfig config = config();
    ServerTls tls = tls();
    SimulatorServer server;
    try {
      server = SimulatorServer.start(config, tls);
    } catch (RuntimeException e) {
      throw new ExitException(ExitCodes.BAD_INPUT, "barrage simulate: " + e.getMessage());
    }
    CountDownLatch stop = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.close();
      stop.countDown();
    }, "simulate-shutdown"));
    Profile p = config.profile();
    spec.commandLine().getOut().printf("barrage simulate: profile %s (%s) listening on %s%s%n", p.name(), p.description(),
        server.baseUrl(), config.apiKey() == null ? "" : " (bearer token required on generation routes)");
    if (tlsSelfSigned) {
      spec.commandLine().getOut().printf("barrage simulate: self-signed certificate (trust it with tls.caFile): %s%n",
          tls.certificateFile());
    }
    spec.commandLine().getOut().flush();
    stop.await();
    return ExitCodes.OK;
  }

  /** The TLS identity asked for (null: plain http); bad input is an {@link ExitException} with exit code 2. */
  ServerTls tls() {
    if (tlsSelfSigned && (tlsCert != null || tlsKey != null)) {
      throw new ExitException(ExitCodes.BAD_INPUT, "barrage simulate: give --tls-self-signed or --tls-cert/--tls-key, not both");
    }
    if ((tlsCert == null) != (tlsKey == null)) {
      throw new ExitException(ExitCodes.BAD_INPUT, "barrage simulate: --tls-cert and --tls-key go together");
    }
    try {
      if (tlsCert != null) return ServerTls.fromPem(tlsCert, tlsKey);
      if (tlsSelfSigned) return ServerTls.selfSigned(java.nio.file.Files.createTempDirectory("barrage-simulator-tls"));
    } catch (IllegalArgumentException | IllegalStateException | java.io.IOException e) {
      throw new ExitException(ExitCodes.BAD_INPUT, "barrage simulate: " + e.getMessage());
    }
    return null;
  }

  /** The server this command line asks for; bad input is an {@link ExitException} with exit code 2. */
  SimulatorConfig config() {
    if (profile == null) {
      throw new ExitException(ExitCodes.BAD_INPUT, "barrage simulate: --profile NAME is required; valid profiles: "
          + String.join(", ", Profiles.names()));
    }
    Profile p;
    try {
      p = Profiles.get(profile);
    } catch (IllegalArgumentException e) {
      throw new ExitException(ExitCodes.BAD_INPUT, "barrage simulate: " + e.getMessage());
    }
    if (port < 0 || port > 65535) throw new ExitException(ExitCodes.BAD_INPUT, "barrage simulate: --port must be 0..65535, got " + port);
    if (timeScale != null) {
      if (!(timeScale > 0)) throw new ExitException(ExitCodes.BAD_INPUT, "barrage simulate: --time-scale must be > 0, got " + timeScale);
      p = p.withTimeScale(timeScale);
    }
    if (keepAlive != null) p = p.withKeepAlive(duration("--keep-alive", keepAlive));
    for (double rate : new double[] {errorRate, midStreamErrorRate, stallRate, disconnectRate}) {
      if (rate < 0 || rate > 1) throw new ExitException(ExitCodes.BAD_INPUT, "barrage simulate: fault rates must be between 0 and 1, got " + rate);
    }
    if (faultAfter < 1) throw new ExitException(ExitCodes.BAD_INPUT, "barrage simulate: --fault-after-tokens must be >= 1");
    Profile.Faults faults = new Profile.Faults(errorRate, midStreamErrorRate, stallRate, duration("--fault-stall", stall),
        disconnectRate, faultAfter, duration("--fault-slow-headers", slowHeaders), countOffset);
    if (faults.any()) p = p.withFaults(faults);
    if (ioNice < 0 || ioNice > 19) throw new ExitException(2, "--io-nice must be 0..19, got " + ioNice);
    boolean realtimeIo = ioPriority == Priority.realtime;
    if (realtimeIo && ioNice > 0) throw new ExitException(2, "--io-priority realtime and --io-nice " + ioNice + " exclude each other");
    if (backlog < 1) throw new ExitException(ExitCodes.BAD_INPUT, "barrage simulate: --backlog must be at least 1, got " + backlog);
    ConnectionPolicy.AfterStream after;
    try {
      after = ConnectionPolicy.AfterStream.parse(closeAfterStream);
    } catch (IllegalArgumentException e) {
      throw new ExitException(ExitCodes.BAD_INPUT, "barrage simulate: --close-after-stream " + e.getMessage());
    }
    Duration head = timeout("--head-timeout", headTimeout);
    Duration idle = timeout("--idle-timeout", idleTimeout);
    io.barrage.simulator.telemetry.StackMetrics names;
    try {
      names = metricsNames == null ? null : io.barrage.simulator.telemetry.StackMetrics.fromName(metricsNames);
    } catch (IllegalArgumentException e) {
      throw new ExitException(ExitCodes.BAD_INPUT, "barrage simulate: --metrics-names: " + e.getMessage());
    }
    return new SimulatorConfig(host, port, p, truthLog, seed, apiKey(), ioNice, clockPriority == Priority.realtime, realtimeIo,
        new ConnectionPolicy(after, backlog, head, idle)).withMetricsNames(names).withDcgmPods(dcgmPods(dcgmPods));
  }

  private static java.util.List<String> dcgmPods(java.util.List<String> pods) {
    if (pods == null) return java.util.List.of();
    for (String pod : pods) {
      if (!pod.isEmpty() && !pod.matches("[^/\\s]+/[^/\\s]+")) {
        throw new ExitException(ExitCodes.BAD_INPUT, "barrage simulate: --dcgm-pods: '" + pod + "' is not namespace/name");
      }
    }
    return pods;
  }

  /** The key from --api-key or --api-key-env (never both); null when neither is given. Messages never contain the key. */
  private String apiKey() {
    if (apiKey != null && apiKeyEnv != null) {
      throw new ExitException(ExitCodes.BAD_INPUT, "barrage simulate: give --api-key or --api-key-env, not both");
    }
    if (apiKeyEnv != null) {
      String value = environment.apply(apiKeyEnv);
      if (value == null || value.isEmpty()) {
        throw new ExitException(ExitCodes.BAD_INPUT, "barrage simulate: --api-key-env " + apiKeyEnv
            + ": environment variable " + apiKeyEnv + " is not set or empty");
      }
      return value;
    }
    if (apiKey != null && apiKey.isEmpty()) throw new ExitException(ExitCodes.BAD_INPUT, "barrage simulate: --api-key must not be empty");
    return apiKey;
  }

  /** A connection timeout: a duration from 1ms to 1 day. */
  private static Duration timeout(String option, String text) {
    Duration d = duration(option, text);
    if (d.toMillis() < 1 || d.compareTo(Duration.ofDays(1)) > 0) {
      throw new ExitException(ExitCodes.BAD_INPUT, "barrage simulate: " + option + " must be between 1ms and 24h, got '" + text + "'");
    }
    return d;
  }

  private static Duration duration(String option, String text) {
    try {
      return DurationText.parse(text);
    } catch (IllegalArgumentException e) {
      throw new ExitException(ExitCodes.BAD_INPUT, "barrage simulate: " + option + ": " + e.getMessage());
    }
  }

}
