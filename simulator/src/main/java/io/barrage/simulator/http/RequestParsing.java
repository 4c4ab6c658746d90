package io.barrage.simulator.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.barrage.common.json.Mappers;
import io.barrage.simulator.ErrorKind;
import io.barrage.simulator.Profile;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses and validates request bodies as TGI v3 does (docs/protocols.md §4, §5, §7): axum's plain-text
 * rejections for bodies that are not JSON or not of the right shape, then TGI's parameter
 * validation with its exact messages.
 */
final class RequestParsing {
  private static final ObjectMapper MAPPER = Mappers.strict();
  static final int MAX_STOP_SEQUENCES = 4;
  static final int MAX_BEST_OF = 2;
  static final int MAX_TOP_N_TOKENS = 5;
  static final int SEGMENT = io.barrage.simulator.engine.GenRequest.SEGMENT;

  private final Profile.Limits limits;

  RequestParsing(Profile.Limits limits) {
    this.limits = limits;
  }

  static JsonNode readJson(String body) {
    try {
      JsonNode n = MAPPER.readTree(body);
      if (n == null) throw new Rejection.Failure(Rejection.plain(400, "Failed to parse the request body as JSON: EOF while parsing a value at line 1 column 0"));
      return n;
    } catch (JsonProcessingException e) {
      String msg = e.getOriginalMessage();
      throw new Rejection.Failure(Rejection.plain(400, "Failed to parse the request body as JSON: " + msg));
    }
  }

  static Rejection.Failure shape(String what) {
    return new Rejection.Failure(Rejection.plain(422, "Failed to deserialize the JSON body into the target type: " + what));
  }

  /** TGI native body ({@code /generate}, {@code /generate_stream}, the FastAPI baseline). */
  GenerationParams tgi(JsonNode root, boolean stream) {
    if (!root.isObject()) throw shape("invalid type: expected struct GenerateRequest");
    JsonNode inputs = root.get("inputs");
    if (inputs == null) throw shape("missing field `inputs`");
    if (!inputs.isTextual()) throw shape("inputs: invalid type: expected a string");
    JsonNode p = root.get("parameters");
    if (p != null && !p.isNull() && !p.isObject()) throw shape("parameters: invalid type: expected struct GenerateParameters");
    if (p == null || p.isNull()) p = MAPPER.createObjectNode();
    Integer maxNew = optInt(p, "max_new_tokens");
    if (maxNew != null && maxNew < 0) throw shape("parameters.max_new_tokens: invalid value: expected u32");
    Double temperature = optDouble(p, "temperature");
    Double topP = optDouble(p, "top_p");
    Integer topK = optInt(p, "top_k");
    Double typicalP = optDouble(p, "typical_p");
    Double repetition = optDouble(p, "repetition_penalty");
    Double frequency = optDouble(p, "frequency_penalty");
    Integer bestOf = optInt(p, "best_of");
    Integer truncate = optInt(p, "truncate");
    Integer topN = optInt(p, "top_n_tokens");
    boolean details = optBool(p, "details");
    boolean decoderInputDetails = optBool(p, "decoder_input_details");
    Long seed = p.hasNonNull("seed") ? p.get("seed").asLong() : null;
    JsonNode stop = p.get("stop");
    int stops = stop != null && stop.isArray() ? stop.size() : 0;

    String text = inputs.asText();
    if (temperature != null && temperature <= 0) throw validation("`temperature` must be strictly positive");
    if (repetition != null && repetition <= 0) throw validation("`repetition_penalty` must be strictly positive");
    if (frequency != null && (frequency < -2 || frequency > 2)) throw validation("`frequency_penalty` must be >= -2.0 and <= 2.0");
    if (topP != null && (topP <= 0 || topP >= 1)) throw validation("`top_p` must be > 0.0 and < 1.0");
    if (typicalP != null && (typicalP <= 0 || typicalP >= 1)) throw validation("`typical_p` must be > 0.0 and < 1.0");
    if (topK != null && topK <= 0) throw validation("`top_k` must be strictly positive");
    if (maxNew != null && maxNew == 0) throw validation("`max_new_tokens` must be strictly positive");
    if (stops > MAX_STOP_SEQUENCES) throw validation("`stop` supports up to " + MAX_STOP_SEQUENCES + " stop sequences. Given: " + stops);
    if (bestOf != null && (bestOf <= 0 || bestOf > MAX_BEST_OF)) throw validation("`best_of` must be > 0 and <= " + MAX_BEST_OF + ". Given: " + bestOf);
    if (stream && bestOf != null && bestOf > 1) throw validation("`best_of` != 1 is not allowed for this endpoint");
    if (stream && decoderInputDetails) throw validation("`decoder_input_details` == true is not supported when streaming tokens");
    if (topN != null && topN > MAX_TOP_N_TOKENS) throw validation("`top_n_tokens` must be >= 0 and <= " + MAX_TOP_N_TOKENS + ". Given: " + topN);
    if (truncate != null && (truncate == 0 || truncate > limits.maxInputTokens()))
      throw validation("`truncate` must be strictly positive and less than " + limits.maxInputTokens() + ". Given: " + truncate);
    if (text.isEmpty()) throw validation("`inputs` cannot be empty");
    int inputTokens = Tokens.count(text);
    if (truncate != null) inputTokens = Math.min(inputTokens, truncate);
    checkLengths(inputTokens, maxNew);
    return new GenerationParams(text, inputTokens, maxNew, details, seed, stream, false, null);
  }

