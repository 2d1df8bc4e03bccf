package pe.agriscore.deployment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The bank's GitLab pipeline ({@code samples/deployment/ci/.gitlab-ci.yml}) runs what this
 * repository's CI runs: every job's script calls an existing repository script, the test job
 * {@code .ci/run}, and every job's stage is declared.
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
    assertEquals(List.of("test"), jobs);
    assertEquals("bash .ci/run", ci.path("test").path("script").get(0).asText(),
        "one source of truth: the project's own CI script");
  }
}
