package io.barrage.simulator.engine;

import java.util.SplittableRandom;

/** The simulator's deterministic "model": token ids and texts drawn from a small English vocabulary. */
final class Vocabulary {
  static final int EOS_ID = 2;
  static final String EOS_TEXT = "</s>";
  private static final String[] WORDS = {
    " the", " of", " and", " to", " a", " in", " is", " that", " for", " it", " as", " with", " on", " be",
    " by", " this", " are", " or", " from", " at", " model", " token", " deep", " learning", " data",
    " network", " layer", " each", " which", " can", " more", " than", " time", " memory", " batch",
    " request", " server", " latency", " through", " one", " new", " all", " when", " into", " not",
    " we", " its", " also", " has", " used", " first", " these", " between", " output", " input",
    ",", ".", " text", " generation", " inference", " GPU", " cache", " step", " load"
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
