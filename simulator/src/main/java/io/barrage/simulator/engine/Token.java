package io.barrage.simulator.engine;

/**
 * One generated token as the engine emits it.
 *
 * @param index 1-based position in the request's output
 * @param id vocabulary id
 * @param text decoded text (the EOS token's text is {@code </s>})
 * @param logprob log-probability reported for it
 * @param special true for the EOS token
 * @param last true for the request's final token
 * @param finishReason TGI's finish reason on the last token ({@code length} or {@code eos_token}), else null
 */
public record Token(int index, int id, String text, double logprob, boolean special, boolean last, String finishReason) {}
