package io.barrage.simulator.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.barrage.simulator.ErrorKind;

/**
 * TGI's native generation routes (docs/protocols.md §5, §6): {@code POST /generate} (one JSON body with
 * {@code details} and the timing headers), {@code POST /generate_stream} (SSE, {@code data:}
 * without a space, no {@code [DONE]}) and the compat route {@code POST /} (the same answers, the
 * whole one as a one-element array; a stream when the body says {@code "stream": true}).
 */
final class TgiRoutes {
  private enum Path { GENERATE, GENERATE_STREAM, COMPAT }

  private final Generations core;
  private final Route generate;
  private final Route generateStream;
  private final Route compat;

  TgiRoutes(Generations core) {
    this.core = core;
    this.generate = new Route(Path.GENERATE);
    this.generateStream = new Route(Path.GENERATE_STREAM);
    this.compat = new Route(Path.COMPAT);
  }

  /** {@code POST /generate}. */
  void generate(Exchange ex, long arrival) {
    generate.serve(ex, arrival);
  }

  /** {@code POST /generate_stream}. */
  void generateStream(Exchange ex, long arrival) {
    generateStream.serve(ex, arrival);
  }

  /** {@code POST /}. */
  void compat(Exchange ex, long arrival) {
    compat.serve(ex, arrival);
  }

  private final class Route implements Generations.Answers {
    private final Path path;

    Route(Path path) {
      this.path = path;
    }

    void serve(Exchange ex, long arrival) {
      core.serve(ex, arrival, this, (body, rec) -> {
        JsonNode root = RequestParsing.readJson(body);
        boolean wantsStream = path == Path.GENERATE_STREAM || (root.isObject() && root.path("stream").asBoolean(false));
        GenerationParams params;
        try {
          params = core.parsing.tgi(root, switch (path) {
            case GENERATE -> false;
            case GENERATE_STREAM -> true;
            case COMPAT -> wantsStream;
          });
        } catch (Rejection.Failure f) {
          if (wantsStream && f.rejection.isStreamed()) {
            core.streamedError(this, f.rejection, rec).send(ex, rec);
            return;
          }
          throw f;
        }
        boolean streaming = path == Path.GENERATE_STREAM || params.stream()
            || (path == Path.COMPAT && root.path("stream").asBoolean(false));
        core.run(ex, this, params, streaming, arrival, rec);
      });
    }

    @Override
    public Reply rejected(Rejection r) {
      return Generations.tgiRejection(r);
    }

    @Override
    public StreamFormat format(GenerationParams params) {
      StreamFormat f = new StreamFormat.Tgi(params);
      f.countOffset = core.profile.faults().countOffset();
      return f;
    }

    @Override
    public Reply finished(GenerationParams params, Generated g, long now) {
      byte[] body = OpenAiShapes.tgiGenerate(g, params, core.profile.faults().countOffset());
      if (path == Path.COMPAT) body = array(body);
      return core.timed(Reply.json(200, body), params, g, now, true);
    }

    @Override
    public Reply failed(String message, ErrorKind kind) {
      return Generations.tgiFailure(message, kind);
    }
  }

  private static byte[] array(byte[] obj) {
    byte[] out = new byte[obj.length + 2];
    out[0] = '[';
    System.arraycopy(obj, 0, out, 1, obj.length);
    out[out.length - 1] = ']';
    return out;
  }
}
