package io.barrage.worker.engine;

import java.util.SplittableRandom;

/**
 * Prompt text of a given token length, for trace replay. Today's one implementation is {@link
 * #SYNTHETIC}: common one-token English words (PromptSource's generator), so the length is about N
 * tokens in the usual tokenizers rather than exact in the target's; a token-exact source plugs in
 * here.
 */
public interface LengthPrompts {
  /** Text of about {@code tokens} tokens, the same for the same {@code key}. */
  String text(int tokens, long key);

  LengthPrompts SYNTHETIC = (tokens, key) -> PromptSource.wordText(Math.max(1, tokens), new SplittableRandom(key));
}
