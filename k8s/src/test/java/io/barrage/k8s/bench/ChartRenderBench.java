package io.barrage.k8s.bench;

import io.barrage.k8s.chart.RenderedChart;
import java.util.List;
import java.util.Map;

/**
 * How long {@code helm template} (helm-java, in process) plus parsing every object with client-java
 * takes per value set, and how many objects each renders. Prints a table; not a test.
 *
 * <pre>scripts/bench k8s io.barrage.k8s.bench.ChartRenderBench [rounds]</pre>
 */
public final class ChartRenderBench {

  public static void main(String[] args) {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
    List<List<String>> sets = List.of(List.of(), List.of("production.yaml"), List.of("simulator.yaml"), List.of("existing-objects.yaml"));
    RenderedChart.render(List.of(), Map.of()); // warm-up: loads the native helm library and the model classes
    System.out.printf("%-24s %8s %10s %10s %10s%n", "values", "objects", "p50 ms", "min ms", "max ms");
    for (List<String> set : sets) {
      long[] ms = new long[rounds];
      int objects = 0;
      for (int i = 0; i < rounds; i++) {
        long t0 = System.nanoTime();
        objects = RenderedChart.render(set, Map.of()).objects.size();
        ms[i] = (System.nanoTime() - t0) / 1_000_000;
      }
      java.util.Arrays.sort(ms);
      System.out.printf("%-24s %8d %10d %10d %10d%n", set.isEmpty() ? "defaults" : set.get(0), objects, ms[rounds / 2], ms[0], ms[rounds - 1]);
    }
  }
}
