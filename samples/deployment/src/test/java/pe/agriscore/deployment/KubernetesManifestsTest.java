package pe.agriscore.deployment;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import pe.agriscore.deployment.worker.KafkaWorkerMain;
import pe.agriscore.deployment.worker.WorkerEnvironment;

/**
 * The Kubernetes manifests of {@code k8s/}: the base and both overlays rendered by {@link
 * Kustomize}, every Kubernetes resource read into the fabric8 model with unknown fields refused,
 * every Strimzi resource checked against {@link StrimziSchema}, and the cross-references that a
 * cluster would only reveal at run time.
 */
class KubernetesManifestsTest {

  private static final Path K8S = Tools.MODULE.resolve("k8s");
  private static final Path SERVICE = Tools.REPO.resolve("samples/scoring-service");
  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
  private static final Map<String, Class<?>> KINDS = Map.of(
      "v1/ConfigMap", ConfigMap.class,
      "v1/Service", Service.class,
      "v1/PersistentVolumeClaim", PersistentVolumeClaim.class,
      "apps/v1/Deployment", Deployment.class,
      "autoscaling/v2/HorizontalPodAutoscaler", HorizontalPodAutoscaler.class,
      "policy/v1/PodDisruptionBudget", PodDisruptionBudget.class,
      "networking.k8s.io/v1/NetworkPolicy", NetworkPolicy.class);
  /** Image repositories images/build.sh builds and the pipeline publishes (ci/.gitlab-ci.yml). */
  static final Set<String> IMAGES = Set.of("agriscore-scoring-service", "agriscore-kafka-worker");
  /**
   * Variables the JVM or the SDK's native loaders read (besides the service's Spring settings
   * and the worker's {@link WorkerEnvironment}); {@link #sdkVariablesAreReadBySdkCode} checks
   * that the SDK's still are.
   */
  private static final Set<String> JVM_AND_SDK_VARIABLES = Set.of("JAVA_TOOL_OPTIONS",
      "DJL_OFFLINE", "TF_CPP_MIN_LOG_LEVEL", "TENSORFLOW_LIBRARY_PATH", "ENGINE_CACHE_DIR");

  static List<ObjectNode> rendered(String dir) throws Exception {
    return Kustomize.render(K8S.resolve(dir));
  }

  static <T> List<T> all(List<ObjectNode> docs, Class<T> type) {
    List<T> out = new ArrayList<>();
    for (ObjectNode d : docs) {
      Class<?> c = KINDS.get(d.path("apiVersion").asText() + "/" + d.path("kind").asText());
      if (type.equals(c)) {
        out.add(JSON.convertValue(d, type));
      }
    }
    return out;
  }

  static Deployment deployment(List<ObjectNode> docs, String name) {
    return all(docs, Deployment.class).stream()
        .filter(d -> d.getMetadata().getName().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError("no Deployment " + name));
  }

  @ParameterizedTest
  @ValueSource(strings = {"base", "overlays/dev", "overlays/prod"})
  void everyManifestIsValidInStrictMode(String dir) throws Exception {
    StrimziSchema strimzi = new StrimziSchema();
    List<String> problems = new ArrayList<>();
    Set<String> kinds = new TreeSet<>();
    for (ObjectNode d : rendered(dir)) {
      String id = d.path("kind").asText() + " " + d.path("metadata").path("name").asText();
      kinds.add(d.path("kind").asText());
      Class<?> type = KINDS.get(d.path("apiVersion").asText() + "/" + d.path("kind").asText());
      if (type != null) {
        try {
          unknownFields(JSON.convertValue(d, type), id, problems);
        } catch (IllegalArgumentException e) {
          problems.add(id + ": " + e.getMessage());
        }
      } else if (strimzi.knows(d)) {
        strimzi.validate(d).forEach(p -> problems.add(id + ": " + p));
      } else {
        problems.add(id + ": " + d.path("apiVersion").asText() + " is neither in the fabric8"
            + " model this test reads nor in the Strimzi schema");
      }
    }
    assertEquals(List.of(), problems);
    assertEquals(new TreeSet<>(List.of("ConfigMap", "Deployment", "HorizontalPodAutoscaler",
        "Kafka", "KafkaNodePool", "KafkaTopic", "KafkaUser", "NetworkPolicy",
        "PersistentVolumeClaim", "PodDisruptionBudget", "Service")), kinds);
  }

