package io.barrage.worker.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.barrage.common.json.Mappers;
import io.barrage.protocol.scenario.ConfinedFiles;
import io.barrage.protocol.scenario.PromptSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The prompts of a workload, chosen by a request key (see {@link Seeds}): the same key gives the same
 * prompt on every worker and for every target. Three sources:
 *
 * <ul>
 *   <li>{@code text}: the same text every time;
 *   <li>{@code dataset}: a JSONL file, one object per line with {@code prompt} (or {@code text}) and
 *       optionally {@code maxNewTokens} / {@code max_new_tokens} / {@code max_tokens}, which then
 *       overrides the cell's value for that request;
 *   <li>{@code synthetic}: words drawn so that the prompt has about N tokens, N from a normal
 *       distribution (mean, stddev) cut to [min, max] (at least 1); one common short English word is
 *       about one token for the usual tokenizers.
 * </ul>
 */
public final class PromptSource {
  /** A prompt and the max new tokens it asks for, or null for the cell's value. */
  public record Prompt(String text, Integer maxNewTokens) {}

  private static final String[] WORDS = (
      "the of and to in is you that it he was for on are as with his they at be this have from or one had by "
          + "word but not what all were we when your can said there use an each which she do how their if will up "
          + "other about out many then them these so some her would make like him into time has look two more write "
          + "go see number no way could people my than first water been call who oil its now find long down day did "
          + "get come made may part over new sound take only little work know place year live me back give most very")
      .split(" ");

  private final List<Prompt> fixed;
  private final PromptSpec.TokenDistribution synthetic;

  private PromptSource(List<Prompt> fixed, PromptSpec.TokenDistribution synthetic) {
    this.fixed = fixed;
    this.synthetic = synthetic;
  }

  public static PromptSource of(PromptSpec spec, Path baseDir) {
    if (spec.text() != null) return new PromptSource(List.of(new Prompt(spec.text(), null)), null);
    if (spec.dataset() != null) {
      Path p = ConfinedFiles.resolve(spec.dataset(), baseDir)
          .orElseThrow(() -> new IllegalArgumentException(ConfinedFiles.refusal("dataset", spec.dataset())));
      return new PromptSource(readDataset(p), null);
    }
    if (spec.synthetic() != null && spec.synthetic().inputTokens() != null) {
      return new PromptSource(null, spec.synthetic().inputTokens());
    }
    throw new IllegalArgumentException("prompt: give text, dataset or synthetic");
  }

  /** Reads a JSONL dataset; a bad line is an error naming the file and the line. */
  public static List<Prompt> readDataset(Path p) {
    ObjectMapper json = Mappers.strict();
    List<Prompt> out = new ArrayList<>();
    List<String> lines;
    try {
      lines = Files.readAllLines(p);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read dataset " + p + ": " + e.getMessage());
    }
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty()) continue;
      JsonNode n;
      try {
        n = json.readTree(line);
      } catch (IOException e) {
        throw new IllegalArgumentException(p + " line " + (i + 1) + ": not JSON");
      }
      JsonNode text = n.has("prompt") ? n.get("prompt") : n.get("text");
      if (text == null || !text.isTextual() || text.asText().isEmpty()) {
        throw new IllegalArgumentException(p + " line " + (i + 1) + ": needs a non-empty string \"prompt\"");
      }
      Integer mnt = null;
      for (String k : new String[] {"maxNewTokens", "max_new_tokens", "max_tokens"}) {
        JsonNode v = n.get(k);
        if (v != null && !v.isNull()) {
          if (!v.isInt() || v.asInt() < 1) throw new IllegalArgumentException(p + " line " + (i + 1) + ": " + k + " must be a positive integer");
          mnt = v.asInt();
        }
      }
      out.add(new Prompt(text.asText(), mnt));
    }
    if (out.isEmpty()) throw new IllegalArgumentException("dataset " + p + " has no prompts");
    return List.copyOf(out);
  }

  /** The prompt for a request key. */
  public Prompt prompt(long key) {
    if (fixed != null) return fixed.size() == 1 ? fixed.get(0) : fixed.get((int) Math.floorMod(key, (long) fixed.size()));
    SplittableRandom r = new SplittableRandom(key);
    int mean = synthetic.mean();
    double sd = synthetic.stddev() == null ? 0 : synthetic.stddev();
    int n = (int) Math.round(mean + sd * gaussian(r));
    int min = synthetic.min() == null ? 1 : Math.max(1, synthetic.min());
    int max = synthetic.max() == null ? Integer.MAX_VALUE : synthetic.max();
    n = Math.max(min, Math.min(max, n));
    return new Prompt(words(n, r), null);
  }

  /** {@code n} common one-token words drawn from {@code r}, separated by spaces (about n tokens). */
  public static String words(int n, SplittableRandom r) {
    StringBuilder sb = new StringBuilder(n * 5);
    for (int i = 0; i < n; i++) {
      if (i > 0) sb.append(' ');
      sb.append(WORDS[r.nextInt(WORDS.length)]);
    }
    return sb.toString();
  }

  private static double gaussian(SplittableRandom r) {
    double u = 1.0 - r.nextDouble(), v = r.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
}
