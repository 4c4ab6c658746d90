package io.barrage.simulator.http;

import java.util.ArrayList;
import java.util.List;

/**
 * The simulator's tokenizer: every four code points of a text are one token (the last one may be
 * shorter), about the characters per token of English with Llama's tokenizer. No special tokens
 * are added. The generation routes count prompts with it ({@link #count}) and {@code POST /tokenize}
 * shows its tokens ({@link #pieces}), so a prompt built to N tokens through {@code /tokenize} is N
 * tokens where the server counts it. The same tokenizer as a Hugging Face {@code tokenizer.json}
 * (a {@code Split} pre-tokenizer on {@code [\s\S]{1,4}} and a one-entry {@code WordLevel} model) is
 * {@code simulator-tokenizer.json} in the examples.
 */
final class Tokens {
  static final int CODE_POINTS_PER_TOKEN = 4;

  private Tokens() {}

  /** Tokens of {@code text}; an empty text counts one (the generation routes refuse it before). */
  static int count(String text) {
    int chars = text.codePointCount(0, text.length());
    return Math.max(1, (chars + CODE_POINTS_PER_TOKEN - 1) / CODE_POINTS_PER_TOKEN);
  }

  /**
   * One token of a text: a stable id derived from its text, the text, and its start and stop offsets
   * in code points.
   */
  record Piece(int id, String text, int start, int stop) {}

  /** The tokens of {@code text} in order (none for an empty text). */
  static List<Piece> pieces(String text) {
    List<Piece> out = new ArrayList<>();
    int i = 0, cp = 0;
    while (i < text.length()) {
      int end = i, n = 0;
      while (end < text.length() && n < CODE_POINTS_PER_TOKEN) {
        end += Character.charCount(text.codePointAt(end));
        n++;
      }
      String piece = text.substring(i, end);
      out.add(new Piece(Math.floorMod(piece.hashCode(), 31_000) + 1000, piece, cp, cp + n));
      cp += n;
      i = end;
    }
    return out;
  }
}
