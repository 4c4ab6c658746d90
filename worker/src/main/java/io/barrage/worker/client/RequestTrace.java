package io.barrage.worker.client;

import io.barrage.protocol.metrics.ErrorClass;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.concurrent.atomic.LongAdder;

/**
 * Everything measured about one request, in {@code System.nanoTime()} units: the intended send
 * time, the send, every token-carrying event, the end, the server's and the client's token counts,
 * and how it failed if it did. Filled by the stream stage of one response (serially), read once by
 * the recorder after {@link #isFinished()}; the per-event cost is one array store.
 */
public final class RequestTrace {
  /** Token count of an event that the client cannot know (an OpenAI chunk may carry several). */
  public static final int UNKNOWN = 0;
  /** {@link #clientTokens} of a request whose tokens the client could not count itself. */
  public static final int NOT_COUNTED = -1;
  private static final VarHandle LAST_TOKEN;

  static {
    try {
      LAST_TOKEN = MethodHandles.lookup().findVarHandle(RequestTrace.class, "lastTokenNanos", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  public final String id;
  public final long tSched;
  public final boolean measured;
  /**
   * When the first byte of the request was written to the socket (after the connect, when the
   * request opened a connection), −1 until then and for a request that was never written (its
   * connection failed). TTFT and e2e run from here; {@code tSend − tSched} is the send lag.
   */
  public long tSend = -1;
  /**
   * Start and end of the connection this request opened: TCP connect, then (on https) the TLS
   * handshake, both inside this span. −1 when the request reused a keep-alive connection or its
   * connection never came up. One {@code connect} sample per such span.
   */
  public long connectStart = -1;
  public long connectEnd = -1;
  /**
   * Times the request was sent again on a fresh connection because its reused keep-alive connection
   * turned out closed before any response byte came back (0 or 1). Not an error.
   */
  public int retries;
  public long tFirst = -1;
  public long tLast = -1;
  public long tEnd = -1;
  /** Arrival time of each token-carrying event. */
  long[] eventTimes;
  /** Tokens carried by each event (1 for TGI's native stream), or {@link #UNKNOWN}. */
  int[] eventTokens;
  int events;
  /**
   * The client's own count, never a copy of the server's: token events (TGI stream), content chunks
   * (OpenAI stream), or the tokens a whole body lists (TGI {@code details.tokens}); {@link
   * #NOT_COUNTED} when the client cannot count (a whole text without a token list).
   */
  public int clientTokens;
  /** Tokens carried by the token events so far (an unknown count counts one): the last resort for N. */
  private int carried;
  /** Where the tokens of a measured request are counted as they arrive, null when not watched. */
  private LongAdder arrivals;
  /** The server's count ({@code details.generated_tokens}, {@code usage}), −1 when it gave none. */
  public int serverTokens = -1;
  /** Server-reported per-token time and queue time in microseconds (TGI headers), −1 when absent. */
  public long serverTpotUs = -1;
  public long queueUs = -1;
  public ErrorClass error;
  public int httpStatus;
  public String errorDetail;
  /** The stream reached its proper end (TGI final event, OpenAI {@code [DONE]}). */
  public boolean streamComplete;
  /** Non-null when the caller wants the generated text (multi-turn sessions): the OpenAI client appends it here. */
  public StringBuilder replyText;
  private volatile boolean finished;
  /**
   * Arrival of the latest token event, or the send time before the first (for the idle timeout).
   * Written by the thread that reads the response, possibly read by a timer thread: release/acquire
   * (a plain store on x86), not a volatile store per token.
   */
  @SuppressWarnings("unused") // accessed through LAST_TOKEN
  private long lastTokenNanos;

  public RequestTrace(String id, long tSched, boolean measured) {
    this(id, tSched, measured, 16);
  }

  /** {@code expectedEvents}: room for that many token events before the arrays grow. */
  public RequestTrace(String id, long tSched, boolean measured, int expectedEvents) {
    this.id = id;
    this.tSched = tSched;
    this.measured = measured;
    int n = Math.max(1, expectedEvents);
    this.eventTimes = new long[n];
    this.eventTokens = new int[n];
  }

  /** Arrival of the latest token event, or the send time before the first. */
  public long lastTokenNanos() {
    return (long) LAST_TOKEN.getAcquire(this);
  }

  /** Sets {@link #lastTokenNanos()} (the send time, before any token). */
  public void lastTokenNanos(long nanos) {
    LAST_TOKEN.setRelease(this, nanos);
  }

  /** A token-carrying event arrived at {@code nanos} with {@code tokens} tokens (or {@link #UNKNOWN}). */
  public void tokenEvent(long nanos, int tokens) {
    if (events == eventTimes.length) {
      eventTimes = Arrays.copyOf(eventTimes, events * 2);
      eventTokens = Arrays.copyOf(eventTokens, events * 2);
    }
    eventTimes[events] = nanos;
    eventTokens[events] = tokens;
    events++;
    if (tFirst < 0) tFirst = nanos;
    tLast = nanos;
    LAST_TOKEN.setRelease(this, nanos);
    int n = Math.max(tokens, 1);
    carried += n;
    if (clientTokens >= 0) clientTokens += n;
    if (arrivals != null) arrivals.add(n);
  }

  /** Counts this request's tokens into {@code sink} as their events arrive (the tokens/s-over-time series). */
  public void countArrivalsInto(LongAdder sink) {
    arrivals = sink;
  }

  /** Tokens carried by the events so far, as counted into the arrival sink. */
  public int carriedTokens() {
    return carried;
  }

  public int events() {
    return events;
  }

  public long eventTime(int i) {
    return eventTimes[i];
  }

  /**
   * The tokens each event carried, completed where unknown: when the server's total is larger than
   * the number of events (OpenAI chunks carrying several tokens), the surplus is spread over the
   * events after the first as evenly as integers allow; otherwise an unknown event counts one.
   */
  public int[] tokensPerEvent() {
    int[] out = new int[events];
    int known = 0, unknown = 0;
    for (int i = 0; i < events; i++) {
      if (eventTokens[i] == UNKNOWN) unknown++;
      else known += eventTokens[i];
    }
    int total = serverTokens > 0 ? serverTokens : known + unknown;
    int toSpread = Math.max(total - known, unknown);
    // first event: one token when unknown; the rest is shared by the later unknown events
    int laterUnknown = unknown - (events > 0 && eventTokens[0] == UNKNOWN ? 1 : 0);
    int firstUnknown = unknown - laterUnknown;
    int spread = toSpread - firstUnknown;
    int base = laterUnknown == 0 ? 0 : spread / laterUnknown;
    int extra = laterUnknown == 0 ? 0 : spread % laterUnknown;
    for (int i = 0; i < events; i++) {
      if (eventTokens[i] != UNKNOWN) out[i] = eventTokens[i];
      else if (i == 0) out[i] = 1;
      else out[i] = base + (extra-- > 0 ? 1 : 0);
    }
    return out;
  }

  /**
   * The output token count N of the metric definitions: the server's where given, else the client's
   * own count, else what the events carried (a whole text's word count: an estimate).
   */
  public int outputTokens() {
    return serverTokens >= 0 ? serverTokens : clientTokens >= 0 ? clientTokens : carried;
  }

  public void fail(ErrorClass cls, String detail) {
    if (error == null) {
      error = cls;
      errorDetail = detail;
    }
  }

  public boolean ok() {
    return error == null;
  }

  /** Fails and completes the trace at once unless it is already complete (timeouts race the stream). */
  public synchronized boolean failAndFinish(ErrorClass cls, String detail, long nanos) {
    if (finished) return false;
    fail(cls, detail);
    return finish(nanos);
  }

  /** Marks the trace complete; returns false if it already was (a timeout and the stream raced). */
  public synchronized boolean finish(long nanos) {
    if (finished) return false;
    if (tEnd < 0) tEnd = nanos;
    finished = true;
    return true;
  }

  public boolean isFinished() {
    return finished;
  }
}
