package io.barrage.worker.prompt;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * A Hugging Face {@code tokenizer.json} read in process by DJL's binding of the Rust {@code
 * tokenizers} library (ADR 0350): the same code that serving stacks tokenize with, so every
 * normalizer, pre-tokenizer, model and post-processor the file names behaves as on the server.
 * Counts include the special tokens the file's post-processor adds (BOS), without truncation or
 * padding. Thread-safe.
 */
public final class HfTokenizerFile implements TokenCounter, AutoCloseable {
  private final HuggingFaceTokenizer tokenizer;
  private final String name;

  private HfTokenizerFile(HuggingFaceTokenizer tokenizer, String name) {
    this.tokenizer = tokenizer;
    this.name = name;
  }

  /**
   * Reads {@code file}.
   *
   * @param name how errors name it (the path as the scenario gives it)
   * @throws IllegalArgumentException when it is not a tokenizer the library can read, naming it
   */
  public static HfTokenizerFile open(Path file, String name) {
    try {
      HuggingFaceTokenizer t = HuggingFaceTokenizer.newInstance(file,
          Map.of("addSpecialTokens", "true", "truncation", "false", "padding", "false", "maxLength", "-1"));
      return new HfTokenizerFile(t, name);
    } catch (IOException | RuntimeException | UnsatisfiedLinkError e) {
      throw new IllegalArgumentException("tokenizer file " + name + " cannot be read as a Hugging Face tokenizer.json: "
          + e.getMessage(), e);
    }
  }

  @Override
  public int count(String text) {
    Encoding e = tokenizer.encode(text);
    return e.getIds().length;
  }

  @Override
  public void close() {
    tokenizer.close();
  }

  @Override
  public String toString() {
    return "tokenizer file " + name;
  }
}
