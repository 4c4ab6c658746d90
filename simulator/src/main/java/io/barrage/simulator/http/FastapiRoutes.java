package io.barrage.simulator.http;

import io.barrage.simulator.ErrorKind;
import java.nio.charset.StandardCharsets;

/**
 * The naive FastAPI server's routes: {@code POST /generate} (TGI's request body, answered whole
 * after the last token in TGI's response shape) and {@code GET /health}, with FastAPI's errors
 * ({@code {"detail": ...}}; validation as a 422 list of problems; a failed generation as a
 * plain-text 500).
 */
final class FastapiRoutes implements Generations.Answers {
  private final Generations core;

  FastapiRoutes(Generations core) {
    this.core = core;
  }

  void handle(Exchange ex, long arrival) {
    boolean get = ex.method().equals("GET");
    boolean post = ex.method().equals("POST");
    switch (ex.path()) {
      case "/generate" -> {
        if (post) generate(ex, arrival);
        else error(405, "Method Not Allowed").send(ex);
      }
      case "/health" -> (get ? Reply.json(200, "{\"status\":\"ok\"}".getBytes(StandardCharsets.UTF_8))
          : error(405, "Method Not Allowed")).send(ex);
      default -> error(404, "Not Found").send(ex);
    }
  }

  private void generate(Exchange ex, long arrival) {
    core.serve(ex, arrival, this, (body, rec) -> {
      GenerationParams params = core.parsing.tgi(RequestParsing.readJson(body), false);
      core.run(ex, this, params, params.stream(), arrival, rec);
    });
  }

  @Override
  public Reply rejected(Rejection r) {
    if (r.status() == 422 || r.status() == 400) {
      return Reply.json(422, Json.bytes(g -> {
        g.writeStartObject();
        g.writeArrayFieldStart("detail");
        g.writeStartObject();
        g.writeStringField("type", r.status() == 400 ? "json_invalid" : "value_error");
        g.writeArrayFieldStart("loc");
        g.writeString("body");
        g.writeEndArray();
        g.writeStringField("msg", r.message());
        g.writeEndObject();
        g.writeEndArray();
        g.writeEndObject();
      }));
    }
    return error(r.status(), r.message());
  }

  @Override
  public StreamFormat format(GenerationParams params) {
    StreamFormat f = new StreamFormat.Tgi(params);
    f.countOffset = core.profile.faults().countOffset();
    return f;
  }

  @Override
  public Reply finished(GenerationParams params, Generated g, long now) {
    return Reply.json(200, OpenAiShapes.fastapiGenerate(g, params, core.profile.faults().countOffset()));
  }

  @Override
  public Reply failed(String message, ErrorKind kind) {
    return Reply.text(500, "Internal Server Error");
  }

  private static Reply error(int status, String detail) {
    return Reply.json(status, Json.bytes(g -> {
      g.writeStartObject();
      g.writeStringField("detail", detail);
      g.writeEndObject();
    }));
  }
}
