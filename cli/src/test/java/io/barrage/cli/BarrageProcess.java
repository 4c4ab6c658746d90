package io.barrage.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A {@code barrage} command in its own JVM on this test's classpath (a worker, a coordinator, a
 * whole {@code run}), stdout and stderr in one log file. The ITs that need a real process, a real
 * signal or a real crash start it here, read its log here, and close it here: closing kills it (its
 * whole process group when it leads one) and waits for it to be gone.
 */
final class BarrageProcess implements AutoCloseable {
  private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();

  private final Process process;
  private final Path log;
  private final boolean groupLeader;

  private BarrageProcess(Process process, Path log, boolean groupLeader) {
    this.process = process;
    this.log = log;
    this.groupLeader = groupLeader;
  }

  /** {@code barrage <args>}, started by {@link Launch#start(Path)}. */
  static Launch barrage(String... args) {
    return new Launch(List.of(args));
  }

  /** How to start one: heap, environment, process group. Defaults: 256 MiB, the test's environment. */
  static final class Launch {
    private final List<String> args;
    private String heap = "256m";
    private final Map<String, String> env = new HashMap<>();
    private boolean ownGroup;
    private Path jar;

    private Launch(List<String> args) {
      this.args = args;
    }

    /** {@code -Xmx}: a coordinator or a run with a local worker needs more than a lone worker. */
    Launch heap(String heap) {
      this.heap = heap;
      return this;
    }

    Launch env(String name, String value) {
      env.put(name, value);
      return this;
    }

    /** The process leads its own process group (setsid), as a shell job does: Ctrl-C signals the group. */
    Launch ownProcessGroup() {
      this.ownGroup = true;
      return this;
    }

    /** Runs the built {@code barrage.jar} itself ({@code java -jar}) instead of the test's class path. */
    Launch fromJar(Path jar) {
      this.jar = jar;
      return this;
    }

    BarrageProcess start(Path log) throws IOException {
      List<String> cmd = new ArrayList<>();
      if (ownGroup) cmd.add("setsid");
      // C1 only: these JVMs live seconds, and the two cores are shared with the test JVM
      cmd.addAll(List.of(JAVA, "-Xmx" + heap, "-XX:TieredStopAtLevel=1"));
      if (jar != null) cmd.addAll(List.of("-jar", jar.toString()));
      else cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), BarrageMain.class.getName()));
      cmd.addAll(args);
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
      pb.environment().putAll(env);
      return new BarrageProcess(pb.start(), log, ownGroup);
    }
  }

  Process process() {
    return process;
  }

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  int exitValue() {
    return process.exitValue();
  }

  boolean waitFor(Duration timeout) throws InterruptedException {
    return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** SIGTERM to the process alone: its shutdown hooks run. */
  void terminate() {
    process.destroy();
  }

  /** SIGKILL to the process alone: nothing is flushed, no goodbye. */
  void kill() {
    process.destroyForcibly();
  }

  /** Sends a signal by name ({@code TERM}, {@code STOP}, {@code CONT}) to the process, or to its group when it leads one. */
  void signal(String name) throws IOException, InterruptedException {
    String target = groupLeader ? "-" + process.pid() : Long.toString(process.pid());
    int code = new ProcessBuilder("kill", "-" + name, "--", target).start().waitFor();
    if (code != 0) throw new IllegalStateException("kill -" + name + " " + target + " exited " + code);
  }

  /** Everything it has logged so far; empty before its first line (a character cut mid-write reads as U+FFFD). */
  String log() {
    try {
      return Files.exists(log) ? new String(Files.readAllBytes(log), StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** How many of its log lines contain {@code needle}. */
  long countLines(String needle) {
    return log().lines().filter(l -> l.contains(needle)).count();
  }

  /** Its last {@code n} log lines, to explain a failed assertion. */
  String tail(int n) {
    List<String> lines = log().lines().toList();
    return String.join("\n", lines.subList(Math.max(0, lines.size() - n), lines.size()));
  }

  @Override
  public void close() throws InterruptedException {
    if (groupLeader && process.isAlive()) {
      try {
        signal("KILL"); // the run's own worker JVMs too
      } catch (IOException | IllegalStateException gone) {
        // the group has already ended
      }
    }
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }
}
