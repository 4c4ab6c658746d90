package io.barrage.simulator.http;

import io.barrage.simulator.engine.Token;
import java.util.List;

/**
 * A finished non-streaming generation, with the instants TGI's timing headers are made of.
 *
 * @param text generated text without special tokens
 * @param tokens every generated token
 * @param finishReason TGI's finish reason
 * @param promptTokens prompt length in tokens
 * @param arrivalNanos handler entry
 * @param readyNanos validated and queued
 * @param admittedNanos placed into a batch
 * @param lastTokenNanos last token generated
 */
record Generated(
    String text, List<Token> tokens, String finishReason, int promptTokens, long arrivalNanos, long readyNanos,
    long admittedNanos, long lastTokenNanos) {}
