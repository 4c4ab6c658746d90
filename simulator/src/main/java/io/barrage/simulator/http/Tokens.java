package io.barrage.simulator.http;

/** The simulator's tokenizer stand-in: about four characters per token, as for English with Llama's tokenizer. */
final class Tokens {
  private Tokens() {}

  static int count(String text) {
    int chars = text.codePointCount(0, text.length());
    return Math.max(1, (chars + 3) / 4);
  }
}
