package io.barrage.simulator.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.barrage.simulator.ErrorKind;

/**
 * TGI's OpenAI-compatible routes (docs/protocols.md §7): {@code POST /v1/chat/completions} and
 * {@code POST /v1/completions}, streamed (chunks, then {@code data:[DONE]}) or whole. A completions
 * request with several prompts is one generation per prompt ({@link CompletionsBatch}).
 */
final class OpenAiRoutes {
  private final Generations core;
  private final Route chat;
  private final Route completions;
  private final CompletionsBatch batch;

  OpenAiRoutes(Generations core) {
    this.core = core;
    this.chat = new Route(true);
    this.completions = new Route(false);
    this.batch = new CompletionsBatch(core, completions);
  }

  /** {@code POST /v1/chat/completions}. */
  void chat(Exchange ex, long arrival) {
    chat.serve(ex, arrival);
  }

  /** {@code POST /v1/completions}. */
  void completions(Exchange ex, long arrival) {
    completions.serve(ex, arrival);
  }

  private final class Route implements Generations.Answers {
    private final boolean chat;

    Route(boolean chat) {
      this.chat = chat;
    }

    void serve(Exchange ex, long arrival) {
      core.serve(ex, arrival, this, (body, rec) -> {
        JsonNode root = RequestParsing.readJson(body);
        boolean wantsStream = root.isObject() && root.path("stream").asBoolean(false);
        if (!chat && RequestParsing.hasSeveralPrompts(root)) {
          batch.serve(ex, root, wantsStream, arrival, rec);
          return;
        }
        GenerationParams params;
        try {
          params = chat ? core.parsing.chat(root) : core.parsing.completions(root);
        } catch (Rejection.Failure f) {
          if (wantsStream && f.rejection.isStreamed()) {
            core.streamedError(this, f.rejection, rec).send(ex, rec);
            return;
          }
          throw f;
        }
        core.run(ex, this, params, params.stream(), arrival, rec);
      });
    }

    @Override
    public Reply rejected(Rejection r) {
      return Generations.tgiRejection(r);
    }

    @Override
    public StreamFormat format(GenerationParams params) {
      long created = System.currentTimeMillis() / 1000;
      StreamFormat f = chat
          ? new StreamFormat.Chat(params, core.model(params), created, Generations.FINGERPRINT)
          : new StreamFormat.Completions(params, core.model(params), created, Generations.FINGERPRINT);
      f.countOffset = core.profile.faults().countOffset();
      return f;
    }

    @Override
    public Reply finished(GenerationParams params, Generated g, long now) {
      long created = System.currentTimeMillis() / 1000;
      int lie = core.profile.faults().countOffset();
      byte[] body = chat
          ? OpenAiShapes.chat(g, core.model(params), created, Generations.FINGERPRINT, lie)
          : OpenAiShapes.completion(g, core.model(params), created, Generations.FINGERPRINT, lie);
      // TGI's completions route sends no x-compute-time
      return core.timed(Reply.json(200, body), params, g, now, chat);
    }

    @Override
    public Reply failed(String message, ErrorKind kind) {
      return Generations.tgiFailure(message, kind);
    }
  }
}
