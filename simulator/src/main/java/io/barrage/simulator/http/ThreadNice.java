package io.barrage.simulator.http;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lowers the calling thread's Linux scheduling priority (nice value) with util-linux {@code renice}
 * on its own thread id, read from {@code /proc/thread-self}. Raising a nice value needs no
 * privilege. Elsewhere (not Linux, no {@code renice}) it does nothing and says so at debug level.
 */
final class ThreadNice {
  private static final Logger log = LoggerFactory.getLogger(ThreadNice.class);

  private ThreadNice() {}

  /** Sets the calling thread's nice value to {@code nice} (1..19); returns whether it took. */
  static boolean lowerCurrentThread(int nice) {
    if (nice <= 0) return false;
    try {
      Path self = Files.readSymbolicLink(Path.of("/proc/thread-self")); // "<pid>/task/<tid>"
      String tid = self.getFileName().toString();
      Process p = new ProcessBuilder("renice", "-n", String.valueOf(nice), "-p", tid)
          .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      if (!p.waitFor(5, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return false;
      }
      boolean ok = p.exitValue() == 0
          && Files.readString(Path.of("/proc/thread-self/stat")).contains(") ")
          && niceOf(Files.readString(Path.of("/proc/thread-self/stat"))) == nice;
      if (!ok) log.debug("renice {} of thread {} did not take", nice, tid);
      return ok;
    } catch (Exception e) {
      log.debug("cannot lower this thread's priority: {}", e.toString());
      return false;
    }
  }

  /** Field 19 of /proc/[pid]/task/[tid]/stat: the nice value. */
  static int niceOf(String stat) {
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Integer.parseInt(f[16]);
  }
}
