package io.barrage.k8s.client;

/** No way to reach a Kubernetes API server (no service account, no kubeconfig), with the reason. */
public final class KubernetesUnavailableException extends Exception {
  public KubernetesUnavailableException(String message) {
    super(message);
  }

  public KubernetesUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
