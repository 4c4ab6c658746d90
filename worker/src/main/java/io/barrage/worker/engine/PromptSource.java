package io.barrage.worker.engine;

import io.barrage.protocol.scenario.PromptSpec;
import io.barrage.protocol.scenario.ShareGptFile;
import io.barrage.protocol.scenario.Workload;
import io.barrage.worker.prompt.Datasets;
import io.barrage.worker.prompt.ExactPrompts;
import io.barrage.worker.prompt.LengthDistribution;
import io.barrage.worker.prompt.PromptFiles;
import io.barrage.worker.prompt.TokenCounter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The prompts of a workload, chosen by a request key (see {@link Seeds}): the same key gives the same
 * prompt and lengths on every worker and for every target. Three sources:
 *
 * <ul>
 *   <li>{@code text}: the same text every time;
 *   <li>{@code dataset}: entries of a JSONL or ShareGPT file ({@link Datasets}), those outside the
 *       scenario's length filter left out, one picked by the key; an entry's own output length
 *       (JSONL {@code maxNewTokens}, the ShareGPT reply's length) replaces the cell's; a ShareGPT
 *       file's whole conversations for multi-turn sessions ({@link DatasetConversations});
 *   <li>{@code synthetic}: a length N drawn from the distribution ({@link LengthDistribution}); with a
 *       tokenizer the prompt has exactly N tokens in it ({@link ExactPrompts}), without one N common
 *       short English words (about one token each for the usual tokenizers).
 * </ul>
 *
 * {@code outputTokens}, when given, draws every request's output length and replaces the cell's and
 * the entry's. Lengths in tokens (filters, ShareGPT replies) are counted with the scenario's
 * tokenizer, or estimated as whitespace-separated words without one.
 */
public final class PromptSource {
  /**
   * A prompt and the max new tokens it asks for, or null for the cell's value.
   *
   * @param inputTokens its length in the scenario's tokenizer when it was built or counted so, else −1
   */
  public record Prompt(String text, Integer maxNewTokens, int inputTokens) {
    public Prompt(String text, Integer maxNewTokens) {
      this(text, maxNewTokens, -1);
    }
  }

  static final long INPUT_SALT = 0x696e707574L;
  static final long OUTPUT_SALT = 0x6f7574707574L;
  private static final String[] WORDS = (
      "the of and to in is you that it he was for on are as with his they at be this have from or one had by "
          + "word but not what all were we when your can said there use an each which she do how their if will up "
          + "other about out many then them these so some her would make like him into time has look two more write "
          + "go see number no way could people my than first water been call who oil its now find long down day did "
          + "get come made may part over new sound take only little work know place year live me back give most very")
      .split(" ");

  private final List<Prompt> fixed;
  private final LengthDistribution inputs;
  private final ExactPrompts exact;
  private final LengthDistribution outputs;
  /** A ShareGPT dataset's conversations (multi-turn sessions), else null. */
  private final DatasetConversations conversations;

  private PromptSource(List<Prompt> fixed, LengthDistribution inputs, ExactPrompts exact, LengthDistribution outputs) {
    this(fixed, inputs, exact, outputs, null);
  }

  private PromptSource(List<Prompt> fixed, LengthDistribution inputs, ExactPrompts exact, LengthDistribution outputs,
      DatasetConversations conversations) {
    this.fixed = fixed;
    this.inputs = inputs;
    this.exact = exact;
    this.outputs = outputs;
    this.conversations = conversations;
  }

  /** The prompts of {@code spec} without a tokenizer (synthetic lengths approximate). */
  public static PromptSource of(PromptSpec spec, Path baseDir) {
    return of(spec, baseDir, null, null);
  }

  /**
   * @param counter the scenario's tokenizer, or null without one
   * @param exact prompts of exact lengths in {@code counter} (calibrated once per tokenizer and
   *     reused), or null: needed for synthetic prompts when {@code counter} is given
   */
  public static PromptSource of(PromptSpec spec, Path baseDir, TokenCounter counter, ExactPrompts exact) {
    LengthDistribution outputs = spec.outputTokens() == null ? null : LengthDistribution.of(spec.outputTokens(), baseDir, OUTPUT_SALT);
    if (spec.text() != null) return new PromptSource(List.of(new Prompt(spec.text(), null)), null, null, outputs);
    if (spec.dataset() != null) {
      Path p = PromptFiles.resolve("dataset", spec.dataset(), baseDir);
      if (ShareGptFile.isShareGpt(spec)) {
        DatasetConversations c = DatasetConversations.of(ShareGptFile.read(p, spec.dataset()), spec.filter(), counter, spec.dataset());
        return new PromptSource(c.firstTurns(), null, null, outputs, c);
      }
      List<Datasets.Entry> entries = Datasets.read(p, spec.dataset(), Datasets.formatOf(spec.format(), spec.dataset()));
      return new PromptSource(select(entries, spec.filter(), counter, spec.dataset()), null, null, outputs);
    }
    if (spec.synthetic() != null && spec.synthetic().inputTokens() != null) {
      LengthDistribution inputs = LengthDistribution.of(spec.synthetic().inputTokens(), baseDir, INPUT_SALT);
      if (counter != null && exact == null) throw new IllegalArgumentException("exact prompts need a calibrated tokenizer");
      return new PromptSource(null, inputs, counter == null ? null : exact, outputs);
    }
    throw new IllegalArgumentException("prompt: give text, dataset or synthetic");
  }

  /** The entries inside the filter, as prompts; an empty selection is an error naming the filter. */
  static List<Prompt> select(List<Datasets.Entry> entries, PromptSpec.LengthFilter f, TokenCounter counter, String name) {
    int specials = specials(counter);
    List<Prompt> out = new ArrayList<>(entries.size());
    for (Datasets.Entry e : entries) {
      Prompt p = measured(e.prompt(), e.reply(), e.maxNewTokens(), counter, specials);
      if (inside(p, f, counter)) out.add(p);
    }
    if (out.isEmpty()) throw noneInside(name, entries.size() + " entries", f, counter);
    return List.copyOf(out);
  }

  /** Tokens {@code counter} adds to any text (BOS): a reply's length leaves them out. */
  static int specials(TokenCounter counter) {
    return counter == null ? 0 : Math.max(0, counter.count("the") - 1);
  }

  /**
   * {@code prompt} with its length counted and its output length: that of {@code reply} when there is
   * one (ShareGPT), else {@code maxNewTokens} (JSONL's own, or null).
   */
  static Prompt measured(String prompt, String reply, Integer maxNewTokens, TokenCounter counter, int specials) {
    int in = counter == null ? words(prompt) : counter.count(prompt);
    Integer outTokens = maxNewTokens;
    if (reply != null) outTokens = Math.max(1, counter == null ? words(reply) : counter.count(reply) - specials);
    return new Prompt(prompt, outTokens, counter == null ? -1 : in);
  }

  /** Whether a measured prompt is within the filter (null: no filter). */
  static boolean inside(Prompt p, PromptSpec.LengthFilter f, TokenCounter counter) {
    if (f == null) return true;
    int in = counter == null ? words(p.text()) : p.inputTokens();
    Integer outTokens = p.maxNewTokens();
    if (f.minInputTokens() != null && in < f.minInputTokens()) return false;
    if (f.maxInputTokens() != null && in > f.maxInputTokens()) return false;
    if (outTokens != null && f.minOutputTokens() != null && outTokens < f.minOutputTokens()) return false;
    return outTokens == null || f.maxOutputTokens() == null || outTokens <= f.maxOutputTokens();
  }

  /** The error of a filter that kept nothing of {@code what} ("10 entries"). */
  static IllegalArgumentException noneInside(String name, String what, PromptSpec.LengthFilter f, TokenCounter counter) {
    return new IllegalArgumentException("dataset " + name + ": none of its " + what + " is inside workload.prompt.filter "
        + f + (counter == null ? " (lengths estimated as words: no tokenizer given)" : ""));
  }

  /** {@code n} common one-token words drawn from {@code r}, separated by spaces (about n tokens). */
  public static String wordText(int n, SplittableRandom r) {
    StringBuilder sb = new StringBuilder(n * 5);
    for (int i = 0; i < n; i++) {
      if (i > 0) sb.append(' ');
      sb.append(WORDS[r.nextInt(WORDS.length)]);
    }
    return sb.toString();
  }

  static int words(String s) {
    String t = s.strip();
    return t.isEmpty() ? 0 : t.split("\\s+").length;
  }

  /** How many prompts a dataset offers after its filter; 0 for synthetic prompts, 1 for a text. */
  public int entries() {
    return fixed == null ? 0 : fixed.size();
  }

  /**
   * The conversation a multi-turn session plays when its first request has {@code key} (picked as
   * {@link #prompt} picks a dataset entry), cut to {@code maxTurns}; null when the prompts do not
   * come from a ShareGPT dataset (each turn then takes {@link #prompt}).
   */
  public List<Prompt> conversation(long key, int maxTurns) {
    return conversations == null ? null : conversations.pick(key, maxTurns);
  }

  /** Turn {@code k} (1-based) of {@code conversation}, sent as request {@code key}: {@code outputTokens} replaces its length as for any prompt. */
  public Prompt turn(List<Prompt> conversation, int k, long key) {
    Prompt p = conversation.get(k - 1);
    return outputs == null ? p : new Prompt(p.text(), outputs.draw(key), p.inputTokens());
  }

  /** The most turns a conversation of this source has after the filter; 0 when the prompts are no ShareGPT dataset. */
  public int longestConversation() {
    return conversations == null ? 0 : conversations.longest();
  }

  /**
   * This source, after checking that sessions of several turns that play a dataset's conversations
   * kept a conversation of more than one turn after the filter (the validator checked the file as a
   * whole; a filter counted in the target's tokenizer can still cut every conversation to one turn).
   */
  PromptSource checkedForSessions(Workload w) {
    var session = w.session();
    if (session != null && session.turns() > 1 && longestConversation() == 1) {
      throw new IllegalArgumentException("dataset " + w.prompt().dataset() + ": no conversation has a second turn inside "
          + "workload.prompt.filter, so sessions of " + session.turns() + " turns would be single requests");
    }
    return this;
  }

  /** The prompt for a request key. */
  public Prompt prompt(long key) {
    Prompt p = base(key);
    if (outputs == null) return p;
    return new Prompt(p.text(), outputs.draw(key), p.inputTokens());
  }

  private Prompt base(long key) {
    if (fixed != null) return fixed.size() == 1 ? fixed.get(0) : fixed.get((int) Math.floorMod(key, (long) fixed.size()));
    int n = inputs.draw(key);
    if (exact != null) {
      n = Math.max(n, exact.minTokens());
      return new Prompt(exact.text(key, n), null, n);
    }
    return new Prompt(wordText(n, new SplittableRandom(key)), null);
  }
}
