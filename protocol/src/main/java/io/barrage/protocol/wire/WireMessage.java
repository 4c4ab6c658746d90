package io.barrage.protocol.wire;

/**
 * The one root of every message that crosses the network between a coordinator and its workers.
 * Everything under it is serialized by {@link KryoWireSerializer} (registration required, fixed ids
 * in {@link WireRegistry}); nothing is ever Java-serialized. One holder per conversation direction:
 * {@link WorkerProtocol} (what a worker receives) and {@link CoordinatorProtocol} (what a coordinator
 * receives).
 */
public sealed interface WireMessage permits WorkerProtocol.Command, CoordinatorProtocol.Event {}
