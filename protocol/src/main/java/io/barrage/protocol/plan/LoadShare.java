package io.barrage.protocol.plan;

/**
 * One worker's share of a cell's load. Closed loop: {@code streams} virtual users. Open loop: the
 * worker generates the cell's global arrival schedule from the seed and sends the arrivals whose index
 * {@code i} satisfies {@code i % sliceCount == sliceIndex} (deterministic segments: the total is exact
 * at every moment). {@code requestQuota} is this share of a request-count step (−1 for duration
 * steps); for rate steps, arrivals with global index ≥ the cell's request count are not sent.
 *
 * @param streams closed-loop virtual users of this worker (0 for rate)
 * @param firstStream global index of this worker's first virtual user (seeds and prompts follow it)
 */
public record LoadShare(int streams, int firstStream, int sliceIndex, int sliceCount, long requestQuota) {}