  /** OpenAI chat body ({@code /v1/chat/completions}). */
  GenerationParams chat(JsonNode root) {
    if (!root.isObject()) throw shape("invalid type: expected struct ChatRequest");
    String prompt = ChatTemplate.render(root.get("messages"), true);
    Integer maxTokens = optInt(root, "max_tokens");
    if (maxTokens == null) maxTokens = optInt(root, "max_completion_tokens");
    return openAiCommon(root, prompt, maxTokens, true);
  }

  /** TGI's {@code --max-client-batch-size} default: prompts one completions request may carry. */
  static final int MAX_CLIENT_BATCH_SIZE = 4;

  /** OpenAI legacy completions body ({@code /v1/completions}) with one prompt. */
  GenerationParams completions(JsonNode root) {
    List<String> prompts = completionPrompts(root);
    if (prompts.size() != 1) throw new IllegalArgumentException("several prompts: use completionsBatch");
    return openAiCommon(root, prompts.get(0), optInt(root, "max_tokens"), false);
  }

  /** True when a completions body carries a list of more than one prompt (see {@link #completionsBatch}). */
  static boolean hasSeveralPrompts(JsonNode root) {
    JsonNode prompt = root.path("prompt");
    return prompt.isArray() && prompt.size() > 1;
  }

  /** One prompt of a completions request: its parameters, or why TGI's validation refuses it. */
  record Slot(GenerationParams params, Rejection rejection) {}

  /**
   * A completions body with several prompts. The request as a whole is refused (thrown) for its shape,
   * a {@code suffix} or too many prompts; each prompt is then validated on its own, as TGI runs one
   * generation per prompt (docs/protocols.md §7).
   */
  List<Slot> completionsBatch(JsonNode root) {
    List<String> prompts = completionPrompts(root);
    Integer maxTokens = optInt(root, "max_tokens");
    List<Slot> slots = new ArrayList<>(prompts.size());
    for (String prompt : prompts) {
      try {
        slots.add(new Slot(openAiCommon(root, prompt, maxTokens, false), null));
      } catch (Rejection.Failure f) {
        if (f.rejection.isPlain()) throw f;
        slots.add(new Slot(null, f.rejection));
      }
    }
    return slots;
  }

