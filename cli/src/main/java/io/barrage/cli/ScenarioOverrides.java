package io.barrage.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.barrage.protocol.scenario.InvalidScenarioException;
import io.barrage.protocol.scenario.ScenarioLoader;
import io.barrage.protocol.scenario.ScenarioProblem;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code --set path=value} on a scenario's YAML tree before it is bound and validated, e.g.
 * {@code workload.step.requests=20}, {@code targets[0].url=http://127.0.0.1:8080},
 * {@code workload.load.concurrency=[1,2]}. The value is read as YAML (numbers, lists, strings).
 */
final class ScenarioOverrides {
  private static final Pattern SEGMENT = Pattern.compile("([A-Za-z0-9_-]+)((?:\\[[0-9]+])*)");

  private ScenarioOverrides() {}

  static String apply(String yaml, List<String> sets) throws InvalidScenarioException {
    if (sets == null || sets.isEmpty()) return yaml;
    JsonNode root;
    try {
      root = ScenarioLoader.yamlMapper().readTree(yaml);
    } catch (JsonProcessingException e) {
      return yaml; // the loader reports the YAML error with its line
    }
    if (!(root instanceof ObjectNode obj)) return yaml;
    List<ScenarioProblem> problems = new ArrayList<>();
    for (String set : sets) {
      int eq = set.indexOf('=');
      if (eq <= 0) {
        problems.add(new ScenarioProblem("--set " + set, "write --set path=value, e.g. workload.step.requests=20"));
        continue;
      }
      String path = set.substring(0, eq).strip();
      String text = set.substring(eq + 1);
      JsonNode value;
      try {
        value = text.isEmpty() ? obj.textNode("") : ScenarioLoader.yamlMapper().readTree(text);
        if (value == null || value.isMissingNode()) value = obj.textNode(text);
      } catch (JsonProcessingException e) {
        value = obj.textNode(text);
      }
      String err = put(obj, path, value);
      if (err != null) problems.add(new ScenarioProblem(path, "--set: " + err));
    }
    if (!problems.isEmpty()) throw new InvalidScenarioException(problems);
    try {
      return ScenarioLoader.yamlMapper().writeValueAsString(obj);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String put(ObjectNode root, String path, JsonNode value) {
    String[] parts = path.split("\\.");
    JsonNode node = root;
    for (int p = 0; p < parts.length; p++) {
      Matcher m = SEGMENT.matcher(parts[p]);
      if (!m.matches()) return "'" + parts[p] + "' is not a key (use a.b[0].c)";
      String key = m.group(1);
      List<Integer> idx = new ArrayList<>();
      Matcher im = Pattern.compile("\\[([0-9]+)]").matcher(m.group(2));
      while (im.find()) idx.add(Integer.parseInt(im.group(1)));
      boolean lastPart = p == parts.length - 1;
      if (!(node instanceof ObjectNode on)) return "'" + key + "' is inside something that is not a mapping";
      if (idx.isEmpty()) {
        if (lastPart) {
          on.set(key, value);
          return null;
        }
        JsonNode next = on.get(key);
        if (next == null || next.isNull()) next = on.putObject(key);
        node = next;
        continue;
      }
      JsonNode cur = on.get(key);
      for (int i = 0; i < idx.size(); i++) {
        if (!(cur instanceof ArrayNode arr)) return "'" + key + "' is not a list";
        int k = idx.get(i);
        if (k >= arr.size()) return "index " + k + " is past the end of '" + key + "' (" + arr.size() + " items)";
        if (lastPart && i == idx.size() - 1) {
          arr.set(k, value);
          return null;
        }
        cur = arr.get(k);
      }
      node = cur;
    }
    return null;
  }
}
