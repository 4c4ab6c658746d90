package io.barrage.worker.prompt;

/**
 * Counts the tokens of a text in one tokenizer, special tokens included (the BOS a model's
 * tokenizer adds counts, as the server counts it in its prompt length). Implementations: a Hugging
 * Face {@code tokenizer.json} read in process ({@link HfTokenizerFile}), the target's own
 * {@code /tokenize} route ({@link TargetTokenizer}), or any function in tests.
 */
@FunctionalInterface
public interface TokenCounter {
  /**
   * @throws TokenizerException when the tokenizer cannot answer (a remote tokenizer that failed)
   */
  int count(String text);

  /** Why a tokenizer could not count or could not be used: the message names the tokenizer and the text's length. */
  final class TokenizerException extends RuntimeException {
    public TokenizerException(String message) {
      super(message);
    }

    public TokenizerException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
