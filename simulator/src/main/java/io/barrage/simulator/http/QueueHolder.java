package io.barrage.simulator.http;

import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.stream.BoundedSourceQueue;

/**
 * Lets the engine thread emit into a response stream before Pekko HTTP has materialized it: items
 * wait here until the stream's {@code Source.queue} is attached, then go straight to the queue. This
 * keeps the queue stage fused into the connection's own stream (no extra actor hop per token).
 * Only the engine thread offers; attach runs once on the stream's thread.
 */
final class QueueHolder {
  private volatile BoundedSourceQueue<StreamItem> queue;
  private List<StreamItem> pending = new ArrayList<>(2);

  synchronized void attach(BoundedSourceQueue<StreamItem> q) {
    for (StreamItem item : pending) q.offer(item);
    pending = null;
    queue = q;
  }

  void offer(StreamItem item) {
    BoundedSourceQueue<StreamItem> q = queue;
    if (q == null) {
      synchronized (this) {
        if (queue == null) {
          pending.add(item);
          return;
        }
        q = queue;
      }
    }
    q.offer(item);
  }
}
