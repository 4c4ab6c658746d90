package io.barrage.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Throttles a process to a share of one CPU, as a container's CPU limit does. With a writable cgroup
 * v1 {@code cpu} controller ({@code /sys/fs/cgroup/cpu}, root) the process is moved into a cgroup of
 * its own with {@code cpu.cfs_quota_us / cpu.cfs_period_us} = the share, and moved back on close;
 * otherwise a thread stops and continues it (SIGSTOP/SIGCONT) in a duty cycle of the same share
 * over 100 ms periods. {@link #how()} says which one is in use.
 */
abstract class CpuThrottle implements AutoCloseable {
  private static final Path CPU = Path.of("/sys/fs/cgroup/cpu");
  private static final long PERIOD_US = 100_000;

  /** A human-readable description of the mechanism, for the test's output. */
  abstract String how();

  /** How many times the process has been held back so far (CFS periods throttled, or stop phases). */
  abstract long throttledPeriods() throws IOException;

  @Override
  public abstract void close() throws IOException;

  /** Throttles {@code pid} to {@code share} of one CPU until closed. */
  static CpuThrottle start(long pid, double share) throws IOException {
    if (Files.isWritable(CPU.resolve("cgroup.procs"))) {
      try {
        return new Cgroup(pid, share);
      } catch (IOException e) {
        // a read-only or delegated hierarchy: fall back to the duty cycle
      }
    }
    return new DutyCycle(pid, share);
  }

  private static final class Cgroup extends CpuThrottle {
    private final long pid;
    private final Path group;
    private final Path original;
    private final double share;

    Cgroup(long pid, double share) throws IOException {
      this.pid = pid;
      this.share = share;
      this.original = CPU.resolve(currentGroup(pid));
      this.group = CPU.resolve("barrage-it-" + ProcessHandle.current().pid() + "-" + pid);
      Files.createDirectories(group);
      try {
        Files.writeString(group.resolve("cpu.cfs_period_us"), Long.toString(PERIOD_US));
        Files.writeString(group.resolve("cpu.cfs_quota_us"), Long.toString(Math.round(PERIOD_US * share)));
        Files.writeString(group.resolve("cgroup.procs"), Long.toString(pid)); // moves every thread of the process
      } catch (IOException e) {
        Files.deleteIfExists(group);
        throw e;
      }
    }

    /** The process's path in the cpu hierarchy, e.g. "/" (from /proc/PID/cgroup, line "N:cpu...:/path"). */
    private static String currentGroup(long pid) throws IOException {
      for (String l : Files.readAllLines(Path.of("/proc", Long.toString(pid), "cgroup"))) {
        String[] f = l.split(":", 3);
        if (f.length == 3 && java.util.List.of(f[1].split(",")).contains("cpu")) return f[2].startsWith("/") ? f[2].substring(1) : f[2];
      }
      throw new IOException("process " + pid + " is in no cgroup v1 cpu hierarchy");
    }

    @Override
    long throttledPeriods() throws IOException {
      for (String l : Files.readAllLines(group.resolve("cpu.stat"))) {
        if (l.startsWith("nr_throttled ")) return Long.parseLong(l.substring("nr_throttled ".length()).trim());
      }
      throw new IOException("no nr_throttled in " + group.resolve("cpu.stat"));
    }

    @Override
    String how() {
      return "cgroup v1 cpu quota " + Math.round(PERIOD_US * share) + "/" + PERIOD_US + " us (" + group + ")";
    }

    @Override
    public void close() throws IOException {
      try {
        if (ProcessHandle.of(pid).isPresent()) Files.writeString(original.resolve("cgroup.procs"), Long.toString(pid));
      } finally {
        Files.deleteIfExists(group);
      }
    }
  }

  private static final class DutyCycle extends CpuThrottle {
    private final long pid;
    private final double share;
    private final Thread cycler;
    private volatile boolean running = true;
    private final java.util.concurrent.atomic.AtomicLong stops = new java.util.concurrent.atomic.AtomicLong();

    DutyCycle(long pid, double share) {
      this.pid = pid;
      this.share = share;
      long runMs = Math.max(1, Math.round(PERIOD_US * share / 1000));
      long stopMs = PERIOD_US / 1000 - runMs;
      cycler = new Thread(() -> {
        try {
          while (running) {
            signal("STOP");
            stops.incrementAndGet();
            TimeUnit.MILLISECONDS.sleep(stopMs); // the throttle's off phase, not a wait for an event
            signal("CONT");
            TimeUnit.MILLISECONDS.sleep(runMs);
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        } finally {
          signal("CONT");
        }
      }, "cpu-throttle-" + pid);
      cycler.setDaemon(true);
      cycler.start();
    }

    private void signal(String sig) {
      try {
        new ProcessBuilder("kill", "-" + sig, Long.toString(pid)).start().waitFor();
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    @Override
    long throttledPeriods() {
      return stops.get();
    }

    @Override
    String how() {
      return "SIGSTOP/SIGCONT duty cycle of " + Math.round(share * 100) + " % over 100 ms (no writable cgroup v1 cpu controller)";
    }

    @Override
    public void close() {
      running = false;
      try {
        cycler.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      signal("CONT");
    }
  }
}
