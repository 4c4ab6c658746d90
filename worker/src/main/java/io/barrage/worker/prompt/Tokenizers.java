package io.barrage.worker.prompt;

import io.barrage.protocol.scenario.PromptSpec;
import io.barrage.protocol.scenario.Target;
import io.barrage.worker.client.ChatMessage;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One worker's tokenizers, kept for the worker's life: a {@code tokenizer.json} is read once per file,
 * a target's {@code /tokenize} is wrapped once per target (its answers cached per text), and the
 * calibration of exact prompts ({@link ExactPrompts}) is done once per tokenizer. Every cell of a
 * run after the first of its target therefore starts without asking the target anything.
 */
public final class Tokenizers implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Tokenizers.class);
  private final Map<String, Prepared> prepared = new ConcurrentHashMap<>();

  /** A tokenizer ready for a step. */
  public static final class Prepared {
    private final TokenCounter counter;
    private final boolean local;
    private final String name;
    private volatile ExactPrompts exact;
    private volatile Integer specials;
    private final Map<List<ChatMessage>, OptionalInt> chatOverheads = new ConcurrentHashMap<>();

    Prepared(TokenCounter counter, boolean local, String name) {
      this.counter = counter;
      this.local = local;
      this.name = name;
    }

    public TokenCounter counter() {
      return counter;
    }

    /** In process (a file): cheap enough to count every answer's text. */
    public boolean local() {
      return local;
    }

    /** Exact prompts in this tokenizer, calibrated the first time they are asked for. */
    public synchronized ExactPrompts exact() {
      if (exact == null) {
        long t0 = System.nanoTime();
        exact = ExactPrompts.calibrate(counter);
        log.info("{}: exact prompts calibrated in {} ms ({} single-token words, {} special token(s))", name,
            (System.nanoTime() - t0) / 1_000_000, exact.vocabularySize(), exact.specialTokens());
      }
      return exact;
    }

    /**
     * The tokens the target's chat template adds to a user message that follows {@code fixed}
     * ({@link ChatOverhead}), measured the first time and kept; empty for a tokenizer file (no chat
     * template) or a target without a templated tokenize route, which is logged once as a warning:
     * its prompts on openai-chat then count the template's tokens on top of N.
     *
     * @throws TokenCounter.TokenizerException when the overhead is not constant, naming the target
     */
    public OptionalInt chatOverhead(List<ChatMessage> fixed, String target) {
      if (!(counter instanceof TargetTokenizer remote)) return OptionalInt.empty();
      List<ChatMessage> key = List.copyOf(fixed);
      OptionalInt known = chatOverheads.get(key);
      if (known != null) return known;
      synchronized (this) {
        known = chatOverheads.get(key);
        if (known != null) return known;
        OptionalInt o = ChatOverhead.measure(remote::countChat, exact(), key, target);
        if (o.isEmpty()) {
          log.warn("{} is not there (or refuses a chat), so synthetic prompts on openai-chat count the chat template's "
              + "tokens on top of the drawn length", remote.chatWhere());
        } else {
          log.info("target {}: its chat template adds {} token(s) to a user message{}", target, o.getAsInt(),
              key.isEmpty() ? "" : " after " + key.size() + " fixed message(s)");
        }
        chatOverheads.put(key, o);
        return o;
      }
    }

    /** Tokens of a generated text: the text's count less the special tokens the tokenizer adds to any text. */
    public int outputTokens(String text) {
      Integer s = specials;
      if (s == null) specials = s = Math.max(0, counter.count(""));
      return Math.max(0, counter.count(text) - s);
    }
  }

  /**
   * The tokenizer {@code spec} names for {@code target}.
   *
   * @param remote makes the target's tokenizer the first time it is needed
   * @throws IllegalArgumentException for a tokenizer file that cannot be used, naming it
   */
  public Prepared get(PromptSpec.TokenizerSpec spec, Target target, Path baseDir, Supplier<TargetTokenizer> remote) {
    if (spec.file() != null) {
      Path file = PromptFiles.resolve("tokenizer file", spec.file(), baseDir);
      return prepared.computeIfAbsent("file:" + file, k -> new Prepared(HfTokenizerFile.open(file, spec.file()), true,
          "tokenizer file " + spec.file()));
    }
    String key = "target:" + target.name() + "|" + target.url() + "|" + target.stackOrDefault();
    return prepared.computeIfAbsent(key, k -> new Prepared(remote.get(), false, "target " + target.name() + "'s /tokenize"));
  }

  @Override
  public void close() {
    for (Prepared p : prepared.values()) {
      if (p.counter instanceof AutoCloseable c) {
        try {
          c.close();
        } catch (Exception e) {
          log.debug("closing {}: {}", p.name, e.getMessage());
        }
      }
    }
    prepared.clear();
  }
}
