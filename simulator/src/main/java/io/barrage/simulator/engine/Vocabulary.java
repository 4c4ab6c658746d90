package io.barrage.simulator.engine;

import java.util.SplittableRandom;

/** The simulator's deterministic "model": token ids and texts drawn from a small English vocabulary. */
final class Vocabulary {
  static final int EOS_ID = 2;
  static final String EOS_TEXT = "</s>";
  /**
   * 64 words of four code points each (the leading space included): every generated token is one
   * token of the simulator's own tokenizer (four code points a token), so a client that counts the
   * generated text with that tokenizer counts what was generated (EOS, which the text leaves out, aside).
   */
  private static final String[] WORDS = {
    " the", " and", " for", " are", " but", " not", " you", " all", " any", " can", " had", " her", " was",
    " one", " our", " out", " day", " get", " has", " him", " his", " how", " man", " new", " now", " old",
    " see", " two", " way", " who", " did", " its", " let", " put", " say", " she", " too", " use", " GPU",
    " key", " map", " set", " run", " top", " low", " big", " end", " few", " may", " per", " sum", " log",
    " bit", " row", " net", " job", " fit", " yes", " own", " far", " act", " add", " ask", " law"
  };

  private Vocabulary() {}

  static Token next(SplittableRandom rnd, int index, boolean last, boolean eos) {
    if (last && eos) {
      return new Token(index, EOS_ID, EOS_TEXT, -0.0021, true, true, "eos_token");
    }
    int w = rnd.nextInt(WORDS.length);
    double logprob = -Math.round(rnd.nextDouble() * 3_000_000) / 1_000_000.0;
    return new Token(index, 1000 + w, WORDS[w], logprob, false, last, last ? "length" : null);
  }
}
