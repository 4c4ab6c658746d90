package io.barrage.simulator.engine;

import io.barrage.simulator.ErrorKind;

import java.util.ArrayList;
import java.util.List;

/** A sink for tests on a virtual engine: records every event of one request with its virtual instant. */
final class Trace implements TokenSink {
  final List<Token> tokens = new ArrayList<>();
  final List<Long> tokenNanos = new ArrayList<>();
  final List<Long> admissions = new ArrayList<>();
  long finishedNanos = -1;
  long errorNanos = -1;
  ErrorKind errorKind;
  String errorMessage;

  /** Submits {@code request} arriving at {@code arrivalNanos} and returns its trace. */
  static Trace submit(Engine engine, GenRequest request, long arrivalNanos) {
    Trace t = new Trace();
    engine.submit(request, arrivalNanos, t);
    return t;
  }

  @Override
  public void onAdmitted(long nanos) {
    admissions.add(nanos);
  }

  @Override
  public void onToken(Token token, long nanos) {
    tokens.add(token);
    tokenNanos.add(nanos);
  }

  @Override
  public void onFinished(long nanos) {
    finishedNanos = nanos;
  }

  @Override
  public void onError(String message, ErrorKind kind, long nanos) {
    this.errorMessage = message;
    this.errorKind = kind;
    this.errorNanos = nanos;
  }

  /** Emission instant of token {@code index} (1-based). */
  long at(int index) {
    return tokenNanos.get(index - 1);
  }

  /** Gap before token {@code index} (1-based, > 1). */
  long itl(int index) {
    return at(index) - at(index - 1);
  }
}
