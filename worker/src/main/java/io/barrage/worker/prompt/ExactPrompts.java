package io.barrage.worker.prompt;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Prompts of exactly N tokens in one tokenizer ({@link TokenCounter}), different for every request
 * key.
 *
 * <p>How: {@link #calibrate} asks the tokenizer about a pool of common English words once. A word
 * can open a prompt when alone it counts the fewest tokens (one, plus the special tokens the
 * tokenizer adds: BOS); it can follow when {@code opener + " w" × 8} counts exactly 8 more than the
 * opener, i.e. the word with its leading space is one token and does not merge with its neighbours.
 * A prompt of N tokens is then an opener and {@code N − specials − 1} following words. Calibration
 * ends by counting a few built prompts of different lengths; a tokenizer for which any differs is
 * refused with the numbers, so a prompt that is not exact never goes out unnoticed.
 *
 * <p>Variety: the words after the opener spell the request key (64 bits) in base {@code |words|},
 * then continue from a generator seeded by the key, so two keys' prompts differ within their first
 * {@code ⌈64 / log2 |words|⌉ + 1} tokens (usually in the first) and share no cacheable prefix beyond
 * that. {@link #withSharedPrefix} puts the same words, drawn from the scenario seed, at the front of
 * every prompt instead, for a scenario that wants a common prefix.
 *
 * <p>Thread-safe after calibration; building a prompt does not call the tokenizer.
 */
public final class ExactPrompts {
  /** Common English words; which of them one tokenizer takes as single tokens is found by {@link #calibrate}. */
  static final String[] POOL = (
      "the and for are but not you all any can had her was one our out day get has him his how man new now old see "
          + "two way who boy did its let put say she too use time year people back good work life world over hand "
          + "part place case week point group number fact home water room mother area money story month lot right "
          + "study book eye job word business issue side kind head house service friend father power hour game line "
          + "end member law car city name team minute idea body information face level office door health person "
          + "art war history party result change morning reason research girl guy moment air teacher force order "
          + "about after again below could every first found great house large learn never other place plant point "
          + "right small sound spell still study their there these thing think three water where which world would "
          + "write open seem together next white children begin got walk example ease paper often always music those "
          + "both mark book letter until mile river feet care second carry state once hear stop without late miss "
          + "eat face watch far real almost let above girl sometimes mountain cut young talk soon list song being leave "
          + "family")
      .split(" ");
  static final int REPEAT = 8;

  private final String[] openers;
  private final String[] words;
  private final int specials;
  private final String[] prefix;
  /** Tokens a chat template adds around the prompt ({@link #withChatTemplate}), 0 on a completion route. */
  private final int template;

  private ExactPrompts(String[] openers, String[] words, int specials, String[] prefix) {
    this(openers, words, specials, prefix, 0);
  }

  private ExactPrompts(String[] openers, String[] words, int specials, String[] prefix, int template) {
    this.openers = openers;
    this.words = words;
    this.specials = specials;
    this.prefix = prefix;
    this.template = template;
  }

  /**
   * The same prompts for a chat route whose template adds {@code overhead} tokens to the user
   * message ({@link ChatOverhead}): {@link #text} and {@link #blocks} of N tokens build a user text
   * of N − overhead plain tokens, so the server counts N; {@link #minTokens} grows by the overhead.
   */
  public ExactPrompts withChatTemplate(int overhead) {
    return new ExactPrompts(openers, words, specials, prefix, overhead);
  }

  /** Tokens the chat template adds ({@link #withChatTemplate}), 0 without one. */
  public int chatTemplateTokens() {
    return template;
  }

  /**
   * Finds the words that {@code counter} takes one token at a time and checks a few built prompts.
   * Costs about {@code 2 × 300} counts plus the checks: call it once per tokenizer and keep the
   * result.
   *
   * @throws TokenCounter.TokenizerException when the tokenizer cannot be used for exact prompts (too
   *     few single-token words, or a built prompt that is not exact), with the numbers
   */
  public static ExactPrompts calibrate(TokenCounter counter) {
    List<String> pool = distinct();
    int[] alone = new int[pool.size()];
    int fewest = Integer.MAX_VALUE;
    for (int i = 0; i < pool.size(); i++) {
      alone[i] = counter.count(pool.get(i));
      fewest = Math.min(fewest, alone[i]);
    }
    if (fewest < 1) throw new TokenCounter.TokenizerException("the tokenizer counts " + fewest + " tokens for a word");
    List<String> openers = new ArrayList<>();
    for (int i = 0; i < pool.size(); i++) if (alone[i] == fewest) openers.add(pool.get(i));
    String anchor = openers.get(0);
    List<String> words = new ArrayList<>();
    for (String w : pool) {
      String run = (" " + w).repeat(REPEAT);
      if (counter.count(anchor + run) - fewest == REPEAT) words.add(w);
    }
    if (words.size() < 16) {
      throw new TokenCounter.TokenizerException("the tokenizer takes only " + words.size() + " of " + pool.size()
          + " common English words as single tokens after a space (at least 16 are needed to build exact prompts)");
    }
    // openers that are also followers keep the prompt's first two tokens apart as well
    ExactPrompts p = new ExactPrompts(openers.toArray(String[]::new), words.toArray(String[]::new), fewest - 1, new String[0]);
    p.check(counter, 0x5eedL);
    return p;
  }

  private static List<String> distinct() {
    List<String> out = new ArrayList<>();
    for (String w : POOL) if (!out.contains(w)) out.add(w);
    return out;
  }

  /** Counts a few prompts built by this calibration and refuses the tokenizer when one is not exact. */
  void check(TokenCounter counter, long key) {
    int[] lengths = {minTokens(), minTokens() + 1, minTokens() + 2, 17, 64, 301};
    for (int i = 0; i < lengths.length; i++) {
      int n = Math.max(lengths[i], minTokens());
      String text = text(key + i, n);
      int got = counter.count(text);
      if (got != n) {
        throw new TokenCounter.TokenizerException("a prompt built for " + n + " tokens counts " + got
            + " in this tokenizer (its words do not add one token each); exact prompt lengths are not possible with it");
      }
    }
    // prompts of blocks (trace replay): the same words, joined at block boundaries
    int n = 3 * 32 + 5;
    int got = counter.count(blocks(n, new long[] {key, key + 1, key + 2}, 32, key + 3));
    if (got != n) {
      throw new TokenCounter.TokenizerException("a prompt of blocks built for " + n + " tokens counts " + got
          + " in this tokenizer; exact prompt lengths are not possible with it");
    }
  }

  /**
   * The same calibration with the same {@code tokens} tokens at the front of every prompt (drawn from
   * {@code seed}); a prompt shorter than that is the prefix's beginning.
   */
  public ExactPrompts withSharedPrefix(long seed, int tokens) {
    if (tokens <= 0) return new ExactPrompts(openers, words, specials, new String[0], template);
    SplittableRandom r = new SplittableRandom(seed ^ 0x7072656669784cL);
    String[] p = new String[tokens];
    p[0] = openers[r.nextInt(openers.length)];
    for (int i = 1; i < tokens; i++) p[i] = words[r.nextInt(words.length)];
    return new ExactPrompts(openers, words, specials, p, template);
  }

  /** The fewest tokens a prompt can have: one word plus the tokenizer's special tokens (and the chat template's). */
  public int minTokens() {
    return Math.max(1, specials + 1 + template);
  }

  /** Tokens the tokenizer adds to every text (BOS and the like), as calibration found them. */
  public int specialTokens() {
    return specials;
  }

  /** Words that add one token each after a space (for tests and diagnostics). */
  public int vocabularySize() {
    return words.length;
  }

  /**
   * A prompt of exactly {@code tokens} tokens made of blocks: block j ({@code blockTokens} tokens,
   * the first one counting the special tokens) depends on {@code blockKeys[j]} alone, the rest of
   * the length on {@code restKey}. Prompts whose key lists start alike therefore share those whole
   * blocks as a text prefix (a trace's shared prefixes). Every block after the first is follower
   * words only, so the prompt is an opener and followers like any prompt of {@link #text}, and its
   * length is exact for the same reason.
   *
   * @throws IllegalArgumentException when {@code tokens < minTokens()} or {@code blockTokens <= specialTokens()}
   */
  public String blocks(int tokens, long[] blockKeys, int blockTokens, long restKey) {
    if (tokens < minTokens()) {
      throw new IllegalArgumentException("a prompt needs at least " + minTokens() + " tokens in this tokenizer, not " + tokens);
    }
    if (blockTokens <= specials) throw new IllegalArgumentException("a block needs more than " + specials + " tokens");
    StringBuilder sb = new StringBuilder(tokens * 6);
    int left = tokens - template - specials;
    boolean first = true;
    for (long k : blockKeys) {
      if (left <= 0) break;
      int n = Math.min(first ? blockTokens - specials : blockTokens, left);
      follow(sb, k, n, first);
      first = false;
      left -= n;
    }
    if (left > 0) follow(sb, restKey, left, first);
    return sb.toString();
  }

  /** Appends {@code n} words drawn from {@code key} (an opener first when {@code open}), spelling the key first. */
  private void follow(StringBuilder sb, long key, int n, boolean open) {
    SplittableRandom r = new SplittableRandom(key);
    int i = 0;
    if (open) {
      sb.append(openers[r.nextInt(openers.length)]);
      i = 1;
    }
    words(sb, r, key, i, n);
  }

  /**
   * Appends words {@code from} to {@code n} (exclusive): first the key in base |words|, so distinct
   * keys give distinct words early in the prompt, then words drawn from {@code r}.
   */
  private void words(StringBuilder sb, SplittableRandom r, long key, int from, int n) {
    long digits = key;
    boolean spelling = true;
    for (int i = from; i < n; i++) {
      int w;
      if (spelling) {
        w = (int) Long.remainderUnsigned(digits, words.length);
        digits = Long.divideUnsigned(digits, words.length);
        spelling = digits != 0;
      } else {
        w = r.nextInt(words.length);
      }
      sb.append(' ').append(words[w]);
    }
  }

  /**
   * The prompt of request {@code key}, exactly {@code tokens} tokens long in the calibrated tokenizer.
   *
   * @throws IllegalArgumentException when {@code tokens < minTokens()}
   */
  public String text(long key, int tokens) {
    if (tokens < minTokens()) {
      throw new IllegalArgumentException("a prompt needs at least " + minTokens() + " tokens in this tokenizer, not " + tokens);
    }
    int n = tokens - template - specials;
    StringBuilder sb = new StringBuilder(n * 6);
    int i = 0;
    for (; i < n && i < prefix.length; i++) {
      if (i > 0) sb.append(' ');
      sb.append(prefix[i]);
    }
    SplittableRandom r = new SplittableRandom(key);
    if (i == 0 && n > 0) {
      sb.append(openers[r.nextInt(openers.length)]);
      i = 1;
    }
    words(sb, r, key, i, n);
    return sb.toString();
  }
}
