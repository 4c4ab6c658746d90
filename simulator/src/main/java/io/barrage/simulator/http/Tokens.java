package io.barrage.simulator.http;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The simulator's tokenizer: every four code points of a text are one token (the last one may be
 * shorter), about the characters per token of English with Llama's tokenizer. No special tokens
 * are added. The chat template's role markers ({@link ChatTemplate}) are special tokens: a marker
 * {@code <|role|>} (lowercase letters) with the line break after it, and the line break before it
 * when there is one, is one token wherever it appears, and the text between markers is cut into
 * four-code-point tokens on its own. The generation routes count prompts with it ({@link #count}) and {@code POST /tokenize}
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
    Matcher m = MARKER.matcher(text);
    int tokens = 0, from = 0;
    while (m.find()) {
      tokens += plain(text, from, m.start()) + 1;
      from = m.end();
    }
    return Math.max(1, tokens + plain(text, from, text.length()));
  }

  /** A chat template's role marker: one special token. */
  static final Pattern MARKER = Pattern.compile("\\n?<\\|[a-z]+\\|>\\n");

  private static int plain(String text, int from, int to) {
    int chars = text.codePointCount(from, to);
    return (chars + CODE_POINTS_PER_TOKEN - 1) / CODE_POINTS_PER_TOKEN;
  }

  /**
   * One token of a text: a stable id derived from its text, the text, and its start and stop offsets
   * in code points.
   */
  record Piece(int id, String text, int start, int stop) {}

  /** The tokens of {@code text} in order (none for an empty text). */
  static List<Piece> pieces(String text) {
    List<Piece> out = new ArrayList<>();
    Matcher m = MARKER.matcher(text);
    int from = 0, cp = 0;
    while (m.find()) {
      cp = plainPieces(text, from, m.start(), cp, out);
      String marker = m.group();
      int n = marker.codePointCount(0, marker.length());
      out.add(new Piece(Math.floorMod(marker.hashCode(), 1000), marker, cp, cp + n));
      cp += n;
      from = m.end();
    }
    plainPieces(text, from, text.length(), cp, out);
    return out;
  }

  /** Adds the four-code-point tokens of {@code text[from, to)}, the first at code point {@code cp}; returns the code point after them. */
  private static int plainPieces(String text, int from, int to, int cp, List<Piece> out) {
    int i = from;
    while (i < to) {
      int end = i, n = 0;
      while (end < to && n < CODE_POINTS_PER_TOKEN) {
        end += Character.charCount(text.codePointAt(end));
        n++;
      }
      String piece = text.substring(i, end);
      out.add(new Piece(Math.floorMod(piece.hashCode(), 31_000) + 1000, piece, cp, cp + n));
      cp += n;
      i = end;
    }
    return cp;
  }
}
