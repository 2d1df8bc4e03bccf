package pe.agriscore.samples.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.InputSource;

/**
 * The POM snippets a bank copies, built into a bank's POM and collected by a real Maven.
 *
 * <p>Each test "publishes" this reactor's POMs (every module that is not skipped by {@code
 * maven.deploy.skip}) into a fresh local repository, writes a bank's POM from the README's
 * snippet or docs/natives.md's, and runs the Maven that runs this build on it (offline when this
 * build is) with the machine's local repository as a read-only tail ({@code
 * maven.repo.local.tail}): nothing is installed anywhere, and what this build already resolved
 * is not fetched again. The enforcer in the bank's POM bans every native jar, so that its failure
 * lists exactly the native jars on the bank's classpath, and checks dependency convergence.
 */
class PomSnippetsTest {

  private static final Path ROOT = Path.of("../..").toAbsolutePath().normalize();
  private static final String PT_NATIVE = "ai.djl.pytorch:pytorch-native-cpu";
  private static final String TF_NATIVE = "org.tensorflow:tensorflow-core-native";
  private static final Pattern BANNED =
      Pattern.compile("(\\S+) <--- banned via the exclude/include list");
  private static final Pattern MISSING_VERSION =
      Pattern.compile("'dependencies\\.dependency\\.version' for ([^:\\s]+:[^:\\s]+):jar is missing");

  @TempDir Path tmp;

  @Test
  void theBomPinsEveryPublishedArtifactAndNothingElse() throws Exception {
    Element bom = parse(ROOT.resolve("scoring-api/agriscore-bom/pom.xml"));
    assertNull(child(bom, "parent"), "the BOM has no parent whose dependencyManagement it would"
        + " hand on to importers");
    assertEquals(text(parse(ROOT.resolve("pom.xml")), "version"), text(bom, "version"),
        "the BOM's version is the reactor's");
    List<String> managed = new ArrayList<>();
    for (Element d : children(child(child(bom, "dependencyManagement"), "dependencies"),
        "dependency")) {
      assertEquals("pe.agriscore", text(d, "groupId"), "only AgriScore's artifacts");
      assertEquals("${project.version}", text(d, "version"));
      assertNull(child(d, "scope"), "no scope, no import of another BOM");
      managed.add(text(d, "groupId") + ":" + text(d, "artifactId"));
    }
    for (Module m : reactor()) {
      if (m.published() && m.packaging().equals("jar")) {
        assertTrue(managed.contains("pe.agriscore:" + m.artifactId()),
            "the BOM manages the published " + m.artifactId());
      }
    }

    // A bank's POM that imports the BOM and names everything without a version: Maven must
    // find versions for AgriScore's artifacts and for none of the others.
    Set<String> thirdParty = new TreeSet<>(List.of("com.fasterxml.jackson.core:jackson-databind",
        "org.apache.kafka:kafka-clients", "org.junit.jupiter:junit-jupiter", "ai.djl:api",
        "org.slf4j:slf4j-api"));
    StringBuilder deps = new StringBuilder("<dependencies>\n");
    for (String ga : managed) {
      deps.append(dependency(ga));
    }
    for (String ga : thirdParty) {
      deps.append(dependency(ga));
    }
    deps.append("</dependencies>\n");
    String out = mvn(bankPom(bomImport() + deps), "validate");
    assertEquals(thirdParty, matches(MISSING_VERSION, out), out);
  }

  @Test
  void theReadmeSnippetGivesOneNativeJarAndAConvergingClasspath() throws Exception {
    String snippet = section(Files.readString(ROOT.resolve("README.md")), "readme-pom");
    String out = mvn(bankPom(snippet), "validate");
    assertEquals(Set.of(TF_NATIVE + ":jar:linux-x86_64:" + property("tensorflow.native.version")),
        matches(BANNED, out), out);
    assertConverges(out);
  }

  @Test
  void aBankSwapsTheNativeClassifierWithoutExclusions() throws Exception {
    // The snippet as documented, with only each classifier changed: libtorch for ARM Linux,
    // TensorFlow for Apple silicon.
    StringBuilder natives = new StringBuilder();
    Matcher block = Pattern.compile("<dependency>.*?</dependency>", Pattern.DOTALL)
        .matcher(section(Files.readString(ROOT.resolve("docs/natives.md")), "natives-pom"));
    while (block.find()) {
      String dependency = block.group();
      String platform = dependency.contains("pytorch-native-cpu") ? "linux-aarch64"
          : "macosx-arm64";
      natives.append(dependency.replace("<classifier>linux-x86_64</classifier>",
          "<classifier>" + platform + "</classifier>")).append('\n');
    }
    assertFalse(natives.toString().contains("linux-x86_64"), natives::toString);
    // Every published jar (the API, the engines, the adapter, ...) beside the bank's natives.
    StringBuilder deps = new StringBuilder("<dependencies>\n");
    for (Module m : reactor()) {
      if (m.published() && m.packaging().equals("jar")) {
        deps.append(dependency("pe.agriscore:" + m.artifactId()));
      }
    }
    assertTrue(deps.indexOf("scoring-engine-tf") > 0 && deps.indexOf("scoring-engine-pt") > 0
        && deps.indexOf("kafka-adapter") > 0, deps::toString);
    deps.append(natives).append("</dependencies>\n");

    String out = mvn(bankPom(bomImport() + deps), "validate");
    // Exactly the bank's choice: no published artifact brings a native jar of its own.
    assertEquals(Set.of(PT_NATIVE + ":jar:linux-aarch64:" + property("pytorch.native.version"),
        TF_NATIVE + ":jar:macosx-arm64:" + property("tensorflow.native.version")),
        matches(BANNED, out), out);
    assertConverges(out);
  }

