package io.barrage.protocol.scenario;

/**
 * How to talk to a home-made ("FastAPI-style") endpoint that returns the whole text at once.
 *
 * @param requestTemplate JSON body with placeholders {@code {{prompt}}} and {@code {{maxNewTokens}}};
 *     default is TGI's shape {@code {"inputs":..., "parameters":{"max_new_tokens":..., "details":true}}}
 * @param textPath JSON pointer of the generated text, default {@code /generated_text}
 * @param tokensPath JSON pointer of the server's token count, default {@code /details/generated_tokens}
 */
public record FastapiOptions(String requestTemplate, String textPath, String tokensPath) {}
