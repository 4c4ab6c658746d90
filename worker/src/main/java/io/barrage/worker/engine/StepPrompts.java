package io.barrage.worker.engine;

import io.barrage.protocol.scenario.ApiKind;
import io.barrage.protocol.scenario.PromptSpec;
import io.barrage.protocol.scenario.Timeouts;
import io.barrage.worker.client.ApiClient;
import io.barrage.worker.client.AuthHeader;
import io.barrage.worker.client.ChatMessage;
import io.barrage.worker.client.ChatTokenizeClient;
import io.barrage.worker.client.TokenizeClient;
import io.barrage.worker.prompt.ExactPrompts;
import io.barrage.worker.prompt.TargetTokenizer;
import io.barrage.worker.prompt.Tokenizers;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

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
  static PromptSource prepare(StepRequest req, Tokenizers tokenizers, TransportFactory transports, Optional<AuthHeader> auth,
      ApiClient api, TraceReplay replay, long seed) {
    PromptSpec spec = req.workload().prompt();
    Tokenizers.Prepared tok = tokenizers.get(spec.tokenizer(), req.target(), req.baseDir(), () -> {
      TokenizeClient c = TokenizeClient.of(req.target());
      TargetTokenizer remote = new TargetTokenizer(req.target().name(), c,
          transports.create(c, auth, Timeouts.DEFAULTS, req.target().tls(), req.baseDir()), Timeouts.DEFAULTS.total());
      if (req.target().api() != ApiKind.OPENAI_CHAT) return remote;
      ChatTokenizeClient chat = ChatTokenizeClient.of(req.target());
      return remote.withChat(chat, transports.create(chat, auth, Timeouts.DEFAULTS, req.target().tls(), req.baseDir()));
    });
    ExactPrompts exact = null;
    if (replay != null) {
      // a trace's prompts: exactly each row's input length in this tokenizer
      replay.lengths(LengthPrompts.exact(chatTemplated(req, tok, tok.exact())));
    } else if (spec.synthetic() != null) {
      exact = chatTemplated(req, tok, tok.exact());
      Integer shared = spec.synthetic().sharedPrefixTokens();
      if (shared != null && shared > 0) exact = exact.withSharedPrefix(seed, shared);
    }
    if (tok.local()) api.countOutputWith(tok::outputTokens);
    return replay == null ? PromptSource.of(spec, req.baseDir(), tok.counter(), exact) : null;
  }

  /**
   * {@code exact} made for the target's chat template on {@code openai-chat} with the target's own
   * tokenizer: the user message is shorter by the template's overhead (measured with the session's
   * system prompt before it, when there is one), so the server counts the drawn length. Unchanged on
   * other routes, with a tokenizer file, or when the target has no templated tokenize route.
   */
  static ExactPrompts chatTemplated(StepRequest req, Tokenizers.Prepared tok, ExactPrompts exact) {
    if (req.target().api() != ApiKind.OPENAI_CHAT) return exact;
    var session = req.workload().session();
    List<ChatMessage> fixed = session == null || session.systemPrompt() == null ? List.of()
        : List.of(new ChatMessage("system", session.systemPrompt()));
    OptionalInt overhead = tok.chatOverhead(fixed, req.target().name());
    return overhead.isPresent() ? exact.withChatTemplate(overhead.getAsInt()) : exact;
  }
}