  @Test
  void theDocumentedNativesAreTheOnesThisBuildTests() throws Exception {
    List<Element> natives = dependencies(
        section(Files.readString(ROOT.resolve("docs/natives.md")), "natives-pom"));
    List<Element> readme = dependencies(
        section(Files.readString(ROOT.resolve("README.md")), "readme-pom"));
    readme.removeIf(d -> !text(d, "artifactId").equals("tensorflow-core-native"));
    natives.addAll(readme);
    assertEquals(3, natives.size());
    for (Element d : natives) {
      String ga = text(d, "groupId") + ":" + text(d, "artifactId");
      assertEquals(ga.equals(PT_NATIVE) ? property("pytorch.native.version")
          : property("tensorflow.native.version"), text(d, "version"), ga);
      assertEquals("linux-x86_64", text(d, "classifier"), ga);
      assertEquals("runtime", text(d, "scope"), ga);
      Element exclusions = child(d, "exclusions");
      if (ga.equals(TF_NATIVE)) {
        Element exclusion = child(exclusions, "exclusion");
        assertEquals("*", text(exclusion, "groupId"));
        assertEquals("*", text(exclusion, "artifactId"));
      } else {
        assertNull(exclusions, ga);
      }
    }
  }

  // ---------------------------------------------------------------------------------------------

  private static void assertConverges(String out) {
    assertTrue(out.contains("BannedDependencies failed"), out);
    assertFalse(out.contains("DependencyConvergence failed"), out);
  }

  private static String dependency(String groupArtifact) {
    String[] ga = groupArtifact.split(":");
    return "<dependency><groupId>" + ga[0] + "</groupId><artifactId>" + ga[1]
        + "</artifactId></dependency>\n";
  }

  private static String bomImport() throws Exception {
    return "<dependencyManagement><dependencies><dependency><groupId>pe.agriscore</groupId>"
        + "<artifactId>agriscore-bom</artifactId><version>" + text(parse(ROOT.resolve("pom.xml")),
        "version") + "</version><type>pom</type><scope>import</scope></dependency>"
        + "</dependencies></dependencyManagement>\n";
  }

  /** A bank's POM around {@code body}, with the enforcer that reports its native jars. */
  private String bankPom(String body) throws Exception {
    String pom = """
        <project xmlns="http://maven.apache.org/POM/4.0.0">
          <modelVersion>4.0.0</modelVersion>
          <groupId>bank.example</groupId>
          <artifactId>loan-origination</artifactId>
          <version>1</version>
        %s
          <build>
            <plugins>
              <plugin>
                <groupId>org.apache.maven.plugins</groupId>
                <artifactId>maven-enforcer-plugin</artifactId>
                <version>%s</version>
                <executions>
                  <execution>
                    <id>bank-checks</id>
                    <goals><goal>enforce</goal></goals>
                    <configuration>
                      <rules>
                        <dependencyConvergence/>
                        <bannedDependencies>
                          <excludes>
                            <exclude>%s</exclude>
                            <exclude>%s</exclude>
                          </excludes>
                        </bannedDependencies>
                      </rules>
                    </configuration>
                  </execution>
                </executions>
              </plugin>
            </plugins>
          </build>
        </project>
        """.formatted(body, pluginVersion("maven-enforcer-plugin"), PT_NATIVE, TF_NATIVE);
    Path dir = Files.createDirectories(tmp.resolve("bank"));
    Files.writeString(dir.resolve("pom.xml"), pom);
    return dir.toString();
  }

