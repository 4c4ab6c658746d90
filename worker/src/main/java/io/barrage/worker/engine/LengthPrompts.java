package io.barrage.worker.engine;

import io.barrage.worker.prompt.ExactPrompts;
import java.util.SplittableRandom;

/**
 * Prompt text of a given token length, for trace replay: blocks whose text depends on their key
 * alone (a Mooncake row's {@code hash_ids}), then text of the row's own. {@link #SYNTHETIC} (no
 * tokenizer in the scenario) uses common one-token English words, about N tokens in the usual
 * tokenizers; {@link #exact} builds the prompt in the scenario's tokenizer with exactly N tokens.
 */
public interface LengthPrompts {
  /**
   * Text of {@code tokens} tokens: one block of {@code blockTokens} per key of {@code blockKeys} (as
   * many as fit), the same for the same key, then the rest drawn from {@code restKey}.
   */
  String text(int tokens, long[] blockKeys, int blockTokens, long restKey);

  /** Whether the length is exact in the scenario's tokenizer. */
  default boolean exact() {
    return false;
  }

  LengthPrompts SYNTHETIC = (tokens, blockKeys, blockTokens, restKey) -> {
    StringBuilder sb = new StringBuilder(tokens * 5);
    int left = Math.max(1, tokens);
    for (long k : blockKeys) {
      int n = Math.min(blockTokens, left);
      if (n <= 0) break;
      if (sb.length() > 0) sb.append(' ');
      sb.append(PromptSource.wordText(n, new SplittableRandom(k)));
      left -= n;
    }
    if (left > 0) {
      if (sb.length() > 0) sb.append(' ');
      sb.append(PromptSource.wordText(left, new SplittableRandom(restKey)));
    }
    return sb.toString();
  };

  /**
   * Prompts of exactly N tokens in the tokenizer {@code prompts} was calibrated for; a length below
   * {@link ExactPrompts#minTokens()} (a row of one token in a tokenizer that adds a BOS) is raised to it.
   */
  static LengthPrompts exact(ExactPrompts prompts) {
    return new LengthPrompts() {
      @Override
      public String text(int tokens, long[] blockKeys, int blockTokens, long restKey) {
        return prompts.blocks(Math.max(tokens, prompts.minTokens()), blockKeys, blockTokens, restKey);
      }

      @Override
      public boolean exact() {
        return true;
      }
    };
  }
}
