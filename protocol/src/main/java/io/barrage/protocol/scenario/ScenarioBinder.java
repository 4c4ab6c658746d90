package io.barrage.protocol.scenario;

import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.barrage.common.time.DurationText;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Binds a YAML tree to {@link Scenario} and reports every binding problem at once, each with its
 * YAML path. Jackson stops at the first wrong type, so the tree is first walked against the record
 * model (record components, lists, numbers, booleans, durations, enums): each unknown key or value
 * of the wrong type becomes a problem and is removed from a copy of the tree, and the cleaned copy
 * is bound, so that the semantic checks of {@link ScenarioValidator} still see everything else.
 */
final class ScenarioBinder {
  private ScenarioBinder() {}

  static Scenario bind(JsonNode tree, List<ScenarioProblem> problems) {
    JsonNode clean = tree.deepCopy();
    check(clean, Scenario.class, "", problems);
    ObjectMapper m = ScenarioLoader.yamlMapper();
    try {
      return m.treeToValue(clean, Scenario.class);
    } catch (JsonMappingException e) {
      problems.add(new ScenarioProblem(path(e), message(e)));
      return null;
    } catch (Exception e) {
      problems.add(new ScenarioProblem("(document)", String.valueOf(e.getMessage())));
      return null;
    }
  }

  /** Checks {@code node} against {@code type}; returns false when the node must be dropped. */
  private static boolean check(JsonNode node, Type type, String path, List<ScenarioProblem> out) {
    if (node == null || node.isNull()) return true;
    Class<?> raw = type instanceof ParameterizedType p ? (Class<?>) p.getRawType() : (Class<?>) type;
    String where = path.isEmpty() ? "(document)" : path;
    if (raw.isRecord()) {
      if (raw == MetricsSpec.class && node.isBoolean()) return true; // metrics: false
      if (!node.isObject()) {
        out.add(new ScenarioProblem(where, "expected a mapping with keys " + keys(raw) + ", got " + kind(node)));
        return false;
      }
      ObjectNode obj = (ObjectNode) node;
      Map<String, RecordComponent> comps = java.util.Arrays.stream(raw.getRecordComponents())
          .collect(Collectors.toMap(RecordComponent::getName, c -> c));
      List<String> drop = new ArrayList<>();
      for (Iterator<String> it = obj.fieldNames(); it.hasNext(); ) {
        String k = it.next();
        String p = path.isEmpty() ? k : path + "." + k;
        RecordComponent c = comps.get(k);
        if (c == null) {
          out.add(new ScenarioProblem(p, "unknown key; expected one of " + keys(raw)));
          drop.add(k);
        } else if (!check(obj.get(k), c.getGenericType(), p, out)) {
          drop.add(k);
        }
      }
      obj.remove(drop);
      return true;
    }
    if (List.class.isAssignableFrom(raw)) {
      Type elem = type instanceof ParameterizedType p ? p.getActualTypeArguments()[0] : Object.class;
      if (!node.isArray()) {
        // a single value stands for a one-element list (maxNewTokens: 128)
        return check(node, elem, path, out);
      }
      ArrayNode arr = (ArrayNode) node;
      for (int i = 0; i < arr.size(); i++) {
        if (!check(arr.get(i), elem, path + "[" + i + "]", out)) arr.set(i, NullNode.getInstance());
      }
      return true;
    }
    if (raw == Integer.class || raw == int.class || raw == Long.class || raw == long.class) {
      if (node.isIntegralNumber() || (node.isTextual() && node.asText().trim().matches("-?[0-9]+"))) return true;
      out.add(new ScenarioProblem(where, "expected a whole number, got " + kind(node)));
      return false;
    }
    if (raw == Double.class || raw == double.class) {
      if (node.isNumber() || (node.isTextual() && node.asText().trim().matches("-?[0-9]+(\\.[0-9]+)?"))) return true;
      out.add(new ScenarioProblem(where, "expected a number, got " + kind(node)));
      return false;
    }
    if (raw == Boolean.class || raw == boolean.class) {
      if (node.isBoolean()) return true;
      out.add(new ScenarioProblem(where, "expected true or false, got " + kind(node)));
      return false;
    }
    if (raw == String.class) {
      if (node.isValueNode()) return true;
      out.add(new ScenarioProblem(where, "expected text, got " + kind(node)));
      return false;
    }
    if (raw == Duration.class) {
      if (!node.isValueNode()) {
        out.add(new ScenarioProblem(where, "expected a duration such as 2s or 250ms, got " + kind(node)));
        return false;
      }
      try {
        DurationText.parse(node.asText());
        return true;
      } catch (IllegalArgumentException e) {
        out.add(new ScenarioProblem(where, e.getMessage()));
        return false;
      }
    }
    if (raw.isEnum()) {
      try {
        Method from = raw.getMethod("fromYaml", String.class);
        if (!node.isTextual()) throw new IllegalArgumentException("expected text, got " + kind(node));
        from.invoke(null, node.asText());
        return true;
      } catch (java.lang.reflect.InvocationTargetException e) {
        out.add(new ScenarioProblem(where, String.valueOf(e.getCause().getMessage())));
        return false;
      } catch (IllegalArgumentException e) {
        out.add(new ScenarioProblem(where, e.getMessage()));
        return false;
      } catch (ReflectiveOperationException e) {
        return true; // no YAML name mapping: let Jackson decide
      }
    }
    return true;
  }

  private static String keys(Class<?> record) {
    return java.util.Arrays.stream(record.getRecordComponents()).map(RecordComponent::getName)
        .collect(Collectors.joining(", "));
  }

  private static String kind(JsonNode n) {
    if (n.isObject()) return "a mapping";
    if (n.isArray()) return "a list";
    if (n.isTextual()) return "'" + n.asText() + "'";
    return n.toString();
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
