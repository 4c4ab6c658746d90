package io.barrage.k8s.model;

import java.net.URI;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The Kubernetes Service a target URL points at, when its host is a cluster DNS name:
 * {@code name}, {@code name.ns}, {@code name.ns.svc} or {@code name.ns.svc.<cluster domain>}.
 * IP literals and other host names are not Services.
 */
public record ServiceRef(String namespace, String name) {

  private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

  public static Optional<ServiceRef> fromUrl(String url, String defaultNamespace) {
    String host;
    try {
      host = URI.create(url).getHost();
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    if (host == null || host.startsWith("[") || host.chars().allMatch(c -> Character.isDigit(c) || c == '.')) {
      return Optional.empty();
    }
    String[] labels = host.toLowerCase().split("\\.");
    for (String l : labels) {
      if (!DNS_LABEL.matcher(l).matches()) {
        return Optional.empty();
      }
    }
    if (labels.length == 1) {
      return labels[0].equals("localhost") ? Optional.empty() : Optional.of(new ServiceRef(defaultNamespace, labels[0]));
    }
    if (labels.length == 2 || labels[2].equals("svc")) {
      return Optional.of(new ServiceRef(labels[1], labels[0]));
    }
    return Optional.empty();
  }

  @Override
  public String toString() {
    return namespace + "/" + name;
  }
}
