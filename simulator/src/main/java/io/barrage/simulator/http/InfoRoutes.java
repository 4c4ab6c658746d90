package io.barrage.simulator.http;

import io.barrage.simulator.Profile;
import io.barrage.simulator.SimulatorStats;
import io.barrage.simulator.engine.Engine;

/**
 * TGI's routes that describe the server rather than generate (docs/protocols.md §9): {@code GET /},
 * {@code /health} and {@code /ping} (200, empty), {@code /info}, {@code /metrics} (TGI's metrics
 * and the simulator's own, {@link MetricsText}) and {@code /v1/models}; any other method gets 405.
 * They need no key.
 */
final class InfoRoutes {
  private final Profile profile;
  private final SimulatorStats stats;
  private final Engine engine;

  InfoRoutes(Profile profile, SimulatorStats stats, Engine engine) {
    this.profile = profile;
    this.stats = stats;
    this.engine = engine;
  }

  /** Answers {@code path}, one of {@code /}, {@code /health}, {@code /ping}, {@code /info}, {@code /metrics}, {@code /v1/models}. */
  void handle(Exchange ex, String path) {
    if (!ex.method().equals("GET")) {
      Reply.empty(405).send(ex);
      return;
    }
    switch (path) {
      case "/info" -> Reply.json(200, info()).send(ex);
      case "/metrics" -> Reply.text(200, MetricsText.render(profile, stats, engine)).send(ex);
      case "/v1/models" -> Reply.json(200, models()).send(ex);
      default -> Reply.empty(200).send(ex);
    }
  }

  private byte[] info() {
    Profile.Limits l = profile.limits();
    return Json.bytes(g -> {
      g.writeStartObject();
      g.writeStringField("model_id", profile.modelId());
      g.writeNullField("model_sha");
      g.writeStringField("model_pipeline_tag", "text-generation");
      g.writeNumberField("max_concurrent_requests", l.maxConcurrentRequests());
      g.writeNumberField("max_best_of", RequestParsing.MAX_BEST_OF);
      g.writeNumberField("max_stop_sequences", RequestParsing.MAX_STOP_SEQUENCES);
      g.writeNumberField("max_input_tokens", l.maxInputTokens());
      g.writeNumberField("max_total_tokens", l.maxTotalTokens());
      g.writeNumberField("validation_workers", 2);
      g.writeNumberField("max_client_batch_size", 4);
      g.writeStringField("router", "text-generation-router");
      g.writeStringField("version", Generations.VERSION);
      g.writeNullField("sha");
      g.writeNullField("docker_label");
      g.writeEndObject();
    });
  }

  private byte[] models() {
    return Json.bytes(g -> {
      g.writeStartObject();
      g.writeStringField("object", "list");
      g.writeArrayFieldStart("data");
      g.writeStartObject();
      g.writeStringField("id", profile.modelId());
      g.writeStringField("object", "model");
      g.writeNumberField("created", 0);
      g.writeStringField("owned_by", profile.modelId());
      g.writeEndObject();
      g.writeEndArray();
      g.writeEndObject();
    });
  }
}
