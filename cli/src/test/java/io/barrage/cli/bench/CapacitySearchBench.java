package io.barrage.cli.bench;

import io.barrage.protocol.plan.CapacitySearch;
import io.barrage.protocol.scenario.SearchBy;
import io.barrage.protocol.scenario.SearchSpec;
import io.barrage.simulator.Profile;
import io.barrage.simulator.Profiles;
import io.barrage.simulator.engine.OfflineCapacity;
import io.barrage.simulator.engine.OfflineRun;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How many probes and how much time a capacity search by concurrency needs for each named profile,
 * from the engine in virtual time: the SLO is p99 e2e ≤ {@code factor} × the profile's e2e with one
 * user (so every profile has a finite capacity); each probe is a closed loop of c users sending
 * {@code requestsPerClient} requests of 64 prompt and 128 new tokens. "search time" is what a live
 * search would take at the profile's real speed: each probe's virtual duration plus the
 * coordinator's 1.5 s start delay per cell. The true capacity comes from {@link OfflineCapacity}.
 *
 * <pre>scripts/bench cli io.barrage.cli.bench.CapacitySearchBench [factor=3] [precision=5%] [requestsPerClient=2]</pre>
 */
public final class CapacitySearchBench {
  static final double START_DELAY_S = 1.5;

  public static void main(String[] args) {
    double factor = args.length > 0 ? Double.parseDouble(args[0]) : 3;
    String precision = args.length > 1 ? args[1] : "5%";
    int perClient = args.length > 2 ? Integer.parseInt(args[2]) : 2;
    System.out.printf(Locale.ROOT, "SLO: p99 e2e <= %.1f x one user's; search by concurrency 1..512, precision %s; %d requests per user per probe%n%n",
        factor, precision, perClient);
    System.out.printf(Locale.ROOT, "| %-40s | %8s | %6s | %6s | %6s | %14s | %10s |%n", "profile", "SLO e2e", "truth", "found", "probes", "search time", "host ms");
    System.out.println("|---|---:|---:|---:|---:|---:|---:|");
    for (String name : Profiles.names()) {
      Profile p = Profiles.get(name);
      int max = p.limits().maxConcurrentRequests() > 0 ? Math.min(512, p.limits().maxConcurrentRequests()) : 512;
      long t0 = System.nanoTime();
      double one = OfflineCapacity.measure(p, 1, perClient, 64, 128).e2eP99Ms();
      OfflineCapacity.Objective slo = new OfflineCapacity.Objective(null, factor * one);
      SearchSpec spec = new SearchSpec(SearchBy.CONCURRENCY, 1.0, (double) max, precision, 100, null);
      List<CapacitySearch.Probe> probes = new ArrayList<>();
      double seconds = 0;
      while (CapacitySearch.next(spec, probes) instanceof CapacitySearch.Step.Measure m) {
        int c = (int) m.load();
        OfflineRun.Result r = OfflineRun.run(p, OfflineRun.Workload.closedLoop(c, 64, 128).requests(perClient));
        seconds += r.endNanos() / 1e9 + START_DELAY_S;
        double e2e = OfflineCapacity.measure(p, c, perClient, 64, 128).e2eP99Ms();
        probes.add(new CapacitySearch.Probe(c, e2e <= slo.e2eP99Ms(), 0, 0));
      }
      Double found = CapacitySearch.state(probes).sustained();
      int truth = OfflineCapacity.capacity(p, slo, max, perClient, 64, 128);
      long hostMs = (System.nanoTime() - t0) / 1_000_000;
      System.out.printf(Locale.ROOT, "| %-40s | %6.0f ms | %6d | %6s | %6d | %12.0f s | %10d |%n", name, factor * one, truth,
          found == null ? "0" : Integer.toString(found.intValue()), probes.size(), seconds, hostMs);
    }
  }
}
