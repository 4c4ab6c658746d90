package io.barrage.k8s.model;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The result files that go into a ConfigMap, in priority order, within the size a ConfigMap may
 * hold (the API server rejects objects over 1 MiB; metadata needs some of it).
 *
 * @param files file name → content, as exported
 * @param skipped files left out because they did not fit
 */
public record ResultBundle(Map<String, String> files, List<String> skipped) {

  /** Data budget of one ConfigMap: 1 MiB less room for metadata and annotations. */
  public static final int DEFAULT_BUDGET_BYTES = 1_000_000;

  /** The result files worth exporting, most important first. */
  public static final List<String> EXPORTED = List.of("summary.json", "results.csv", "report.html");

  /** Takes candidates in their iteration order while they fit in {@code budgetBytes} (UTF-8). */
  public static ResultBundle select(Map<String, String> candidates, int budgetBytes) {
    Map<String, String> files = new LinkedHashMap<>();
    List<String> skipped = new ArrayList<>();
    long used = 0;
    for (Map.Entry<String, String> e : candidates.entrySet()) {
      long size = e.getKey().length() + (long) e.getValue().getBytes(StandardCharsets.UTF_8).length;
      if (used + size <= budgetBytes) {
        files.put(e.getKey(), e.getValue());
        used += size;
      } else {
        skipped.add(e.getKey());
      }
    }
    return new ResultBundle(Map.copyOf(files), List.copyOf(skipped));
  }
}
