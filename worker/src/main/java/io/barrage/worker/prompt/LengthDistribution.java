package io.barrage.worker.prompt;

import io.barrage.protocol.scenario.PromptSpec;
import io.barrage.worker.engine.Seeds;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Lengths in tokens drawn from a scenario's distribution ({@link PromptSpec.TokenDistribution}), as a
 * function of the request key alone: the same request gets the same length on every worker and for
 * every target. {@code min} and {@code max} cut every distribution; no length is below 1.
 *
 * <ul>
 *   <li>{@code fixed}: {@code value};
 *   <li>{@code uniform}: every length in {@code [min, max]} equally likely;
 *   <li>{@code normal}: {@code mean}, {@code stddev} (0 when not given), rounded;
 *   <li>{@code lognormal}: lengths whose own mean and standard deviation are {@code mean} and
 *       {@code stddev} (the log's parameters are derived from them), rounded;
 *   <li>{@code empirical}: one of the lengths listed in {@code file}, one positive integer a line
 *       ({@code #} comments and blank lines skipped), each line equally likely.
 * </ul>
 */
public final class LengthDistribution {
  private final String kind;
  private final double mean;
  private final double stddev;
  private final int min;
  private final int max;
  private final int value;
  private final int[] empirical;
  private final long salt;

  private LengthDistribution(String kind, double mean, double stddev, int min, int max, int value, int[] empirical, long salt) {
    this.kind = kind;
    this.mean = mean;
    this.stddev = stddev;
    this.min = min;
    this.max = max;
    this.value = value;
    this.empirical = empirical;
    this.salt = salt;
  }

  /**
   * @param salt keeps two distributions of one request (input, output) independent
   * @throws IllegalArgumentException for an empirical file that cannot be read, naming the file and line
   */
  public static LengthDistribution of(PromptSpec.TokenDistribution d, Path baseDir, long salt) {
    int min = d.min() == null ? 1 : Math.max(1, d.min());
    int max = d.max() == null ? Integer.MAX_VALUE : Math.max(min, d.max());
    int[] list = null;
    if (d.kind().equals("empirical")) list = readLengths(d.file(), baseDir);
    return new LengthDistribution(d.kind(), d.mean() == null ? 0 : d.mean(), d.stddev() == null ? 0 : d.stddev(), min, max,
        d.value() == null ? 1 : d.value(), list, salt);
  }

  static int[] readLengths(String given, Path baseDir) {
    Path p = PromptFiles.resolve("lengths file", given, baseDir);
    List<String> lines;
    try {
      lines = Files.readAllLines(p, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read lengths file " + given + ": " + e.getMessage());
    }
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String s = lines.get(i).strip();
      if (s.isEmpty() || s.startsWith("#")) continue;
      try {
        int n = Integer.parseInt(s);
        if (n < 1) throw new NumberFormatException();
        out.add(n);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(given + " line " + (i + 1) + ": not a positive whole number of tokens: "
            + (s.length() > 40 ? s.substring(0, 40) + "..." : s));
      }
    }
    if (out.isEmpty()) throw new IllegalArgumentException("lengths file " + given + " lists no length");
    return out.stream().mapToInt(Integer::intValue).toArray();
  }

  /** The length of request {@code key}. */
  public int draw(long key) {
    SplittableRandom r = new SplittableRandom(Seeds.mix(key ^ salt));
    double x = switch (kind) {
      case "fixed" -> value;
      case "uniform" -> min + (double) r.nextInt(max - min + 1);
      case "lognormal" -> {
        if (mean <= 0) yield 1;
        double s2 = Math.log(1 + (stddev * stddev) / (mean * mean));
        yield Math.exp(Math.log(mean) - s2 / 2 + Math.sqrt(s2) * gaussian(r));
      }
      case "empirical" -> empirical[r.nextInt(empirical.length)];
      default -> mean + stddev * gaussian(r);
    };
    long n = Math.round(x);
    return (int) Math.max(min, Math.min(max, n));
  }

  static double gaussian(SplittableRandom r) {
    double u = 1.0 - r.nextDouble(), v = r.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
}
