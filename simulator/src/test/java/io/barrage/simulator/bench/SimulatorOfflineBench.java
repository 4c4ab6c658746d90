package io.barrage.simulator.bench;

import io.barrage.simulator.Profile;
import io.barrage.simulator.Profiles;
import io.barrage.simulator.SeedCalibration;
import io.barrage.simulator.engine.OfflineRun;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Prints what a profile does by concurrency, from the virtual-time engine ({@link OfflineRun}), and
 * how fast the simulation itself runs (wall time per run, simulated tokens per wall second).
 *
 * <pre>
 *   scripts/bench simulator io.barrage.simulator.bench.SimulatorOfflineBench                 (every calibration row)
 *   scripts/bench simulator io.barrage.simulator.bench.SimulatorOfflineBench PROFILE 1,8,32 [--input 16] [--new 128] [--requests 4]
 * </pre>
 */
public final class SimulatorOfflineBench {
  private SimulatorOfflineBench() {}

  public static void main(String[] args) {
    if (args.length == 0) {
      calibrationRows();
      return;
    }
    Profile profile = Profiles.get(args[0]);
    List<Integer> levels = new ArrayList<>();
    for (String l : (args.length > 1 ? args[1] : "1,4,16,64").split(",")) levels.add(Integer.parseInt(l.trim()));
    int input = 16;
    int newTokens = 128;
    int requests = 4;
    for (int i = 2; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--input" -> input = Integer.parseInt(args[i + 1]);
        case "--new" -> newTokens = Integer.parseInt(args[i + 1]);
        case "--requests" -> requests = Integer.parseInt(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown option " + args[i] + " (--input, --new, --requests)");
      }
    }
    // warm the JIT so that the wall times below are not the interpreter's
    for (int i = 0; i < 5; i++) OfflineRun.run(profile, OfflineRun.Workload.closedLoop(levels.get(levels.size() - 1), input, newTokens).requests(requests));
    System.out.printf(Locale.ROOT, "%s, %d prompt + %d new tokens, %d requests per client, closed loop%n%n", profile.name(), input, newTokens, requests);
    System.out.println("| clients | tokens/s | median ms/token | median TTFT ms | median queue ms | max batch | virtual s | wall ms | sim tokens/wall s |");
    System.out.println("|---|---|---|---|---|---|---|---|---|");
    for (int c : levels) {
      long t0 = System.nanoTime();
      OfflineRun.Result r = OfflineRun.run(profile, OfflineRun.Workload.closedLoop(c, input, newTokens).requests(requests));
      long wall = System.nanoTime() - t0;
      OfflineRun.Summary s = r.summarize(0, r.endNanos());
      System.out.printf(Locale.ROOT, "| %d | %.1f | %.2f | %.1f | %.1f | %d | %.1f | %.1f | %,.0f |%n", c, s.tokensPerSecond(),
          s.medianMsPerToken(), s.medianTtftMs(), s.medianQueueMs(), r.maxBatchSize(), r.endNanos() / 1e9, wall / 1e6,
          r.totalTokens() / (wall / 1e9));
    }
  }

  private static void calibrationRows() {
    for (int i = 0; i < 3; i++) {
      Profiles.seedRows().forEach((name, rows) -> rows.forEach(r -> SeedCalibration.replay(Profiles.get(name), r)));
    }
    System.out.println("| profile | c | seed ms/token | model | seed tokens/s | model | requests | wall ms |");
    System.out.println("|---|---|---|---|---|---|---|---|");
    Profiles.seedRows().forEach((name, rows) -> rows.forEach(row -> {
      long t0 = System.nanoTime();
      SeedCalibration.Replayed r = SeedCalibration.replay(Profiles.get(name), row);
      long wall = System.nanoTime() - t0;
      System.out.printf(Locale.ROOT, "| %s | %d | %.2f | %.2f (%+.1f%%) | %.1f | %.1f (%+.1f%%) | %d | %.1f |%n", name,
          row.concurrency(), row.msPerToken(), r.msPerToken(), 100 * (r.msPerToken() / row.msPerToken() - 1),
          row.tokensPerSecond(), r.tokensPerSecond(), 100 * (r.tokensPerSecond() / row.tokensPerSecond() - 1),
          r.requests(), wall / 1e6);
    }));
  }
}
