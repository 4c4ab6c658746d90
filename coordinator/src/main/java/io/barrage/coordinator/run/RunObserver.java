package io.barrage.coordinator.run;

/** Receives a run's status snapshots (the API's board, the terminal progress). Must not block. */
@FunctionalInterface
public interface RunObserver {
  void update(RunStatus status);
}
