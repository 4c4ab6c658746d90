package io.barrage.protocol.scenario;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.barrage.common.json.Mappers;
import java.util.Iterator;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The request body of a {@code fastapi} target: a JSON document whose string values may hold the
 * placeholders {@code {{prompt}}}, {@code {{maxNewTokens}}} and {@code {{seed}}}. A string that is
 * exactly {@code "{{maxNewTokens}}"} or {@code "{{seed}}"} becomes a JSON number; elsewhere the
 * placeholders are replaced inside the string (the prompt is escaped by the JSON writer, so any
 * prompt text yields valid JSON). The one place a template is parsed and rendered: the worker sends
 * what {@link #render} returns, and {@code validate} renders the same way with sample values.
 */
public final class RequestTemplate {
  /** TGI's body shape, used when a target gives no template. */
  public static final String DEFAULT =
      "{\"inputs\":\"{{prompt}}\",\"parameters\":{\"max_new_tokens\":\"{{maxNewTokens}}\",\"details\":true}}";
  private static final ObjectMapper JSON = Mappers.strict();
  private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{([^{}]*)}}");

  private final JsonNode tree;
  private final boolean usesSeed;

  private RequestTemplate(JsonNode tree, boolean usesSeed) {
    this.tree = tree;
    this.usesSeed = usesSeed;
  }

  /**
   * Parses a template ({@link #DEFAULT} when null).
   *
   * @throws IllegalArgumentException naming what is wrong: not JSON (with the parser's line and
   *     column), not an object, or a placeholder other than the three known ones
   */
  public static RequestTemplate parse(String template) {
    String text = template == null ? DEFAULT : template;
    JsonNode tree;
    try {
      tree = JSON.readTree(text);
    } catch (JsonProcessingException e) {
      String hint = text.matches("(?s).*[:\\[,]\\s*\\{\\{.*") ? " (a placeholder goes inside a JSON string: \"{{prompt}}\"; "
          + "a string that is exactly \"{{maxNewTokens}}\" or \"{{seed}}\" is sent as a number)" : "";
      throw new IllegalArgumentException("not valid JSON: " + e.getOriginalMessage() + locate(e) + hint, e);
    }
    if (tree == null || !tree.isObject()) throw new IllegalArgumentException("must be a JSON object, e.g. " + DEFAULT);
    Matcher m = PLACEHOLDER.matcher(text);
    while (m.find()) {
      String name = m.group(1);
      if (!name.equals("prompt") && !name.equals("maxNewTokens") && !name.equals("seed")) {
        throw new IllegalArgumentException("unknown placeholder {{" + name + "}} (known: {{prompt}}, {{maxNewTokens}}, {{seed}})");
      }
    }
    return new RequestTemplate(tree, text.contains("{{seed}}"));
  }

  private static String locate(JsonProcessingException e) {
    return e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
  }

  /** Whether the body depends on the per-request seed (else a fixed prompt and length give the same bytes). */
  public boolean usesSeed() {
    return usesSeed;
  }

  /** The body for one request, as UTF-8 JSON. */
  public byte[] render(String prompt, int maxNewTokens, long seed) {
    try {
      return JSON.writeValueAsBytes(fill(tree, prompt, maxNewTokens, seed));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e); // a tree of plain nodes always writes
    }
  }

  private static JsonNode fill(JsonNode n, String prompt, int mnt, long seed) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    if (n.isTextual()) {
      String s = n.asText();
      if (s.equals("{{maxNewTokens}}")) return f.numberNode(mnt);
      if (s.equals("{{seed}}")) return f.numberNode(seed);
      if (s.indexOf("{{") < 0) return n;
      return TextNode.valueOf(s.replace("{{prompt}}", prompt).replace("{{maxNewTokens}}", Integer.toString(mnt))
          .replace("{{seed}}", Long.toString(seed)));
    }
    if (n.isObject()) {
      ObjectNode o = f.objectNode();
      for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        o.set(e.getKey(), fill(e.getValue(), prompt, mnt, seed));
      }
      return o;
    }
    if (n.isArray()) {
      ArrayNode a = f.arrayNode();
      for (JsonNode c : n) a.add(fill(c, prompt, mnt, seed));
      return a;
    }
    return n;
  }
}
