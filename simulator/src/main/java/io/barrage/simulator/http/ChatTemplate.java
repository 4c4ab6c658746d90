package io.barrage.simulator.http;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The simulator's chat template (docs/simulator.md "Chat template"): each message is
 * {@code <|role|>\n} + its content + {@code \n}, and the generation prompt {@code <|assistant|>\n}
 * follows the last one. With {@link Tokens}, which takes a role marker and its line breaks as one
 * special token, a chat costs its contents' tokens plus one token per message plus one for the
 * generation prompt: a single user message of N tokens is N + 2, whatever N. The chat route counts
 * its prompt this way, and the templated tokenize routes ({@link TokenizeRoute}) show the same count.
 */
final class ChatTemplate {
  private ChatTemplate() {}

  /**
   * The prompt text of {@code messages} (an OpenAI chat {@code messages} array).
   *
   * @param generationPrompt whether {@code <|assistant|>\n} closes it
   * @throws Rejection.Failure (422) for a messages value that is not an array of objects with a role
   */
  static String render(JsonNode messages, boolean generationPrompt) {
    if (messages == null) throw RequestParsing.shape("missing field `messages`");
    if (!messages.isArray()) throw RequestParsing.shape("messages: invalid type: expected a sequence");
    StringBuilder prompt = new StringBuilder();
    for (JsonNode m : messages) {
      if (!m.isObject() || !m.hasNonNull("role")) throw RequestParsing.shape("messages: missing field `role`");
      prompt.append("<|").append(m.get("role").asText()).append("|>\n");
      JsonNode content = m.get("content");
      if (content != null && content.isTextual()) {
        prompt.append(content.asText());
      } else if (content != null && content.isArray()) {
        for (JsonNode part : content) {
          if (part.hasNonNull("text")) prompt.append(part.get("text").asText());
        }
      }
      prompt.append("\n");
    }
    if (generationPrompt) prompt.append("<|assistant|>\n");
    return prompt.toString();
  }
}
