package io.barrage.protocol.scenario;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The serving software behind a target, where the API kind alone does not say it (an {@code
 * openai-*} target may be vLLM, TGI, llama.cpp or OpenAI). It decides the shape of the {@code
 * /tokenize} route and which output-length parameters a request may carry (docs/protocols.md §13).
 */
public enum Stack {
  TGI("tgi"),
  VLLM("vllm"),
  LLAMACPP("llamacpp"),
  OPENAI("openai");

  private final String yamlName;

  Stack(String yamlName) {
    this.yamlName = yamlName;
  }

  @JsonValue
  public String yamlName() {
    return yamlName;
  }

  @JsonCreator
  public static Stack fromYaml(String name) {
    for (Stack s : values()) {
      if (s.yamlName.equals(name)) return s;
    }
    throw new IllegalArgumentException("unknown stack '" + name + "', expected one of " + names());
  }

  public static String names() {
    return Arrays.stream(values()).map(Stack::yamlName).collect(Collectors.joining(", "));
  }

  /** Whether it answers {@code POST /tokenize}. */
  public boolean tokenizes() {
    return this != OPENAI;
  }
}
