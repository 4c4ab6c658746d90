package io.barrage.worker.client;

/** One message of a conversation sent to a chat route: {@code system}, {@code user} or {@code assistant}. */
public record ChatMessage(String role, String content) {}
