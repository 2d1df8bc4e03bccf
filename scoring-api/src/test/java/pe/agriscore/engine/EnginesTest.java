package pe.agriscore.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.spi.ToolProvider;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pe.agriscore.internal.bundle.ModelBundle;
import pe.agriscore.scorecard.ScorecardEngine;
import pe.agriscore.scoring.BundleException;
import pe.agriscore.testing.FaultyEngine;
import pe.agriscore.testing.LogitScorecardEngine;
import pe.agriscore.testing.OpaqueScorecardEngine;
import pe.agriscore.testing.TestBundles;

/**
 * Engine discovery with real provider classes: the module's own, and providers compiled by the
 * test into jars of their own, seen through a child class loader as an application server's
 * web application would see them.
 */
class EnginesTest {

  @TempDir Path tmp;

  @Test
  void everyProviderOnTheTestClassPathIsFoundByItsOwnName() {
    // The names as manifests spell them, not the constants: renaming an engine breaks bundles.
    assertInstanceOf(ScorecardEngine.class, Engines.find("scorecard"));
    var found = Engines.available();
    assertEquals(List.of("scorecard", "test-faulty", "test-logit", "test-opaque"),
        List.copyOf(found.keySet()));
    assertInstanceOf(FaultyEngine.class, found.get("test-faulty"));
    assertInstanceOf(LogitScorecardEngine.class, found.get("test-logit"));
    assertInstanceOf(OpaqueScorecardEngine.class, found.get("test-opaque"));
    assertEquals("pe.agriscore:scoring-api", found.get("scorecard").descriptor().artifact());
  }

  @Test
  void twoJarsClaimingOneNameAreRefusedNamingBothJars() throws Exception {
    Path first = providerJar("one", "DupEngine", "dup", "com.example:dup-one");
    Path second = providerJar("two", "DupEngine", "dup", "com.example:dup-two");
    EngineException e = assertThrows(EngineException.class,
        () -> withContextJars(Engines::available, first, second));
    assertTrue(e.getMessage().startsWith("two scoring engines claim the name 'dup': "),
        e.getMessage());
    assertTrue(e.getMessage().contains("one.DupEngine from " + first.toUri().toURL())
        && e.getMessage().contains("two.DupEngine from " + second.toUri().toURL()),
        e.getMessage());
  }

  @Test
  void aProviderOfTheContextClassLoaderIsFoundOnceAndNamedInTheMissingEngineError()
      throws Exception {
    Path jar = providerJar("extra", "ExtraEngine", "extra", "com.example:extra-engine");
    assertEquals("extra.ExtraEngine",
        withContextJars(() -> Engines.find("extra").getClass().getName(), jar));
    Path bundle = TestBundles.writeScorecardBundle(tmp, "onnx");
    BundleException missing = assertThrows(BundleException.class, () -> withContextJars(() -> {
      try (ModelBundle b = ModelBundle.open(bundle)) {
        return Engines.load(b, EngineOptions.defaults());
      }
    }, jar));
    assertEquals(ModelBundle.MANIFEST, missing.file());
    String m = missing.getMessage();
    assertTrue(m.contains("needs engine 'onnx' (modelFormat 'agriscore-logistic'), which is not"
        + " on the class path or module path"), m);
    assertTrue(m.contains("extra (com.example:extra-engine, reads extra-format)")
        && m.contains("scorecard (pe.agriscore:scoring-api, reads agriscore-logistic)"), m);
    assertTrue(m.contains("listed in docs/engines.md"), m);
    // A found engine reading the bundle's format is pointed out: a misspelt engine name.
    assertTrue(m.contains("engine 'scorecard' reads modelFormat 'agriscore-logistic'"), m);
  }

  @Test
  void aBundleNamingItsEnginesArtifactGetsItInTheError() throws Exception {
    Path bundle = TestBundles.writeScorecardBundle(tmp, "onnx");
    Path manifest = bundle.resolve(ModelBundle.MANIFEST);
    String json = Files.readString(manifest);
    String edited = json.replaceFirst("\"properties\" : \\{[^}]*\\}", "\"properties\" : {\""
        + Engines.ENGINE_ARTIFACT_PROPERTY + "\" : \"com.example:agriscore-onnx\"}");
    assertTrue(!edited.equals(json), json);
    Files.writeString(manifest, edited);
    pe.agriscore.authoring.BundleWriter.seal(bundle);
    try (ModelBundle b = ModelBundle.open(bundle)) {
      BundleException e = assertThrows(BundleException.class,
          () -> Engines.load(b, EngineOptions.defaults()));
      assertTrue(e.getMessage().contains("Add the dependency com.example:agriscore-onnx, which"
          + " the bundle names as the provider of 'onnx'"), e.getMessage());
    }
  }

  @Test
  void anEngineIsOnlyGivenFormatsItDeclares() throws Exception {
    Path bundle = TestBundles.writeMarkerBundle(tmp, "scorecard", "marker", 1);
    try (ModelBundle b = ModelBundle.open(bundle)) {
      BundleException e = assertThrows(BundleException.class,
          () -> Engines.load(b, EngineOptions.defaults()));
      assertEquals(ModelBundle.MANIFEST, e.file());
      assertTrue(e.getMessage().contains("engine 'scorecard' reads modelFormat"
          + " 'agriscore-logistic', not 'none'"), e.getMessage());
    }
  }

  private static <T> T withContextJars(Callable<T> call, Path... jars) throws Exception {
    URL[] urls = new URL[jars.length];
    for (int i = 0; i < jars.length; i++) {
      urls[i] = jars[i].toUri().toURL();
    }
    Thread thread = Thread.currentThread();
    ClassLoader previous = thread.getContextClassLoader();
    try (URLClassLoader loader = new URLClassLoader(urls, EnginesTest.class.getClassLoader())) {
      thread.setContextClassLoader(loader);
      return call.call();
    } finally {
      thread.setContextClassLoader(previous);
    }
  }

  /** A jar holding one compiled engine provider and its service registration. */
  private Path providerJar(String pkg, String cls, String name, String artifact)
      throws IOException {
    Path src = Files.createDirectories(tmp.resolve("src-" + pkg + "/" + pkg));
    Path java = Files.writeString(src.resolve(cls + ".java"), "package " + pkg + ";\n"
        + "import java.util.List; import java.util.Set; import pe.agriscore.engine.*;\n"
        + "public final class " + cls + " implements ScoringEngine {\n"
        + "  public EngineDescriptor descriptor() {\n"
        + "    return EngineDescriptor.of(\"" + name + "\", \"" + artifact + "\","
        + " Set.of(\"" + name + "-format\"), List.of());\n  }\n"
        + "  public ScoringModel load(ModelFiles model, EngineConfig config) {\n"
        + "    throw model.refusal(\"test provider\");\n  }\n}\n");
    Path classes = Files.createDirectories(tmp.resolve("classes-" + pkg));
    ToolProvider javac = ToolProvider.findFirst("javac").orElseThrow();
    int rc = javac.run(System.out, System.err, "-d", classes.toString(), "-cp",
        System.getProperty("java.class.path"), java.toString());
    assertEquals(0, rc, "javac failed on " + java);
    Path jar = tmp.resolve(pkg + "-engine.jar");
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
      String entry = pkg + "/" + cls + ".class";
      out.putNextEntry(new JarEntry(entry));
      Files.copy(classes.resolve(entry), out);
      out.putNextEntry(new JarEntry("META-INF/services/" + ScoringEngine.class.getName()));
      OutputStream o = out;
      o.write((pkg + "." + cls + "\n").getBytes(StandardCharsets.UTF_8));
    }
    return jar;
  }
}
