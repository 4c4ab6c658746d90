package io.barrage.k8s.model;

/**
 * One running pod of a target: where it runs and what it asked for.
 *
 * @param gpus the pod's {@code nvidia.com/gpu} limit summed over its containers (0 if none)
 * @param numShard TGI's {@code --num-shard} / {@code NUM_SHARD}, when the pod sets it
 */
public record PodPlacement(String pod, String node, int gpus, Integer numShard) {}