  /** The strict check itself: a misspelt field, in either model, must be reported. */
  @Test
  void aMisspeltFieldFailsTheStrictCheck() throws Exception {
    ObjectNode d = rendered("base").stream().filter(x -> x.path("kind").asText()
        .equals("Deployment")).findFirst().orElseThrow();
    ((ObjectNode) d.path("spec").path("template").path("spec").path("containers").get(0))
        .put("imagePullPolice", "Always");
    List<String> problems = new ArrayList<>();
    try {
      unknownFields(JSON.convertValue(d, Deployment.class), "Deployment", problems);
    } catch (IllegalArgumentException e) {
      problems.add(e.getMessage());
    }
    assertFalse(problems.isEmpty(), "imagePullPolice was accepted");
    assertTrue(problems.toString().contains("imagePullPolice"), problems.toString());
    ObjectNode topic = rendered("base").stream().filter(x -> x.path("kind").asText()
        .equals("KafkaTopic")).findFirst().orElseThrow();
    topic.with("spec").put("partitons", 3);
    assertEquals(List.of("KafkaTopic.spec.partitons: unknown field"),
        new StrimziSchema().validate(topic));
  }

  /**
   * fabric8's model keeps unknown fields in {@code additionalProperties} instead of failing
   * (FAIL_ON_UNKNOWN_PROPERTIES does not reach them): a non-empty one anywhere is an unknown
   * field.
   */
  private static void unknownFields(Object o, String path, List<String> out) throws Exception {
    if (o == null || o instanceof String || o instanceof Number || o instanceof Boolean
        || o.getClass().isEnum()) {
      return;
    }
    if (o instanceof Map<?, ?> m) {
      for (var e : m.entrySet()) {
        unknownFields(e.getValue(), path + "." + e.getKey(), out);
      }
      return;
    }
    if (o instanceof Collection<?> c) {
      int i = 0;
      for (Object x : c) {
        unknownFields(x, path + "[" + i++ + "]", out);
      }
      return;
    }
    if (!o.getClass().getName().startsWith("io.fabric8.")) {
      return;
    }
    for (Method m : o.getClass().getMethods()) {
      if (m.getParameterCount() != 0 || Modifier.isStatic(m.getModifiers())
          || !m.getName().startsWith("get") || m.getDeclaringClass() == Object.class) {
        continue;
      }
      Object v = m.invoke(o);
      if (m.getName().equals("getAdditionalProperties")) {
        if (v instanceof Map<?, ?> extra && !extra.isEmpty()) {
          out.add(path + ": unknown field(s) " + extra.keySet());
        }
      } else if (!m.getName().equals("getClass")) {
        unknownFields(v, path + "." + Character.toLowerCase(m.getName().charAt(3))
            + m.getName().substring(4), out);
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"overlays/dev", "overlays/prod"})
  void selectorsMatchTheLabelsTheyTarget(String dir) throws Exception {
    List<ObjectNode> docs = rendered(dir);
    Map<String, Map<String, String>> podLabels = new HashMap<>();
    for (Deployment d : all(docs, Deployment.class)) {
      Map<String, String> labels = d.getSpec().getTemplate().getMetadata().getLabels();
      assertTrue(labels.entrySet().containsAll(d.getSpec().getSelector().getMatchLabels()
          .entrySet()), d.getMetadata().getName() + ": selector does not match its pods");
      podLabels.put(d.getMetadata().getName(), labels);
    }
    for (Service s : all(docs, Service.class)) {
      assertTrue(selects(podLabels, s.getSpec().getSelector()), "Service "
          + s.getMetadata().getName() + " selects no pods");
      for (var p : s.getSpec().getPorts()) {
        String target = p.getTargetPort().getStrVal();
        assertTrue(all(docs, Deployment.class).stream().anyMatch(d -> ports(d).contains(target)),
            "Service " + s.getMetadata().getName() + ": targetPort " + target + " is no"
                + " container port name");
      }
    }
    for (PodDisruptionBudget b : all(docs, PodDisruptionBudget.class)) {
      assertTrue(selects(podLabels, b.getSpec().getSelector().getMatchLabels()),
          "PodDisruptionBudget " + b.getMetadata().getName() + " selects no pods");
    }
    for (NetworkPolicy n : all(docs, NetworkPolicy.class)) {
      assertTrue(selects(podLabels, n.getSpec().getPodSelector().getMatchLabels()),
          "NetworkPolicy " + n.getMetadata().getName() + " selects no pods");
    }
    for (HorizontalPodAutoscaler h : all(docs, HorizontalPodAutoscaler.class)) {
      var ref = h.getSpec().getScaleTargetRef();
      assertEquals("Deployment", ref.getKind());
      assertTrue(podLabels.containsKey(ref.getName()), "HPA scales " + ref.getName());
      assertTrue(h.getSpec().getMinReplicas() <= h.getSpec().getMaxReplicas());
    }
  }

  private static boolean selects(Map<String, Map<String, String>> pods, Map<String, String> sel) {
    return sel != null && !sel.isEmpty()
        && pods.values().stream().anyMatch(l -> l.entrySet().containsAll(sel.entrySet()));
  }

  private static Set<String> ports(Deployment d) {
    Set<String> names = new TreeSet<>();
    for (Container c : d.getSpec().getTemplate().getSpec().getContainers()) {
      c.getPorts().forEach(p -> names.add(p.getName()));
    }
    return names;
  }

  /**
   * Probe paths are operations of the service's OpenAPI document (the actuator's), on the
   * container port the service listens on (application.yml's server.port) with its scheme
   * (HTTPS in the shipped tls profile); the worker's are the paths its main serves.
   */
  @ParameterizedTest
  @ValueSource(strings = {"overlays/dev", "overlays/prod"})
  void probesUseTheProgramsRealEndpointsAndPorts(String dir) throws Exception {
    List<ObjectNode> docs = rendered(dir);
    JsonNode openapi = AlertRules.YAML.readTree(SERVICE.resolve("src/main/resources/openapi.yaml")
        .toFile());
    String port = AlertRules.YAML.readTree(SERVICE.resolve("src/main/resources/application.yml")
        .toFile()).path("server").path("port").asText();
    Matcher m = Pattern.compile("\\$\\{PORT:(\\d+)}").matcher(port);
    assertTrue(m.matches(), "application.yml server.port: " + port);
    Container service = container(deployment(docs, "agriscore-scoring-service"));
    assertEquals(Integer.parseInt(m.group(1)), service.getPorts().get(0).getContainerPort());
    for (Probe p : probes(service)) {
      HTTPGetAction get = p.getHttpGet();
      assertTrue(openapi.path("paths").has(get.getPath()), get.getPath() + " is not in "
          + "openapi.yaml");
      assertEquals("HTTPS", get.getScheme());
      assertEquals(service.getPorts().get(0).getName(), get.getPort().getStrVal());
    }
    assertEquals("/actuator/health/readiness", service.getReadinessProbe().getHttpGet().getPath());
    assertEquals("/actuator/health/liveness", service.getLivenessProbe().getHttpGet().getPath());
    Container worker = container(deployment(docs, "agriscore-kafka-worker"));
    assertEquals(WorkerEnvironment.DEFAULT_HTTP_PORT, worker.getPorts().get(0).getContainerPort());
    assertEquals(KafkaWorkerMain.READY_PATH, worker.getReadinessProbe().getHttpGet().getPath());
    assertEquals(KafkaWorkerMain.LIVE_PATH, worker.getLivenessProbe().getHttpGet().getPath());
    assertEquals(KafkaWorkerMain.LIVE_PATH, worker.getStartupProbe().getHttpGet().getPath());
    for (Probe p : probes(worker)) {
      assertEquals(worker.getPorts().get(0).getName(), p.getHttpGet().getPort().getStrVal());
    }
    // The metrics endpoint Prometheus scrapes is the one the worker serves.
    JsonNode jobs = AlertRules.YAML.readTree(ScrapeConfig.SHIPPED.toFile()).path("scrape_configs");
    assertEquals(KafkaWorkerMain.METRICS_PATH, jobs.get(1).path("metrics_path").asText());
    assertEquals("agriscore-kafka-worker", jobs.get(1).path("job_name").asText());
  }

  private static Container container(Deployment d) {
    List<Container> cs = d.getSpec().getTemplate().getSpec().getContainers();
    assertEquals(1, cs.size(), d.getMetadata().getName());
    return cs.get(0);
  }

  private static List<Probe> probes(Container c) {
    List<Probe> out = Stream.of(c.getStartupProbe(), c.getReadinessProbe(), c.getLivenessProbe())
        .toList();
    out.forEach(p -> assertNotNull(p, c.getName() + " lacks a probe"));
    return out;
  }

  @ParameterizedTest
  @ValueSource(strings = {"overlays/dev", "overlays/prod"})
  void workloadsRunLockedDown(String dir) throws Exception {
    for (Deployment d : all(rendered(dir), Deployment.class)) {
      PodSpec pod = d.getSpec().getTemplate().getSpec();
      assertTrue(pod.getSecurityContext().getRunAsNonRoot(), d.getMetadata().getName());
      for (Container c : pod.getContainers()) {
        var sc = c.getSecurityContext();
        assertTrue(sc.getReadOnlyRootFilesystem(), c.getName());
        assertTrue(sc.getRunAsNonRoot(), c.getName());
        assertFalse(sc.getAllowPrivilegeEscalation(), c.getName());
        assertEquals(List.of("ALL"), sc.getCapabilities().getDrop(), c.getName());
        assertNotNull(c.getResources().getRequests().get("memory"), c.getName());
        assertNotNull(c.getResources().getLimits().get("memory"), c.getName());
        assertNotNull(c.getResources().getRequests().get("cpu"), c.getName());
        // A read-only root: the JVM, Tomcat and JNA write only to the /tmp volume.
        assertTrue(c.getVolumeMounts().stream().anyMatch(v -> v.getMountPath().equals("/tmp")
            && !Boolean.TRUE.equals(v.getReadOnly())), c.getName() + " has no writable /tmp");
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"overlays/dev", "overlays/prod"})
  void imagesAreTheOnesThePipelineBuilds(String dir) throws Exception {
    for (Deployment d : all(rendered(dir), Deployment.class)) {
      String image = container(d).getImage();
      Matcher m = Pattern.compile("[a-z0-9.-]+(?:/[a-z0-9-]+)*/([a-z0-9-]+):([A-Za-z0-9._-]+)")
          .matcher(image);
      assertTrue(m.matches(), image + ": not registry/.../name:tag (Kustomize's images not"
          + " applied?)");
      assertTrue(IMAGES.contains(m.group(1)), image);
      assertEquals(d.getMetadata().getName(), m.group(1), "a Deployment runs its own image");
    }
  }

  /**
   * Every variable a container gets (env and envFrom ConfigMaps) is one its program reads: for
   * the service a setting of its README's configuration table, for the worker one {@link
   * WorkerEnvironment} accepts, and otherwise one the JVM or the SDK reads.
   */
  @ParameterizedTest
  @ValueSource(strings = {"overlays/dev", "overlays/prod"})
  void everyEnvironmentVariableIsOneTheProgramReads(String dir) throws Exception {
    List<ObjectNode> docs = rendered(dir);
    List<Pattern> service = serviceVariables();
    for (Deployment d : all(docs, Deployment.class)) {
      for (String name : variables(docs, container(d))) {
        if (JVM_AND_SDK_VARIABLES.contains(name)) {
          continue;
        }
        if (d.getMetadata().getName().equals("agriscore-scoring-service")) {
          assertTrue(service.stream().anyMatch(p -> p.matcher(name).matches()), name
              + " is not a variable of samples/scoring-service/README.md's table");
        } else {
          if (!WorkerEnvironment.OWN.contains(name)) {
            assertDoesNotThrow(() -> WorkerEnvironment.setting(name), name);
          }
        }
      }
    }
    assertThrows(IllegalArgumentException.class, () -> WorkerEnvironment.setting("KAFKA_GROUP_IDD"));
  }

  private static List<String> variables(List<ObjectNode> docs, Container c) {
    List<String> names = new ArrayList<>();
    c.getEnv().stream().map(EnvVar::getName).forEach(names::add);
    for (EnvFromSource from : c.getEnvFrom()) {
      ConfigMap cm = all(docs, ConfigMap.class).stream().filter(x -> x.getMetadata().getName()
          .equals(from.getConfigMapRef().getName())).findFirst().orElseThrow(
              () -> new AssertionError("no ConfigMap " + from.getConfigMapRef().getName()));
      names.addAll(cm.getData().keySet());
    }
    return names;
  }

  /** The service README's environment column; {@code <NAME>} stands for any name. */
  private static List<Pattern> serviceVariables() throws Exception {
    List<Pattern> out = new ArrayList<>();
    Pattern code = Pattern.compile("`([A-Z][A-Z0-9_<>]+)`");
    for (String line : Files.readAllLines(SERVICE.resolve("README.md"))) {
      String[] cells = line.split("\\|");
      if (cells.length > 3) {
        Matcher m = code.matcher(cells[2]);
        while (m.find()) {
          out.add(Pattern.compile(Pattern.quote(m.group(1)).replace("<NAME>", "\\E[A-Z0-9]+\\Q")));
        }
      }
    }
    assertTrue(out.size() > 20, "the README's configuration table was not found: " + out);
    return out;
  }

  @Test
  void sdkVariablesAreReadBySdkCode() throws Exception {
    StringBuilder code = new StringBuilder();
    for (String module : List.of("scoring-api", "scoring-engine-tf", "scoring-engine-pt")) {
      try (var files = Files.walk(Tools.REPO.resolve(module).resolve("src/main/java"))) {
        for (Path f : files.filter(f -> f.toString().endsWith(".java")).toList()) {
          code.append(Files.readString(f));
        }
      }
    }
    for (String v : JVM_AND_SDK_VARIABLES) {
      if (!v.equals("JAVA_TOOL_OPTIONS")) {
        assertTrue(code.indexOf("\"" + v + "\"") >= 0, v + " is no longer read by the SDK");
      }
    }
  }

  /**
   * Every ConfigMap, Secret and PersistentVolumeClaim a workload names is either rendered with
   * it or listed as external in docs/deployment.md's Secrets table (with the keys used).
   */
  @ParameterizedTest
  @ValueSource(strings = {"overlays/dev", "overlays/prod"})
  void everyReferencedConfigMapSecretAndClaimExists(String dir) throws Exception {
    List<ObjectNode> docs = rendered(dir);
    Map<String, Set<String>> external = documentedSecrets();
    Set<String> configMaps = new TreeSet<>();
    all(docs, ConfigMap.class).forEach(c -> configMaps.add(c.getMetadata().getName()));
    Set<String> claims = new TreeSet<>();
    all(docs, PersistentVolumeClaim.class).forEach(c -> claims.add(c.getMetadata().getName()));
    for (Deployment d : all(docs, Deployment.class)) {
      Container c = container(d);
      for (EnvFromSource f : c.getEnvFrom()) {
        assertTrue(configMaps.contains(f.getConfigMapRef().getName()), f.toString());
      }
      for (EnvVar e : c.getEnv()) {
        if (e.getValueFrom() != null && e.getValueFrom().getSecretKeyRef() != null) {
          var ref = e.getValueFrom().getSecretKeyRef();
          assertTrue(external.getOrDefault(ref.getName(), Set.of()).contains(ref.getKey()),
              e.getName() + ": secret " + ref.getName() + " key " + ref.getKey()
                  + " is not in docs/deployment.md's Secrets table " + external);
        }
      }
      for (Volume v : d.getSpec().getTemplate().getSpec().getVolumes()) {
        if (v.getSecret() != null) {
          Set<String> keys = external.get(v.getSecret().getSecretName());
          assertNotNull(keys, "volume " + v.getName() + ": secret "
              + v.getSecret().getSecretName() + " is not in docs/deployment.md " + external);
          v.getSecret().getItems().forEach(i -> assertTrue(keys.contains(i.getKey()), i.getKey()));
        }
        if (v.getPersistentVolumeClaim() != null) {
          assertTrue(claims.contains(v.getPersistentVolumeClaim().getClaimName()), v.getName());
        }
        if (v.getConfigMap() != null) {
          assertTrue(configMaps.contains(v.getConfigMap().getName()), v.getName());
        }
      }
    }
  }

  /** docs/deployment.md's "Secrets" table: secret name to its keys. */
  static Map<String, Set<String>> documentedSecrets() throws Exception {
    Map<String, Set<String>> out = new TreeMap<>();
    boolean in = false;
    for (String line : Files.readAllLines(Tools.REPO.resolve("docs/deployment.md"))) {
      if (line.startsWith("#")) {
        in = line.equals("### Secrets");
      } else if (in && line.startsWith("| `")) {
        String[] cells = line.split("\\|");
        Set<String> keys = new TreeSet<>();
        Matcher m = Pattern.compile("`([^`]+)`").matcher(cells[2]);
        while (m.find()) {
          keys.add(m.group(1));
        }
        out.put(cells[1].strip().replace("`", ""), keys);
      }
    }
    assertFalse(out.isEmpty(), "docs/deployment.md has no ### Secrets table");
    return out;
  }

  /** Consumers beyond the input topic's partitions would idle; the topics agree on counts. */
  @ParameterizedTest
  @ValueSource(strings = {"overlays/dev", "overlays/prod"})
  void workerReplicasAreAtMostTheInputPartitions(String dir) throws Exception {
    List<ObjectNode> docs = rendered(dir);
    ConfigMap cm = all(docs, ConfigMap.class).stream().filter(c -> c.getMetadata().getName()
        .equals("agriscore-kafka-worker")).findFirst().orElseThrow();
    Map<String, Integer> partitions = new LinkedHashMap<>();
    for (ObjectNode d : docs) {
      if (d.path("kind").asText().equals("KafkaTopic")) {
        partitions.put(d.path("metadata").path("name").asText(),
            d.path("spec").path("partitions").asInt());
      }
    }
    String input = cm.getData().get("AGRISCORE_INPUT_TOPIC");
    assertTrue(partitions.containsKey(input), input + " is no KafkaTopic: " + partitions);
    assertTrue(partitions.containsKey(cm.getData().get("AGRISCORE_OUTPUT_TOPIC")));
    assertTrue(partitions.containsKey(cm.getData().get("AGRISCORE_DEAD_LETTER_TOPIC")));
    int replicas = deployment(docs, "agriscore-kafka-worker").getSpec().getReplicas();
    assertTrue(replicas >= 1 && replicas <= partitions.get(input), replicas + " workers, "
        + partitions.get(input) + " partitions of " + input);
    // Results keep their request's partition number only with equal counts (kafka-adapter.md).
    assertEquals(partitions.get(input), partitions.get(cm.getData().get("AGRISCORE_OUTPUT_TOPIC")));
    for (ObjectNode d : docs) {
      if (d.path("apiVersion").asText().startsWith("kafka.strimzi.io/")
          && !d.path("kind").asText().equals("Kafka")) {
        assertEquals("agriscore", d.path("metadata").path("labels").path("strimzi.io/cluster")
            .asText(), d.path("metadata").path("name").asText() + " names no Kafka cluster");
      }
    }
  }

  @Test
  void overlaysChangeWhatTheySay() throws Exception {
    List<ObjectNode> dev = rendered("overlays/dev");
    List<ObjectNode> prod = rendered("overlays/prod");
    assertEquals(1, deployment(dev, "agriscore-scoring-service").getSpec().getReplicas());
    assertEquals(3, deployment(prod, "agriscore-scoring-service").getSpec().getReplicas());
    assertEquals("agriscore-dev", deployment(dev, "agriscore-kafka-worker").getMetadata()
        .getNamespace());
    PodDisruptionBudget pdb = all(dev, PodDisruptionBudget.class).stream()
        .filter(b -> b.getMetadata().getName().equals("agriscore-scoring-service")).findFirst()
        .orElseThrow();
    assertEquals(null, pdb.getSpec().getMinAvailable(), "null deletes the base's minAvailable");
    assertEquals(1, pdb.getSpec().getMaxUnavailable().getIntVal());
    // The patch of one container's requests keeps the rest of the base container.
    Container c = container(deployment(dev, "agriscore-scoring-service"));
    assertEquals("250m", c.getResources().getRequests().get("cpu").toString());
    assertEquals("1536Mi", c.getResources().getLimits().get("memory").toString());
    assertEquals(container(deployment(rendered("base"), "agriscore-scoring-service")).getEnv(),
        c.getEnv(), "the base's variables are kept");
  }
}
