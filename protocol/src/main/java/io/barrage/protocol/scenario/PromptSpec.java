package io.barrage.protocol.scenario;

/**
 * Where prompts come from: exactly one of {@code text}, {@code dataset} (a file) or {@code
 * synthetic}; and, for any of them, per-request output lengths, the tokenizer that counts tokens,
 * and whether the stacks that can should generate exactly the requested length (docs/scenario.md
 * "Prompts").
 *
 * @param format of {@code dataset}: {@code jsonl} (the default for {@code .jsonl}) or {@code
 *     sharegpt} (the default for {@code .json})
 * @param filter keeps only dataset entries with lengths in these bounds
 * @param outputTokens each request's new tokens drawn from this distribution (instead of the cell's
 *     {@code maxNewTokens})
 * @param tokenizer counts tokens: exact synthetic lengths, dataset lengths, output tokens of servers
 *     that give no count
 * @param exactOutput asks the stacks that accept it to generate exactly the requested new tokens
 *     ({@code ignore_eos}, {@code min_tokens})
 */
public record PromptSpec(
    String text,
    String dataset,
    Synthetic synthetic,
    String format,
    LengthFilter filter,
    TokenDistribution outputTokens,
    TokenizerSpec tokenizer,
    Boolean exactOutput) {

  public PromptSpec(String text, String dataset, Synthetic synthetic) {
    this(text, dataset, synthetic, null, null, null, null, null);
  }

  public boolean exactOutputOrDefault() {
    return exactOutput != null && exactOutput;
  }

  /**
   * Synthetic prompts with a target input length distribution.
   *
   * @param sharedPrefixTokens the first this many tokens are the same for every request (default 0:
   *     no two requests share a cacheable prefix)
   */
  public record Synthetic(TokenDistribution inputTokens, Integer sharedPrefixTokens) {
    public Synthetic(TokenDistribution inputTokens) {
      this(inputTokens, null);
    }
  }

  /**
   * A length distribution in tokens. {@code distribution}: {@code normal} (the default: {@code mean},
   * {@code stddev}), {@code fixed} ({@code value}), {@code uniform} ({@code min}..{@code max}),
   * {@code lognormal} ({@code mean} and {@code stddev} of the lengths themselves) or {@code empirical}
   * (drawn from the lengths listed in {@code file}, one a line); {@code min} and {@code max} cut any of them.
   */
  public record TokenDistribution(Integer mean, Integer stddev, Integer min, Integer max, String distribution, Integer value,
      String file) {
    public TokenDistribution(Integer mean, Integer stddev, Integer min, Integer max) {
      this(mean, stddev, min, max, null, null, null);
    }

    /** The distribution's name, {@code normal} when not given. */
    public String kind() {
      return distribution == null ? "normal" : distribution;
    }
  }

  /** Bounds on a dataset entry's prompt and output lengths in tokens (each optional). */
  public record LengthFilter(Integer minInputTokens, Integer maxInputTokens, Integer minOutputTokens, Integer maxOutputTokens) {}

  /**
   * The tokenizer: {@code source: target} (each target's own {@code /tokenize} route) or {@code
   * file}, a Hugging Face {@code tokenizer.json} read by the workers.
   */
  public record TokenizerSpec(String source, String file) {
    public boolean fromTarget() {
      return "target".equals(source);
    }
  }
}
