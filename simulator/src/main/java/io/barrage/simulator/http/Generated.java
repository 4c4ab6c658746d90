package io.barrage.simulator.http;

import io.barrage.simulator.engine.Token;
import java.util.List;

/**
 * A finished non-streaming generation, with the instants TGI's timing headers are made of.
 *
 * @param text generated text without special tokens
 * @param tokens every generated token
 * @param finishReason TGI's finish reason
 * @param promptTokens prompt length in tokens
 * @param arrivalNanos handler entry
 * @param readyNanos validated and queued
 * @param admittedNanos placed into a batch
 * @param lastTokenNanos last token generated
 */
record Generated(
    String text, List<Token> tokens, String finishReason, int promptTokens, long arrivalNanos, long readyNanos,
    long admittedNanos, long lastTokenNanos) {

  /** The generation that produced {@code tokens} (at least one; the last one's finish reason is the generation's). */
  static Generated of(List<Token> tokens, int promptTokens, long arrivalNanos, long readyNanos, long admittedNanos,
      long lastTokenNanos) {
    StringBuilder text = new StringBuilder();
    for (Token t : tokens) if (!t.special()) text.append(t.text());
    return new Generated(text.toString(), List.copyOf(tokens), tokens.get(tokens.size() - 1).finishReason(), promptTokens,
        arrivalNanos, readyNanos, admittedNanos, lastTokenNanos);
  }
}
