package io.barrage.common.os;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Changes the calling thread's Linux scheduling with util-linux's {@code renice} / {@code chrt} on
 * its own thread id (read from {@code /proc/thread-self}). Lowering a thread's priority (a higher
 * nice value) needs no privilege; a real-time policy needs CAP_SYS_NICE. Where either is not
 * possible (another OS, no util-linux, no capability) the call returns false and nothing changes.
 */
public final class ThreadPriority {
  private ThreadPriority() {}

  /** Sets the calling thread's nice value to {@code nice} (1..19); returns whether it took. */
  public static boolean niceCurrentThread(int nice) {
    if (nice <= 0) return false;
    return run("renice", "-n", String.valueOf(nice), "-p") && stat(NICE) == nice;
  }

  /**
   * Puts the calling thread under SCHED_FIFO at {@code priority} (1..99): it then runs as soon as
   * it is runnable, ahead of every ordinary thread (and of real-time threads of a lower priority).
   * Returns whether it took. Threads this one creates afterwards start as ordinary threads
   * (SCHED_RESET_ON_FORK): a pool that grows from a real-time thread's callback must not inherit it.
   */
  public static boolean realtimeCurrentThread(int priority) {
    return run("chrt", "--reset-on-fork", "-f", "-p", String.valueOf(priority)) && stat(POLICY) == 1;
  }

  /**
   * Whether this process may run real-time threads (CAP_SYS_NICE and chrt): asks for SCHED_FIFO on
   * a short-lived thread of its own, so that no caller's thread changes.
   */
  public static boolean realtimePermitted() {
    boolean[] took = new boolean[1];
    Thread probe = new Thread(() -> took[0] = realtimeCurrentThread(1), "rt-permission-probe");
    probe.start();
    try {
      probe.join(TimeUnit.SECONDS.toMillis(30));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
    return !probe.isAlive() && took[0];
  }

  /**
   * The names of this process's threads that run under SCHED_FIFO (what a log line or a test can
   * show after asking for real-time threads); empty off Linux.
   */
  public static List<String> realtimeThreads() {
    List<String> names = new ArrayList<>();
    try (var tasks = Files.list(Path.of("/proc/self/task"))) {
      for (Path t : (Iterable<Path>) tasks::iterator) {
        try {
          String s = Files.readString(t.resolve("stat"));
          if (field(s, POLICY) == 1) names.add(s.substring(s.indexOf('(') + 1, s.lastIndexOf(')')));
        } catch (IOException | RuntimeException e) {
          // the thread ended meanwhile
        }
      }
    } catch (IOException e) {
      return List.of();
    }
    return names;
  }

  /** Fields of a /proc stat line, 0-based after the command name: the nice value and the policy (1 = SCHED_FIFO). */
  private static final int NICE = 16;
  private static final int POLICY = 38;

  /** Field {@code index} of a /proc stat line (the command name may hold spaces and parentheses). */
  private static long field(String stat, int index) {
    return Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[index]);
  }

  /** Field {@code index} of /proc/thread-self/stat, or -1. */
  static long stat(int index) {
    try {
      return field(Files.readString(Path.of("/proc/thread-self/stat")), index);
    } catch (Exception e) {
      return -1;
    }
  }

  /** The calling thread's nice value, or -1 where /proc is not there. */
  public static int currentNice() {
    return (int) stat(NICE);
  }

  /** Whether the calling thread runs under SCHED_FIFO. */
  public static boolean currentIsRealtime() {
    return stat(POLICY) == 1;
  }

  private static boolean run(String... command) {
    try {
      String tid = Files.readSymbolicLink(Path.of("/proc/thread-self")).getFileName().toString(); // "<pid>/task/<tid>"
      String[] cmd = java.util.Arrays.copyOf(command, command.length + 1);
      cmd[command.length] = tid;
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      if (!p.waitFor(5, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return false;
      }
      return p.exitValue() == 0;
    } catch (Exception e) {
      return false; // no util-linux, no /proc: not possible here
    }
  }
}
