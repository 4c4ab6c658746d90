package io.barrage.protocol.bench;

import io.barrage.protocol.metrics.Histograms;
import java.util.Random;
import org.HdrHistogram.Histogram;

/** Prints the encoded size of a typical one-second interval histogram (harness, not a test). */
public final class HistogramCodecBench {
  public static void main(String[] args) {
    Random rnd = new Random(1);
    System.out.printf("%-12s %-14s%n", "samples", "bytes (compressed)");
    for (int n : new int[] {0, 10, 100, 1_000, 10_000, 100_000}) {
      Histogram h = Histograms.create();
      for (int i = 0; i < n; i++) h.recordValue(1 + (long) Math.abs(rnd.nextGaussian() * 30_000 + 20_000));
      System.out.printf("%-12d %-14d%n", n, Histograms.encode(h).length);
    }
  }
}
