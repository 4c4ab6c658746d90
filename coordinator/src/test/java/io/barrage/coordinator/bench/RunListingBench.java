package io.barrage.coordinator.bench;

import io.barrage.coordinator.http.RunFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * How long {@code GET /api/runs}'s directory part takes ({@link RunFiles#list}) for a results
 * directory of N runs whose summary.json is about the size of a 20-cell run's (98 KB): the first
 * listing (every summary parsed) and the following ones (summaries unchanged).
 *
 * <pre>scripts/bench coordinator io.barrage.coordinator.bench.RunListingBench [RUNS] [DIR]</pre>
 */
public final class RunListingBench {
  public static void main(String[] args) throws Exception {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 300;
    Path root = args.length > 1 ? Path.of(args[1]) : Files.createTempDirectory("run-listing");
    String padding = "{\"cell\":\"tgi/m128/c50\",\"ttft\":{\"p50\":41.25,\"p99\":188.5}},".repeat(1700);
    for (int i = 0; i < runs; i++) {
      Path d = Files.createDirectories(root.resolve(String.format(Locale.ROOT, "run-%05d", i)));
      Files.writeString(d.resolve("summary.json"), "{\"schemaVersion\":1,\"run\":{\"id\":\"run-" + i + "\",\"scenario\":\"bench\","
          + "\"startedAt\":\"2026-12-03T10:" + String.format(Locale.ROOT, "%02d:%02d", (i / 60) % 60, i % 60) + "Z\",\"endedAt\":null,"
          + "\"outcome\":\"completed\"},\"targets\":[" + padding + "{}]}");
    }
    long bytes = Files.size(root.resolve("run-00000/summary.json"));
    RunFiles files = new RunFiles(root);
    for (int round = 1; round <= 6; round++) {
      long t0 = System.nanoTime();
      int n = files.list().size();
      long t1 = System.nanoTime();
      System.out.printf(Locale.ROOT, "round %d: %d runs (summary.json %d KB each) listed in %.1f ms%n", round, n, bytes / 1024,
          (t1 - t0) / 1e6);
    }
  }
}