  /** The prompts of a completions body, after the checks TGI's handler makes before generating. */
  private static List<String> completionPrompts(JsonNode root) {
    if (!root.isObject()) throw shape("invalid type: expected struct CompletionRequest");
    JsonNode prompt = root.get("prompt");
    if (prompt == null) throw shape("missing field `prompt`");
    List<String> texts = new ArrayList<>();
    if (prompt.isTextual()) {
      texts.add(prompt.asText());
    } else if (prompt.isArray() && prompt.size() > 0) {
      for (JsonNode p : prompt) {
        if (!p.isTextual()) throw shape("prompt: invalid type: expected a string or a sequence of strings");
        texts.add(p.asText());
      }
    } else {
      throw shape("prompt: invalid type: expected a string or a sequence of strings");
    }
    // TGI's completions handler checks the suffix first, then the number of prompts
    if (root.hasNonNull("suffix")) throw new Rejection.Failure(new Rejection(422, "Suffix is not supported and can be achieved by preprocessing the prompt.", ErrorKind.SUFFIX_NOT_SUPPORTED));
    if (texts.size() > MAX_CLIENT_BATCH_SIZE) {
      throw new Rejection.Failure(new Rejection(422, "Number of prompts exceeds the maximum allowed batch size of "
          + MAX_CLIENT_BATCH_SIZE, ErrorKind.BATCH_SIZE_EXCEEDED));
    }
    return texts;
  }

  private GenerationParams openAiCommon(JsonNode root, String prompt, Integer maxTokens, boolean chat) {
    Double temperature = optDouble(root, "temperature");
    Double topP = optDouble(root, "top_p");
    Double frequency = optDouble(root, "frequency_penalty");
    boolean stream = optBool(root, "stream");
    JsonNode so = root.get("stream_options");
    boolean includeUsage = chat && so != null && so.isObject() && so.path("include_usage").asBoolean(false);
    String model = root.hasNonNull("model") ? root.get("model").asText() : null;
    if (temperature != null && temperature < 0) throw validation("`temperature` must be strictly positive");
    if (frequency != null && (frequency < -2 || frequency > 2)) throw validation("`frequency_penalty` must be >= -2.0 and <= 2.0");
    if (topP != null && (topP <= 0 || topP >= 1)) throw validation("`top_p` must be > 0.0 and < 1.0");
    if (maxTokens != null && maxTokens == 0) throw validation("`max_new_tokens` must be strictly positive");
    if (prompt.isEmpty()) throw validation("`inputs` cannot be empty");
    Long seed = root.hasNonNull("seed") ? root.get("seed").asLong() : null;
    int inputTokens = Tokens.count(prompt);
    checkLengths(inputTokens, maxTokens);
    return new GenerationParams(prompt, inputTokens, maxTokens, true, seed, stream, includeUsage, model);
  }

  /** TGI's two length checks, total first (docs/protocols.md §5). */
  private void checkLengths(int inputTokens, Integer maxNew) {
    int segment = maxNew == null ? Math.max(1, Math.min(SEGMENT, limits.maxTotalTokens() - inputTokens)) : Math.min(maxNew, SEGMENT);
    if (inputTokens + segment > limits.maxTotalTokens()) {
      throw validation("`inputs` tokens + `max_new_tokens` must be <= " + limits.maxTotalTokens() + ". Given: "
          + inputTokens + " `inputs` tokens and " + segment + " `max_new_tokens`");
    }
    if (inputTokens > limits.maxInputTokens()) {
      throw validation("`inputs` must have less than " + limits.maxInputTokens() + " tokens. Given: " + inputTokens);
    }
  }

  private static Rejection.Failure validation(String msg) {
    return new Rejection.Failure(Rejection.validation(msg));
  }

  private static Integer optInt(JsonNode p, String field) {
    JsonNode n = p.get(field);
    if (n == null || n.isNull()) return null;
    if (!n.isIntegralNumber()) throw shape(field + ": invalid type: expected an integer");
    return n.asInt();
  }

  private static Double optDouble(JsonNode p, String field) {
    JsonNode n = p.get(field);
    if (n == null || n.isNull()) return null;
    if (!n.isNumber()) throw shape(field + ": invalid type: expected f32");
    return n.asDouble();
  }

  private static boolean optBool(JsonNode p, String field) {
    JsonNode n = p.get(field);
    if (n == null || n.isNull()) return false;
    if (!n.isBoolean()) throw shape(field + ": invalid type: expected a boolean");
    return n.asBoolean();
  }
}
