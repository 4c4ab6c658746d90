package io.barrage.worker.prompt;

import io.barrage.worker.client.ChatMessage;
import io.barrage.worker.client.ChatTokenizeClient;
import io.barrage.worker.client.RequestTrace;
import io.barrage.worker.client.TokenizeClient;
import io.barrage.worker.client.Transport;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A target's own tokenizer, asked through its {@code /tokenize} route ({@link TokenizeClient}) on one
 * keep-alive connection, one text at a time. Every distinct text is asked once and its count kept:
 * calibration, dataset lengths and checks all happen before a cell sends its first request, and a
 * later cell of the same target asks nothing again. The answers are not measured requests; the
 * simulator's truth log does not record them.
 *
 * <p>With {@link #withChat}, it also counts a conversation with the target's chat template applied
 * ({@link #countChat}), for exact prompt lengths on {@code openai-chat} ({@link ChatOverhead}).
 */
public final class TargetTokenizer implements TokenCounter, AutoCloseable {
  private static final AtomicLong IDS = new AtomicLong();
  private final String target;
  private final TokenizeClient api;
  private final Transport.Lane lane;
  private final Duration timeout;
  private final Map<String, Integer> counts = new ConcurrentHashMap<>();
  private final AtomicLong asked = new AtomicLong();
  private ChatTokenizeClient chatApi;
  private Transport.Lane chatLane;
  private final Map<List<ChatMessage>, OptionalInt> chatCounts = new ConcurrentHashMap<>();

  /**
   * @param transport made for {@code api} (with the target's credential and TLS settings)
   * @param timeout the longest wait for one answer
   */
  public TargetTokenizer(String target, TokenizeClient api, Transport transport, Duration timeout) {
    this.target = target;
    this.api = api;
    this.lane = transport.lane();
    this.timeout = timeout;
  }

  /**
   * Adds the target's chat-template route.
   *
   * @param transport made for {@code chat} (with the target's credential and TLS settings)
   */
  public TargetTokenizer withChat(ChatTokenizeClient chat, Transport transport) {
    this.chatApi = chat;
    this.chatLane = transport.lane();
    return this;
  }

  /**
   * Tokens of {@code messages} as the target's chat route will see them (its chat template applied,
   * the generation prompt added), or empty when the target has no such route: it answers 400, 404,
   * 405, 422 or 501 to it (an older server), or none was added.
   *
   * @throws TokenizerException when the route fails otherwise (no answer, a server error)
   */
  public synchronized OptionalInt countChat(List<ChatMessage> messages) {
    if (chatApi == null) return OptionalInt.empty();
    OptionalInt known = chatCounts.get(messages);
    if (known != null) return known;
    asked.incrementAndGet();
    RequestTrace t = exchange(chatLane, chatApi.chatBody(messages, 0, 0), chatWhere());
    OptionalInt n;
    if (!t.ok() && absent(t.httpStatus)) {
      n = OptionalInt.empty();
    } else if (!t.ok() || t.serverTokens < 0) {
      throw new TokenizerException(chatWhere() + " failed for a chat of " + messages.size() + " message(s): "
          + (t.error == null ? "no count" : t.error.key()) + (t.httpStatus > 0 ? " (HTTP " + t.httpStatus + ")" : "")
          + (t.errorDetail == null ? "" : ": " + t.errorDetail));
    } else if (chatApi.answersText()) {
      n = OptionalInt.of(count(t.replyText == null ? "" : t.replyText.toString()));
    } else {
      n = OptionalInt.of(t.serverTokens);
    }
    chatCounts.put(List.copyOf(messages), n);
    return n;
  }

  /** The HTTP statuses of a server that has no such route or does not take this body there. */
  static boolean absent(int status) {
    return status == 400 || status == 404 || status == 405 || status == 422 || status == 501;
  }

  /** The chat-template route's name, for messages. */
  public String chatWhere() {
    return chatApi == null ? "target " + target + " (no chat-template route)"
        : "the chat-template route of target " + target + " (" + chatApi.stack().yamlName() + ", " + chatApi.uri() + ")";
  }

  @Override
  public int count(String text) {
    Integer known = counts.get(text);
    if (known != null) return known;
    synchronized (this) {
      known = counts.get(text);
      if (known != null) return known;
      int n = ask(text);
      counts.put(text, n);
      return n;
    }
  }

  private int ask(String text) {
    asked.incrementAndGet();
    RequestTrace t = exchange(lane, api.body(text, 0, 0), where());
    if (!t.ok() || t.serverTokens < 0) {
      throw new TokenizerException(where() + " failed for a text of " + text.length() + " characters: "
          + (t.error == null ? "no count" : t.error.key()) + (t.httpStatus > 0 ? " (HTTP " + t.httpStatus + ")" : "")
          + (t.errorDetail == null ? "" : ": " + t.errorDetail));
    }
    return t.serverTokens;
  }

  private RequestTrace exchange(Transport.Lane on, byte[] body, String where) {
    String id = "tokenize-" + IDS.incrementAndGet();
    RequestTrace trace = new RequestTrace(id, System.nanoTime(), false);
    CompletableFuture<RequestTrace> done = new CompletableFuture<>();
    on.send(id, body, trace, t -> {}, done::complete);
    try {
      return done.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new TokenizerException(where + " did not answer within " + timeout.toSeconds() + " s");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TokenizerException(where + ": interrupted");
    } catch (ExecutionException e) {
      throw new TokenizerException(where + ": " + e.getCause().getMessage(), e.getCause());
    }
  }

  private String where() {
    return "the /tokenize route of target " + target + " (" + api.stack().yamlName() + ", " + api.uri() + ")";
  }

  /** Texts sent to the target so far (the rest came from the cache). */
  public long asked() {
    return asked.get();
  }

  @Override
  public void close() {
    lane.close();
    if (chatLane != null) chatLane.close();
  }
}
