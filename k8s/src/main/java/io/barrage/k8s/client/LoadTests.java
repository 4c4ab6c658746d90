package io.barrage.k8s.client;

import io.barrage.k8s.model.LoadTest;
import io.barrage.k8s.model.LoadTestStatus;
import io.barrage.k8s.model.Patches;
import io.kubernetes.client.custom.V1Patch;
import io.kubernetes.client.informer.ResourceEventHandler;
import io.kubernetes.client.informer.SharedIndexInformer;
import io.kubernetes.client.informer.ListerWatcher;
import io.kubernetes.client.informer.cache.Cache;
import io.kubernetes.client.informer.impl.DefaultSharedIndexInformer;
import io.kubernetes.client.util.CallGeneratorParams;
import io.kubernetes.client.util.Watch;
import io.kubernetes.client.util.Watchable;
import io.kubernetes.client.util.generic.dynamic.DynamicKubernetesListObject;
import io.kubernetes.client.util.generic.options.ListOptions;
import com.google.gson.reflect.TypeToken;
import java.time.Duration;
import okhttp3.Call;
import okhttp3.OkHttpClient;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CustomObjectsApi;
import io.kubernetes.client.util.PatchUtils;
import io.kubernetes.client.util.generic.dynamic.DynamicKubernetesApi;
import io.kubernetes.client.util.generic.dynamic.DynamicKubernetesObject;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code LoadTest} resources of one namespace through client-java: an informer (list, then
 * watch from the list's resource version, re-watch when a watch ends, re-list when the version
 * expired) that hands each added, changed or deleted LoadTest to a {@link Listener}, and the status
 * writer. Namespaced calls only: {@code list}/{@code watch} on {@code loadtests},
 * {@code patch} on {@code loadtests/status}.
 */
public final class LoadTests implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LoadTests.class);

  /** What the informer hands over, on its own thread, one event at a time and in order. */
  public interface Listener {
    /** A LoadTest seen for the first time (also each one listed at start-up) or changed. */
    void upsert(LoadTest loadTest);

    /** A LoadTest deleted. */
    void deleted(LoadTest loadTest);
  }

  private final ApiClient client;
  private final String namespace;
  private final CustomObjectsApi objects;
  private final ExecutorService informerThreads = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "barrage-loadtest-informer");
    t.setDaemon(true);
    return t;
  });
  private SharedIndexInformer<DynamicKubernetesObject> informer;

  public LoadTests(ApiClient client, String namespace) {
    this.client = client;
    this.namespace = namespace;
    this.objects = new CustomObjectsApi(client);
  }

  public String namespace() {
    return namespace;
  }

  /** Starts watching; {@code listener} gets every LoadTest of the namespace, those already there first. */
  public synchronized void start(Listener listener) {
    if (informer != null) throw new IllegalStateException("already started");
    DynamicKubernetesApi api = new DynamicKubernetesApi(LoadTest.GROUP, LoadTest.VERSION, LoadTest.PLURAL, client);
    // a watch waits for events without end: its own HTTP client without a read timeout, so that the
    // other calls (on the shared client) keep theirs
    OkHttpClient watchHttp = client.getHttpClient().newBuilder().readTimeout(Duration.ZERO).build();
    ListerWatcher<DynamicKubernetesObject, DynamicKubernetesListObject> lw = new ListerWatcher<>() {
      @Override
      public DynamicKubernetesListObject list(CallGeneratorParams p) throws ApiException {
        ListOptions o = new ListOptions();
        o.setResourceVersion(p.resourceVersion);
        o.setTimeoutSeconds(p.timeoutSeconds);
        return api.list(namespace, o).throwsApiException().getObject();
      }

      @Override
      public Watchable<DynamicKubernetesObject> watch(CallGeneratorParams p) throws ApiException {
        Call call = objects.listNamespacedCustomObject(LoadTest.GROUP, LoadTest.VERSION, namespace, LoadTest.PLURAL)
            .resourceVersion(p.resourceVersion).timeoutSeconds(p.timeoutSeconds).allowWatchBookmarks(true).watch(true).buildCall(null);
        return Watch.createWatch(client, watchHttp.newCall(call.request()),
            TypeToken.getParameterized(Watch.Response.class, DynamicKubernetesObject.class).getType());
      }
    };
    // no periodic resync: every update comes from the API server's events, never from the cache
    informer = new DefaultSharedIndexInformer<>(DynamicKubernetesObject.class, lw, 0, new Cache<>(),
        (type, e) -> log.warn("LoadTest watch in namespace {} failed, it lists and watches again: {}", namespace, e.toString()));
    informer.addEventHandler(new ResourceEventHandler<>() {
      @Override
      public void onAdd(DynamicKubernetesObject obj) {
        hand(obj, listener::upsert);
      }

      @Override
      public void onUpdate(DynamicKubernetesObject oldObj, DynamicKubernetesObject newObj) {
        hand(newObj, listener::upsert);
      }

      @Override
      public void onDelete(DynamicKubernetesObject obj, boolean deletedFinalStateUnknown) {
        hand(obj, listener::deleted);
      }
    });
    informerThreads.execute(informer::run);
    log.info("watching LoadTests in namespace {}", namespace);
  }

  private static void hand(DynamicKubernetesObject obj, java.util.function.Consumer<LoadTest> to) {
    LoadTest lt;
    try {
      lt = LoadTest.fromJson(obj.getRaw().toString());
    } catch (RuntimeException e) {
      log.warn("a LoadTest that cannot be read was skipped: {}", e.getMessage());
      return;
    }
    try {
      to.accept(lt);
    } catch (RuntimeException e) { // the informer's thread must go on
      log.warn("{}: handling it failed: {}", lt, e.toString());
    }
  }

  /**
   * Replaces the status of LoadTest {@code name} (a JSON Patch on the status subresource).
   *
   * @throws ApiException 404 when the LoadTest is gone, 403 when RBAC does not allow it
   */
  public void writeStatus(String name, LoadTestStatus status) throws ApiException {
    V1Patch patch = new V1Patch(Patches.loadTestStatus(status));
    PatchUtils.patch(Object.class,
        () -> objects.patchNamespacedCustomObjectStatus(LoadTest.GROUP, LoadTest.VERSION, namespace, LoadTest.PLURAL, name, patch).buildCall(null),
        V1Patch.PATCH_FORMAT_JSON_PATCH, client);
  }

  @Override
  public synchronized void close() {
    if (informer != null) informer.stop();
    informerThreads.shutdown();
  }
}
