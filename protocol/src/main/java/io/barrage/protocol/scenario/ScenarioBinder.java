package io.barrage.protocol.scenario;

import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;

/**
 * Binds a YAML tree to {@link Scenario}. Binding errors (wrong types, unknown keys) are turned into
 * problems with their YAML path.
 */
final class ScenarioBinder {
  private ScenarioBinder() {}

  static Scenario bind(JsonNode tree, List<ScenarioProblem> problems) {
    ObjectMapper m = ScenarioLoader.yamlMapper();
    try {
      return m.treeToValue(tree, Scenario.class);
    } catch (JsonMappingException e) {
      problems.add(new ScenarioProblem(path(e), message(e)));
      return null;
    } catch (Exception e) {
      problems.add(new ScenarioProblem("(document)", String.valueOf(e.getMessage())));
      return null;
    }
  }

  static String path(JsonMappingException e) {
    StringBuilder sb = new StringBuilder();
    for (JsonMappingException.Reference r : e.getPath()) {
      if (r.getIndex() >= 0) {
        sb.append('[').append(r.getIndex()).append(']');
      } else if (r.getFieldName() != null) {
        if (sb.length() > 0) sb.append('.');
        sb.append(r.getFieldName());
      }
    }
    return sb.length() == 0 ? "(document)" : sb.toString();
  }

  static String message(JsonMappingException e) {
    String msg = e.getOriginalMessage();
    if (msg.startsWith("Unrecognized field")) {
      return "unknown key";
    }
    Throwable c = e.getCause();
    if (c instanceof IllegalArgumentException && c.getMessage() != null) {
      return c.getMessage();
    }
    int nl = msg.indexOf('\n');
    return nl > 0 ? msg.substring(0, nl) : msg;
  }
}
