package io.barrage.worker.engine;

import io.barrage.protocol.scenario.PromptSpec;
import io.barrage.protocol.scenario.Timeouts;
import io.barrage.worker.client.ApiClient;
import io.barrage.worker.client.AuthHeader;
import io.barrage.worker.client.TokenizeClient;
import io.barrage.worker.prompt.ExactPrompts;
import io.barrage.worker.prompt.TargetTokenizer;
import io.barrage.worker.prompt.Tokenizers;
import java.util.Optional;

/**
 * A step's prompts when its scenario names a tokenizer: the tokenizer readied (a target's
 * /tokenize is asked here, before the cell, never during it), exact synthetic prompts or a trace's
 * exact lengths, and the output counter of count-less servers.
 */
final class StepPrompts {
  private StepPrompts() {}

  /**
   * Readies the tokenizer of {@code req}'s prompt spec. A trace step ({@code replay} not null) gets
   * exact row lengths and no prompt source (null); any other step its prompt source.
   */
  static PromptSource prepare(StepRequest req, Tokenizers tokenizers, StepRunner.TransportFactory transports, Optional<AuthHeader> auth,
      ApiClient api, TraceReplay replay, long seed) {
    PromptSpec spec = req.workload().prompt();
    Tokenizers.Prepared tok = tokenizers.get(spec.tokenizer(), req.target(), req.baseDir(), () -> {
      TokenizeClient c = TokenizeClient.of(req.target());
      return new TargetTokenizer(req.target().name(), c, transports.create(c, auth, Timeouts.DEFAULTS, req.target().tls(), req.baseDir()),
          Timeouts.DEFAULTS.total());
    });
    ExactPrompts exact = null;
    if (replay != null) {
      // a trace's prompts: exactly each row's input length in this tokenizer
      replay.lengths(LengthPrompts.exact(tok.exact()));
    } else if (spec.synthetic() != null) {
      exact = tok.exact();
      Integer shared = spec.synthetic().sharedPrefixTokens();
      if (shared != null && shared > 0) exact = exact.withSharedPrefix(seed, shared);
    }
    if (tok.local()) api.countOutputWith(tok::outputTokens);
    return replay == null ? PromptSource.of(spec, req.baseDir(), tok.counter(), exact) : null;
  }
}
