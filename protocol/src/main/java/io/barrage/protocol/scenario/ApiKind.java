package io.barrage.protocol.scenario;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.stream.Collectors;

/** The wire protocol a target speaks. The YAML names are the public contract. */
public enum ApiKind {
  FASTAPI("fastapi"),
  TGI("tgi"),
  TGI_STREAM("tgi-stream"),
  OPENAI_COMPLETIONS("openai-completions"),
  OPENAI_CHAT("openai-chat");

  private final String yamlName;

  ApiKind(String yamlName) {
    this.yamlName = yamlName;
  }

  @JsonValue
  public String yamlName() {
    return yamlName;
  }

  /** Whether requests of this kind stream tokens (the openai kinds stream unless the target says not to). */
  public boolean streamsByDefault() {
    return this != FASTAPI && this != TGI;
  }

  @JsonCreator
  public static ApiKind fromYaml(String name) {
    for (ApiKind k : values()) {
      if (k.yamlName.equals(name)) {
        return k;
      }
    }
    throw new IllegalArgumentException(
        "unknown api '" + name + "', expected one of " + names());
  }

  public static String names() {
    return Arrays.stream(values()).map(ApiKind::yamlName).collect(Collectors.joining(", "));
  }
}
