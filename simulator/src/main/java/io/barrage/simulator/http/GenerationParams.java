package io.barrage.simulator.http;

/**
 * One request, parsed from any of the routes, before validation against the profile's limits.
 *
 * @param prompt the text the model sees (chat: the templated messages)
 * @param inputTokens its length in tokens (see {@link Tokens})
 * @param maxNewTokens requested new tokens, null for "auto"
 * @param details whether {@code details} were asked for (TGI native)
 * @param seed the request's seed, null if none
 * @param stream whether the response streams
 * @param includeUsage OpenAI {@code stream_options.include_usage}
 * @param model the OpenAI {@code model} to echo, null for the base model
 */
record GenerationParams(
    String prompt, int inputTokens, Integer maxNewTokens, boolean details, Long seed, boolean stream,
    boolean includeUsage, String model) {}
