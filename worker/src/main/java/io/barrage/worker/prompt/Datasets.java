package io.barrage.worker.prompt;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.barrage.common.json.Mappers;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a scenario's dataset file into entries: a prompt, and the output length it asks for (or
 * none). Two formats:
 *
 * <ul>
 *   <li>{@code jsonl}: one JSON object a line, {@code prompt} (or {@code text}) and optionally
 *       {@code maxNewTokens} / {@code max_new_tokens} / {@code max_tokens}; blank lines skipped;
 *   <li>{@code sharegpt}: a JSON array of conversations, each {@code {"conversations": [{"from":
 *       "human", "value": ...}, {"from": "gpt", "value": ...}, ...]}}; the first human turn is the
 *       prompt and the gpt turn after it is the reply, whose length in tokens becomes the request's
 *       output length. A conversation without a human turn followed by a gpt turn is skipped.
 * </ul>
 *
 * A malformed file is an error naming the file and the line. The file's size is bounded before it is
 * read ({@link PromptFiles}).
 */
public final class Datasets {
  /** A dataset entry: its prompt, its reply's text (ShareGPT) or asked output length (JSONL), and where it came from. */
  public record Entry(String prompt, String reply, Integer maxNewTokens, int line) {}

  private Datasets() {}

  /** {@code format} as given, or the one the file name implies ({@code .json}: sharegpt, else jsonl). */
  public static String formatOf(String format, String file) {
    if (format != null) return format;
    return file.toLowerCase(java.util.Locale.ROOT).endsWith(".json") ? "sharegpt" : "jsonl";
  }

  public static List<Entry> read(Path file, String name, String format) {
    return format.equals("sharegpt") ? shareGpt(file, name) : jsonl(file, name);
  }

  static List<Entry> jsonl(Path p, String name) {
    ObjectMapper json = Mappers.strict();
    List<Entry> out = new ArrayList<>();
    try (BufferedReader in = Files.newBufferedReader(p, StandardCharsets.UTF_8)) {
      String raw;
      int line = 0;
      while ((raw = in.readLine()) != null) {
        line++;
        String s = raw.strip();
        if (s.isEmpty()) continue;
        JsonNode n;
        try {
          n = json.readTree(s);
        } catch (IOException e) {
          throw new IllegalArgumentException(name + " line " + line + ": not JSON");
        }
        JsonNode text = n.has("prompt") ? n.get("prompt") : n.get("text");
        if (text == null || !text.isTextual() || text.asText().isEmpty()) {
          throw new IllegalArgumentException(name + " line " + line + ": needs a non-empty string \"prompt\"");
        }
        Integer mnt = null;
        for (String k : new String[] {"maxNewTokens", "max_new_tokens", "max_tokens"}) {
          JsonNode v = n.get(k);
          if (v != null && !v.isNull()) {
            if (!v.isInt() || v.asInt() < 1) throw new IllegalArgumentException(name + " line " + line + ": " + k + " must be a positive integer");
            mnt = v.asInt();
          }
        }
        out.add(new Entry(text.asText(), null, mnt, line));
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read dataset " + name + ": " + e.getMessage());
    }
    if (out.isEmpty()) throw new IllegalArgumentException("dataset " + name + " has no prompts");
    return List.copyOf(out);
  }

  static List<Entry> shareGpt(Path p, String name) {
    ObjectMapper json = Mappers.strict();
    List<Entry> out = new ArrayList<>();
    int skipped = 0;
    try (JsonParser parser = json.getFactory().createParser(p.toFile())) {
      if (parser.nextToken() != JsonToken.START_ARRAY) {
        throw new IllegalArgumentException(name + " line " + line(parser) + ": a ShareGPT file is a JSON array of conversations");
      }
      while (parser.nextToken() == JsonToken.START_OBJECT) {
        int line = line(parser);
        JsonNode c = json.readTree(parser);
        JsonNode turns = c.get("conversations");
        if (turns == null || !turns.isArray()) {
          throw new IllegalArgumentException(name + " line " + line + ": a conversation needs a \"conversations\" array");
        }
        String prompt = null, reply = null;
        for (int i = 0; i < turns.size(); i++) {
          JsonNode t = turns.get(i);
          String from = t.path("from").asText(""), value = t.path("value").asText("");
          if (prompt == null) {
            if (from.equals("human") && !value.isEmpty()) prompt = value;
          } else {
            if (from.equals("gpt") && !value.isEmpty()) reply = value;
            break;
          }
        }
        if (prompt == null || reply == null) {
          skipped++;
          continue;
        }
        out.add(new Entry(prompt, reply, null, line));
      }
      if (parser.currentToken() != JsonToken.END_ARRAY) {
        throw new IllegalArgumentException(name + " line " + line(parser) + ": expected a conversation object");
      }
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      throw new IllegalArgumentException(name + " line " + (at == null ? "?" : at.getLineNr()) + ": not valid JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read dataset " + name + ": " + e.getMessage());
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("dataset " + name + " has no conversation with a human turn followed by a gpt turn ("
          + skipped + " skipped)");
    }
    return List.copyOf(out);
  }

  private static int line(JsonParser parser) {
    return parser.currentTokenLocation().getLineNr();
  }
}
