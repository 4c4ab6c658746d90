package io.barrage.protocol.scenario;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.barrage.common.json.Mappers;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A ShareGPT-style dataset: a JSON array of conversations, each {@code {"conversations": [{"from":
 * "human", "value": ...}, {"from": "gpt", "value": ...}, ...]}}. The one reader of such files: the
 * workers take prompts and multi-turn sessions from it, the validator checks sessions with it.
 *
 * <p>Roles: {@code human} or {@code user} is a human message, {@code gpt} or {@code assistant} a
 * reply; a message names its role in {@code from} or {@code role} and its text in {@code value} or
 * {@code content} (the chat-message spelling many ShareGPT-style files use). A {@code system}
 * message, like anything before the first human message, is not part of a turn: it is skipped.
 *
 * <p>A conversation's <em>turns</em> are its human messages each answered by the gpt message right
 * after it: from the first non-empty human message on, a turn is that message and the non-empty gpt
 * message that follows it, the next turn starts at the message after that reply, and the
 * conversation's turns end at the first message that breaks the pattern (a human message without a
 * reply, two human messages in a row, an empty value, another role). A conversation with no turn is
 * kept with an empty list, so callers can say how many they skipped.
 */
public final class ShareGptFile {
  /** One exchange: the user's message and the reply the dataset recorded for it. */
  public record Turn(String human, String gpt) {}

  /** A conversation's turns in order and the file's line its object starts on (1-based). */
  public record Conversation(List<Turn> turns, int line) {}

  private ShareGptFile() {}

  /** {@code format} as given, or the one the file name implies ({@code .json}: sharegpt, else jsonl). */
  public static String formatOf(String format, String file) {
    if (format != null) return format;
    return file.toLowerCase(Locale.ROOT).endsWith(".json") ? "sharegpt" : "jsonl";
  }

  /** Whether {@code spec}'s prompts come from a ShareGPT file (given so, or a {@code .json} dataset). */
  public static boolean isShareGpt(PromptSpec spec) {
    return spec != null && spec.dataset() != null && formatOf(spec.format(), spec.dataset()).equals("sharegpt");
  }

  /**
   * Every conversation of the file, in file order (those without a turn too).
   *
   * @param name the file as the scenario names it, for errors
   * @throws IllegalArgumentException naming the file and line when it is not such a file
   */
  public static List<Conversation> read(Path p, String name) {
    ObjectMapper json = Mappers.strict();
    List<Conversation> out = new ArrayList<>();
    try (JsonParser parser = json.getFactory().createParser(p.toFile())) {
      if (parser.nextToken() != JsonToken.START_ARRAY) {
        throw new IllegalArgumentException(name + " line " + line(parser) + ": a ShareGPT file is a JSON array of conversations");
      }
      while (parser.nextToken() == JsonToken.START_OBJECT) {
        int line = line(parser);
        JsonNode c = json.readTree(parser);
        JsonNode messages = c.get("conversations");
        if (messages == null || !messages.isArray()) {
          throw new IllegalArgumentException(name + " line " + line + ": a conversation needs a \"conversations\" array");
        }
        out.add(new Conversation(turns(messages), line));
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
    return out;
  }

  private static List<Turn> turns(JsonNode messages) {
    List<Turn> turns = new ArrayList<>();
    int i = 0;
    // what comes before the first human message (a greeting, a system line) is not part of a turn
    while (i < messages.size() && !is(messages.get(i), HUMAN)) i++;
    while (i + 1 < messages.size() && is(messages.get(i), HUMAN) && is(messages.get(i + 1), GPT)) {
      turns.add(new Turn(text(messages.get(i)), text(messages.get(i + 1))));
      i += 2;
    }
    return List.copyOf(turns);
  }

  private static final List<String> HUMAN = List.of("human", "user");
  private static final List<String> GPT = List.of("gpt", "assistant");

  /** Whether {@code message} has one of the roles and a non-empty text, in either spelling. */
  private static boolean is(JsonNode message, List<String> roles) {
    JsonNode role = message.has("from") ? message.get("from") : message.path("role");
    return roles.contains(role.asText("")) && !text(message).isEmpty();
  }

  /** A message's text: {@code value} (ShareGPT) or {@code content} (the chat-message spelling). */
  private static String text(JsonNode message) {
    return (message.has("value") ? message.get("value") : message.path("content")).asText("");
  }

  private static int line(JsonParser parser) {
    return parser.currentTokenLocation().getLineNr();
  }
}