  /**
   * Runs Maven on the bank's POM in {@code dir} against a fresh local repository that holds this
   * reactor's published POMs, the machine's repository as its read-only tail.
   */
  private String mvn(String dir, String goal) throws Exception {
    Path repo = tmp.resolve("repository");
    for (Module m : reactor()) {
      if (m.published()) {
        Path target = repo.resolve("pe/agriscore/" + m.artifactId() + "/" + m.version() + "/"
            + m.artifactId() + "-" + m.version() + ".pom");
        Files.createDirectories(target.getParent());
        Files.copy(m.dir().resolve("pom.xml"), target);
      }
    }
    Path log = tmp.resolve("maven.log");
    List<String> command = new ArrayList<>(List.of(
        Path.of(required("agriscore.maven.home"), "bin", "mvn").toString(), "-B", "-ntp", "-nsu",
        "-Dstyle.color=never", "-Dmaven.repo.local=" + repo,
        "-Dmaven.repo.local.tail=" + required("agriscore.maven.repository"), goal));
    if (required("agriscore.maven.offline").equals("offline=true")) {
      command.add("-o");
    }
    Process p = new ProcessBuilder(command).directory(Path.of(dir).toFile())
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      if (!p.waitFor(5, TimeUnit.MINUTES)) {
        fail("Maven did not finish in 5 minutes: " + command);
      }
    } finally {
      p.destroyForcibly().waitFor();
    }
    return Files.readString(log);
  }

  private static String required(String property) {
    String value = System.getProperty(property);
    if (value == null || value.isBlank()) {
      throw new IllegalStateException("system property " + property + " is not set: run this"
          + " test through Maven (samples/examples/pom.xml sets it for surefire)");
    }
    return value;
  }

  /** The text between {@code <!-- name:start -->} and its end marker, without the fences. */
  private static String section(String markdown, String name) {
    Matcher m = Pattern.compile("<!-- " + name + ":start -->\\s*```xml\\n(.*?)```\\s*<!-- "
        + name + ":end -->", Pattern.DOTALL).matcher(markdown);
    assertTrue(m.find(), "the marked " + name + " snippet");
    return m.group(1);
  }

  private static Set<String> matches(Pattern pattern, String out) {
    Set<String> found = new TreeSet<>();
    Matcher m = pattern.matcher(out);
    while (m.find()) {
      found.add(m.group(1));
    }
    return found;
  }

  // --- the reactor, as its POMs say --------------------------------------------------------------

  /** One module of the reactor; published unless it or a parent sets maven.deploy.skip. */
  private record Module(Path dir, String artifactId, String version, String packaging,
      boolean published) {}

  private static List<Module> reactor() throws Exception {
    List<Module> modules = new ArrayList<>();
    collect(ROOT, true, modules);
    return modules;
  }

  private static void collect(Path dir, boolean parentPublished, List<Module> into)
      throws Exception {
    Element pom = parse(dir.resolve("pom.xml"));
    Element properties = child(pom, "properties");
    boolean published = parentPublished
        && !(properties != null && "true".equals(text(properties, "maven.deploy.skip")));
    String version = text(pom, "version") != null ? text(pom, "version")
        : text(child(pom, "parent"), "version");
    String packaging = text(pom, "packaging") != null ? text(pom, "packaging") : "jar";
    into.add(new Module(dir, text(pom, "artifactId"), version, packaging, published));
    Element modules = child(pom, "modules");
    if (modules != null) {
      for (Element module : children(modules, "module")) {
        collect(dir.resolve(module.getTextContent().trim()).normalize(), published, into);
      }
    }
  }

  private static String property(String name) throws Exception {
    return text(child(parse(ROOT.resolve("pom.xml")), "properties"), name);
  }

  private static String pluginVersion(String artifactId) throws Exception {
    Element plugins = child(child(child(parse(ROOT.resolve("pom.xml")), "build"),
        "pluginManagement"), "plugins");
    for (Element plugin : children(plugins, "plugin")) {
      if (artifactId.equals(text(plugin, "artifactId"))) {
        return text(plugin, "version");
      }
    }
    throw new IllegalStateException(artifactId + " is not in the root POM's pluginManagement");
  }

  // --- XML -------------------------------------------------------------------------------------

  private static Element parse(Path pom) throws Exception {
    return parseXml(Files.readString(pom));
  }

  private static Element parseXml(String xml) throws Exception {
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    return factory.newDocumentBuilder().parse(new InputSource(new StringReader(xml)))
        .getDocumentElement();
  }

  /** The {@code <dependency>} elements of a snippet, wherever they sit in it. */
  private static List<Element> dependencies(String snippet) throws Exception {
    Element root = parseXml("<snippet>" + snippet + "</snippet>");
    List<Element> found = new ArrayList<>();
    var nodes = root.getElementsByTagName("dependency");
    for (int i = 0; i < nodes.getLength(); i++) {
      found.add((Element) nodes.item(i));
    }
    return found;
  }

  private static Element child(Element parent, String name) {
    List<Element> all = children(parent, name);
    return all.isEmpty() ? null : all.get(0);
  }

  private static List<Element> children(Element parent, String name) {
    List<Element> found = new ArrayList<>();
    if (parent == null) {
      return found;
    }
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e && name.equals(e.getTagName())) {
        found.add(e);
      }
    }
    return found;
  }

  private static String text(Element parent, String name) {
    Element e = child(parent, name);
    return e == null ? null : e.getTextContent().trim();
  }
}
