package io.barrage.worker.client;

import io.barrage.protocol.metrics.ErrorClass;
import io.barrage.protocol.scenario.Timeouts;
import java.io.IOException;
import java.nio.BufferOverflowException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.HttpsConnectionContext;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.settings.ConnectionPoolSettings;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.UniqueKillSwitch;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.util.ByteString;
import scala.concurrent.ExecutionContext;

/**
 * Runs one request over Pekko HTTP's host connection pool (the transport of {@code https://}
 * targets; plain HTTP goes through {@link NioHttpClient}) and measures it into a {@link
 * RequestTrace}: the response body is consumed by a stream stage that takes {@code System.nanoTime()}
 * for every chunk and feeds the SSE parser (streaming) or collects the body (whole responses). The
 * three timeouts (first token, idle between tokens, total) are one re-arming timer per request; an
 * expiry fails the trace with its own error class and aborts the body stream, which closes the
 * connection. Whatever happens, {@code onDone} is called exactly once per request.
 */
public final class HttpDriver {
  private final Http http;
  private final Materializer mat;
  private final ActorSystem system;
  private final ExecutionContext ec;
  private final HttpsConnectionContext https;
  private final int maxLineBytes;
  private final int maxBodyBytes;

  public HttpDriver(ActorSystem system, int maxLineBytes, int maxBodyBytes) {
    this.system = system;
    this.http = Http.get(system);
    this.mat = Materializer.matFromSystem(system);
    this.ec = system.dispatcher();
    this.https = http.defaultClientHttpsContext();
    this.maxLineBytes = maxLineBytes;
    this.maxBodyBytes = maxBodyBytes;
  }

  /** Thrown inside the body stream when the server's bytes cannot be understood. */
  static final class MalformedException extends RuntimeException {
    MalformedException(String msg) {
      super(msg, null, false, false);
    }
  }

  /** Aborts the body stream after a timeout; carries nothing, the trace already holds the class. */
  static final class TimedOut extends RuntimeException {
    TimedOut() {
      super("timed out", null, false, false);
    }
  }

  /**
   * Sends {@code request} now. {@code trace.tSend} is taken here, right before the pool is asked.
   */
  public void execute(ApiClient api, HttpRequest request, RequestTrace trace, Timeouts timeouts,
      ConnectionPoolSettings pool, Consumer<RequestTrace> onSent, Consumer<RequestTrace> onDone) {
    Exchange x = new Exchange(api, trace, timeouts, onDone);
    long now = System.nanoTime();
    trace.tSend = now;
    trace.lastTokenNanos(now);
    onSent.accept(trace);
    x.arm(timeouts.firstToken().compareTo(timeouts.total()) < 0 ? timeouts.firstToken() : timeouts.total());
    http.singleRequest(request, https, pool, system.log()).whenComplete(x::onResponse);
  }

  private final class Exchange implements SseParser.Listener {
    private final ApiClient api;
    private final RequestTrace trace;
    private final long firstTokenNs, idleNs, totalNs;
    private final Consumer<RequestTrace> onDone;
    private final StreamEvent event = new StreamEvent();
    private volatile UniqueKillSwitch kill;
    private volatile Cancellable timer;
    private SseParser sse;
    private byte[] body;
    private int bodyLen;

    Exchange(ApiClient api, RequestTrace trace, Timeouts t, Consumer<RequestTrace> onDone) {
      this.api = api;
      this.trace = trace;
      this.firstTokenNs = t.firstToken().toNanos();
      this.idleNs = t.idle().toNanos();
      this.totalNs = t.total().toNanos();
      this.onDone = onDone;
    }

    void arm(Duration d) {
      timer = system.scheduler().scheduleOnce(
          scala.concurrent.duration.Duration.create(Math.max(1, d.toNanos()), TimeUnit.NANOSECONDS), this::checkTimeouts, ec);
    }

    /** Fires at the earliest deadline; re-arms for the next one if nothing expired. */
    private void checkTimeouts() {
      if (trace.isFinished()) return;
      long now = System.nanoTime();
      long totalAt = trace.tSend + totalNs;
      long tokenAt = trace.tFirst < 0 ? trace.tSend + firstTokenNs : trace.lastTokenNanos() + idleNs;
      ErrorClass cls = null;
      if (now >= totalAt) cls = ErrorClass.TOTAL_TIMEOUT;
      else if (now >= tokenAt) cls = trace.tFirst < 0 ? ErrorClass.FIRST_TOKEN_TIMEOUT : ErrorClass.IDLE_TIMEOUT;
      if (cls == null) {
        arm(Duration.ofNanos(Math.min(totalAt, tokenAt) - now));
        return;
      }
      if (trace.failAndFinish(cls, null, now)) {
        UniqueKillSwitch k = kill;
        if (k != null) k.abort(new TimedOut());
        onDone.accept(trace);
      }
    }

