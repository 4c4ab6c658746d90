package io.barrage.worker.prompt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.barrage.common.json.Mappers;
import io.barrage.protocol.scenario.ShareGptFile;
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
 *   <li>{@code sharegpt}: a JSON array of conversations read by {@link ShareGptFile}; a
 *       conversation's first turn gives the prompt (its human message) and the reply (its gpt
 *       message), whose length in tokens becomes the request's output length. A conversation without
 *       a human turn followed by a gpt turn is skipped. (Multi-turn sessions take every turn.)
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
    return ShareGptFile.formatOf(format, file);
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

  /** The first turn of each ShareGPT conversation ({@link ShareGptFile}); those without one are skipped. */
  static List<Entry> shareGpt(Path p, String name) {
    List<Entry> out = new ArrayList<>();
    int skipped = 0;
    for (ShareGptFile.Conversation c : ShareGptFile.read(p, name)) {
      if (c.turns().isEmpty()) {
        skipped++;
        continue;
      }
      ShareGptFile.Turn first = c.turns().get(0);
      out.add(new Entry(first.human(), first.gpt(), null, c.line()));
    }
    if (out.isEmpty()) throw noTurn(name, skipped);
    return List.copyOf(out);
  }

  /** The error of a ShareGPT file none of whose conversations has a turn. */
  public static IllegalArgumentException noTurn(String name, int skipped) {
    return new IllegalArgumentException("dataset " + name + " has no conversation with a human turn followed by a gpt turn ("
        + skipped + " skipped)");
  }
}
