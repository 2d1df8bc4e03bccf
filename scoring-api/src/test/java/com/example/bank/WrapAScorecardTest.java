package com.example.bank;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pe.agriscore.scoring.CreditScore;

/**
 * The Java authoring example of docs/bundle-format.md: it compiles (it is this module's test
 * source), writes a bundle that CreditScorer opens and scores with, and the page shows it
 * verbatim, so the page cannot drift from code that works.
 */
class WrapAScorecardTest {

  private static final Path SOURCE =
      Path.of("src/test/java/com/example/bank/WrapAScorecard.java");
  private static final Pattern BLOCK = Pattern.compile(
      "<!-- authoring-example:start -->\\s*```java\\n(.*?)```\\s*<!-- authoring-example:end -->",
      Pattern.DOTALL);

  @TempDir Path tmp;

  @Test
  void theExampleWritesABundleThatScoresAsTheFittedModelSays() throws IOException {
    CreditScore s = WrapAScorecard.writeAndScore(tmp.resolve("small-farm"));
    // By hand: 2.5 ha standardised (2.5 - 3) / 2 = -0.25, coffee, irrigated.
    double z = -2.0 + -0.40 * -0.25 + -0.30 + -0.50;
    assertEquals(1 / (1 + Math.exp(-z)), s.probabilityOfDefault(), 1e-9);
    // 600 + 20 * log2(odds / 30), odds = (1 - p) / p = e^2.7
    assertEquals(Math.round(600 + 20 * (2.7 / Math.log(2) - Math.log(30) / Math.log(2))),
        s.points());
    assertEquals("C", s.grade()); // 580 points: below B (600), above C (300)
    assertEquals("small-farm-scorecard", s.modelName());
    assertTrue(Files.isRegularFile(tmp.resolve("small-farm/manifest.json")));
  }

  @Test
  void theBundleFormatPageShowsTheExampleVerbatim() throws IOException {
    Matcher m = BLOCK.matcher(Files.readString(Path.of("../docs/bundle-format.md")));
    assertTrue(m.find(), "docs/bundle-format.md has the marked authoring example");
    assertEquals(Files.readString(SOURCE), m.group(1),
        "the example in docs/bundle-format.md must be " + SOURCE + " as it is");
  }
}