    void onResponse(HttpResponse resp, Throwable err) {
      if (err != null) {
        end(classify(err), err.getMessage());
        return;
      }
      if (trace.isFinished()) { // timed out before the headers came: drop the connection
        resp.entity().getDataBytes().runWith(Sink.cancelled(), mat);
        return;
      }
      int status = resp.status().intValue();
      trace.httpStatus = status;
      if (status < 200 || status > 299) {
        resp.discardEntityBytes(mat);
        trace.fail(ErrorClass.HTTP_STATUS, "HTTP " + status);
        end(null, null);
        return;
      }
      api.onHeaders(name -> resp.getHeader(name).map(h -> h.value()), trace);
      if (api.streaming()) sse = new SseParser(this, maxLineBytes);
      else body = new byte[1024];
      var m = resp.entity().withoutSizeLimit().getDataBytes()
          .viaMat(KillSwitches.single(), Keep.right())
          .toMat(Sink.foreach(this::onChunk), Keep.both())
          .run(mat);
      kill = m.first();
      if (trace.isFinished()) m.first().abort(new TimedOut());
      m.second().whenComplete((d, e) -> onBodyEnd(e));
    }

    /** The stream stage: timestamp where the bytes arrive, then parse. */
    private void onChunk(ByteString chunk) {
      long nanos = System.nanoTime();
      if (sse != null) {
        byte[] a = chunk.toArrayUnsafe();
        try {
          sse.feed(a, 0, a.length, nanos);
        } catch (SseParser.LineTooLongException e) {
          throw new MalformedException(e.getMessage());
        }
      } else {
        int n = chunk.size();
        if (bodyLen + n > maxBodyBytes) throw new MalformedException("response body over " + maxBodyBytes + " bytes");
        if (bodyLen + n > body.length) body = java.util.Arrays.copyOf(body, Math.max(bodyLen + n, body.length * 2));
        chunk.copyToArray(body, bodyLen, n);
        bodyLen += n;
      }
    }

    @Override
    public void onEvent(byte[] data, int offset, int length, long nanos) {
      if (trace.error != null && trace.error != ErrorClass.STREAM_ERROR) return;
      try {
        event.read(data, offset, length);
        api.onEvent(event, nanos, trace);
      } catch (IOException | RuntimeException e) {
        throw new MalformedException("bad event: " + e.getMessage());
      }
    }

    private void onBodyEnd(Throwable err) {
      long nanos = System.nanoTime();
      if (err != null) {
        if (err instanceof TimedOut) return; // the timer already ended this request
        end(classify(err), err.getMessage());
        return;
      }
      try {
        if (sse != null) {
          sse.finish(nanos);
        } else {
          api.onBody(body, bodyLen, nanos, trace);
        }
      } catch (MalformedException e) {
        end(ErrorClass.MALFORMED, e.getMessage());
        return;
      } catch (IOException | RuntimeException e) {
        end(ErrorClass.MALFORMED, e.getMessage());
        return;
      }
      if (trace.error == null && !trace.streamComplete) trace.fail(ErrorClass.TRUNCATED, "stream ended without its final event");
      end(null, null);
    }

    private void end(ErrorClass cls, String detail) {
      long nanos = System.nanoTime();
      boolean first;
      synchronized (trace) {
        if (cls != null) first = trace.failAndFinish(cls, detail, nanos);
        else first = trace.finish(nanos);
      }
      if (!first) return;
      Cancellable t = timer;
      if (t != null) t.cancel();
      onDone.accept(trace);
    }
  }

  /** Maps a transport failure to its error class. */
  static ErrorClass classify(Throwable err) {
    for (Throwable t = err; t != null; t = t.getCause()) {
      if (t instanceof MalformedException) return ErrorClass.MALFORMED;
      if (t instanceof BufferOverflowException) return ErrorClass.CLIENT;
      if (t instanceof java.net.ConnectException) return ErrorClass.CONNECT;
      String n = t.getClass().getSimpleName();
      String m = String.valueOf(t.getMessage());
      if (n.contains("BufferOverflow") || m.contains("exceeded the configured max-open-requests")) return ErrorClass.CLIENT;
      if (m.contains("Connect(") || m.contains("Connection refused") || m.contains("Connect timeout")
          || n.contains("ConnectionAttemptFailed")) return ErrorClass.CONNECT;
    }
    return ErrorClass.RESET;
  }
}
