package pe.agriscore.engine.tf;

import java.nio.file.Path;
import pe.agriscore.CreditScorer;

/** Child JVM: loads the bundle {@code args[0]} with default options and scores one request. */
public final class LoadMain {
  private LoadMain() {}

  public static void main(String[] args) {
    try (CreditScorer scorer = CreditScorer.open(Path.of(args[0]))) {
      System.out.println("SCORED " + scorer.score(Mlp.validRequests(1, 1).get(0))
          .probabilityOfDefault());
    }
  }
}
