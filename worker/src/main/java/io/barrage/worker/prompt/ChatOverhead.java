package io.barrage.worker.prompt;

import io.barrage.worker.client.ChatMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.function.Function;

/**
 * The tokens a target's chat template adds to a user message, so that a synthetic prompt sent on
 * {@code openai-chat} counts exactly N prompt tokens at the server (docs/scenario.md "Tokenizer").
 *
 * <p>How: a one-user-message chat, after the fixed messages that precede it in every request (a
 * session's system prompt), is counted with the template applied ({@code templated}) and its user
 * text alone with the plain tokenizer; the overhead is the difference. It is measured for two user
 * texts of different lengths (and lengths modulo 4 and 8, where merges at the template's edges
 * would show) and must be the same for both, else the target is refused with the numbers: a prompt
 * that is not exact never goes out unnoticed.
 */
public final class ChatOverhead {
  /** The two user-text lengths measured, in plain tokens. */
  static final int[] LENGTHS = {32, 97};

  private ChatOverhead() {}

  /**
   * @param templated tokens of a conversation with the target's template, empty when the target has no
   *     templated route
   * @param exact prompts calibrated on the target's plain tokenizer (the user texts)
   * @param fixed messages before the user message in every request (none, or a system prompt)
   * @param target the target's name, for the error
   * @return the overhead in tokens, or empty when the target has no templated route
   * @throws TokenCounter.TokenizerException when the overhead depends on the user text's length
   */
  public static OptionalInt measure(Function<List<ChatMessage>, OptionalInt> templated, ExactPrompts exact, List<ChatMessage> fixed,
      String target) {
    int[] overhead = new int[LENGTHS.length];
    for (int i = 0; i < LENGTHS.length; i++) {
      int n = Math.max(LENGTHS[i], exact.minTokens());
      List<ChatMessage> chat = new ArrayList<>(fixed);
      chat.add(new ChatMessage("user", exact.text(0x6f76657268656164L + i, n)));
      OptionalInt t = templated.apply(chat);
      if (t.isEmpty()) return OptionalInt.empty();
      overhead[i] = t.getAsInt() - n;
    }
    for (int i = 1; i < overhead.length; i++) {
      if (overhead[i] != overhead[0]) {
        throw new TokenCounter.TokenizerException("target " + target + ": its chat template adds " + overhead[0] + " tokens to a user message of "
            + LENGTHS[0] + " tokens but " + overhead[i] + " to one of " + LENGTHS[i]
            + " (not a constant overhead), so exact prompt lengths are not possible on openai-chat with it");
      }
    }
    return OptionalInt.of(overhead[0]);
  }
}
