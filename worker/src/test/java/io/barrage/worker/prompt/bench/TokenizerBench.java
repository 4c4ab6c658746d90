package io.barrage.worker.prompt.bench;

import io.barrage.worker.prompt.ExactPrompts;
import io.barrage.worker.prompt.HfTokenizerFile;
import java.nio.file.Path;

/**
 * What a tokenizer file costs a worker: loading it, calibrating exact prompts on it, building a
 * prompt, and counting a long prompt and a 512-character answer (the per-answer cost of counting a
 * count-less server's output). Prints one table row per file.
 *
 * <pre>scripts/bench worker io.barrage.worker.prompt.bench.TokenizerBench examples/simulator-tokenizer.json ...</pre>
 */
public final class TokenizerBench {
  private TokenizerBench() {}

  public static void main(String[] args) {
    System.out.printf("%-28s %10s %12s %14s %16s %16s%n", "file", "load ms", "calibrate ms", "build 4k us", "count 4k us", "count 512ch us");
    for (String f : args) {
      long t0 = System.nanoTime();
      try (HfTokenizerFile t = HfTokenizerFile.open(Path.of(f), f)) {
        long load = System.nanoTime() - t0;
        t0 = System.nanoTime();
        ExactPrompts p = ExactPrompts.calibrate(t);
        long calibrate = System.nanoTime() - t0;
        String text = p.text(1, 4000);
        String answer = text.substring(0, 512);
        for (int i = 0; i < 200; i++) t.count(text);
        int n = 1000;
        t0 = System.nanoTime();
        int sink = 0;
        for (int i = 0; i < n; i++) sink += p.text(i, 4000).length();
        long build = (System.nanoTime() - t0) / n;
        t0 = System.nanoTime();
        for (int i = 0; i < n; i++) sink += t.count(text);
        long big = (System.nanoTime() - t0) / n;
        t0 = System.nanoTime();
        for (int i = 0; i < 10 * n; i++) sink += t.count(answer);
        long small = (System.nanoTime() - t0) / (10L * n);
        System.out.printf("%-28s %10.1f %12.1f %14.1f %16.1f %16.1f%s%n", Path.of(f).getFileName(), load / 1e6, calibrate / 1e6,
            build / 1e3, big / 1e3, small / 1e3, sink == 42 ? " " : "");
      }
    }
  }
}
