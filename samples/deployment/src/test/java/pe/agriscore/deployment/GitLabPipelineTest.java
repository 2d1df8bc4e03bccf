package pe.agriscore.deployment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The bank's GitLab pipeline ({@code samples/deployment/ci/.gitlab-ci.yml}) runs what this
 * repository's CI runs: every job's script calls an existing repository script, the test job
 * {@code .ci/run}, the image jobs {@code images/pipeline.sh}, and every job's stage is declared.
 */
class GitLabPipelineTest {

  private static final Path FILE = Tools.MODULE.resolve("ci/.gitlab-ci.yml");

  @Test
  void everyJobRunsARepositoryScriptInADeclaredStage() throws Exception {
    JsonNode ci = AlertRules.YAML.readTree(FILE.toFile());
    List<String> stages = new ArrayList<>();
    ci.path("stages").forEach(s -> stages.add(s.asText()));
    List<String> jobs = new ArrayList<>();
    for (var it = ci.fields(); it.hasNext(); ) {
      var e = it.next();
      if (!e.getValue().has("script")) {
        continue;
      }
      jobs.add(e.getKey());
      assertTrue(stages.contains(e.getValue().path("stage").asText()), e.getKey());
      for (JsonNode line : e.getValue().path("script")) {
        String[] words = line.asText().split("\\s+");
        String script = words[0].equals("bash") ? words[1] : words[0];
        assertTrue(Files.isRegularFile(Tools.REPO.resolve(script)), e.getKey() + ": " + script
            + " is not a file of the repository");
      }
    }
    assertEquals(List.of("test", "image-build", "image-test", "publish"), jobs);
    assertEquals(List.of("test", "image-build", "image-test", "publish"), stages);
    assertEquals("bash .ci/run", ci.path("test").path("script").get(0).asText(),
        "one source of truth: the project's own CI script");
  }

  /**
   * The image jobs run {@code images/pipeline.sh} with their stage, and that script builds with
   * the {@code build.sh} the tests use, tests with {@link ContainerImagesTest} (pointed at the
   * pushed images by the variables the test reads), and publishes by copying, not rebuilding.
   */
  @Test
  void imageStagesRunTheScriptsTheTestsRun() throws Exception {
    JsonNode ci = AlertRules.YAML.readTree(FILE.toFile());
    Path script = Tools.MODULE.resolve("images/pipeline.sh");
    String text = Files.readString(script);
    for (String job : List.of("image-build", "image-test", "publish")) {
      String line = ci.path(job).path("script").get(0).asText();
      String stage = job.equals("image-build") ? "build" : job.equals("image-test") ? "test" : job;
      assertEquals("bash samples/deployment/images/pipeline.sh " + stage, line, job);
      assertTrue(text.contains("\n  " + stage + ")\n"), "pipeline.sh has no stage " + stage);
      assertEquals(".podman", ci.path(job).path("extends").asText(), job);
    }
    String build = section(text, "build");
    assertTrue(build.contains("\"$here/build.sh\" service"), build);
    assertTrue(build.contains("\"$here/build.sh\" worker"), build);
    String test = section(text, "test");
    assertTrue(test.contains("-Dtest=" + ContainerImagesTest.class.getSimpleName() + " "), test);
    assertTrue(test.contains(ContainerImagesTest.SERVICE_IMAGE_VARIABLE + "="), test);
    assertTrue(test.contains(ContainerImagesTest.WORKER_IMAGE_VARIABLE + "="), test);
    String publish = section(text, "publish");
    assertTrue(publish.contains("skopeo copy") && !publish.contains("build.sh"), publish);
    // The packages the image jobs install are the ones .ci/run installs for the image tests.
    assertTrue(Files.readString(Tools.REPO.resolve(".ci/run"))
        .contains("install -y -qq podman runc mmdebstrap skopeo"), ".ci/run");
    for (String pkg : List.of("podman", "runc", "mmdebstrap", "skopeo")) {
      assertTrue(ci.path(".podman").path("before_script").get(0).asText().contains(pkg), pkg);
    }
    // The images build.sh names are the ones the manifests run.
    Set<String> names = new TreeSet<>();
    Matcher m = Pattern.compile("\\) name=([a-z-]+) ;;")
        .matcher(Files.readString(Tools.MODULE.resolve("images/build.sh")));
    while (m.find()) {
      names.add(m.group(1));
    }
    assertEquals(new TreeSet<>(KubernetesManifestsTest.IMAGES), names);
  }

  /** The text of one {@code case} branch of pipeline.sh. */
  private static String section(String script, String stage) {
    int from = script.indexOf("\n  " + stage + ")\n");
    int to = script.indexOf(";;", from);
    assertTrue(from >= 0 && to > from, stage);
    return script.substring(from, to);
  }
}
