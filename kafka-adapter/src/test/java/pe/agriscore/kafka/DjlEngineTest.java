package pe.agriscore.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URL;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import pe.agriscore.CreditScorer;
import pe.agriscore.authoring.BundleWriter;
import pe.agriscore.kafka.testing.KafkaBroker;
import pe.agriscore.kafka.testing.Outcome;
import pe.agriscore.kafka.testing.RequestProducer;
import pe.agriscore.kafka.testing.Services;
import pe.agriscore.kafka.testing.SharedBroker;
import pe.agriscore.kafka.testing.Topics;
import pe.agriscore.schema.GoldenCase;
import pe.agriscore.scoring.CreditScore;
import pe.agriscore.scoring.ScoringJson;
import pe.agriscore.scoring.ScoringRequest;
import pe.agriscore.testing.TestBundles;

/**
 * The service with a DJL engine: TestBundles' scorecard as a TorchScript model
 * ({@code src/test/python/make_logistic_torchscript.py}) on scoring-engine-pt's libtorch.
 */
class DjlEngineTest {

  private static final int REQUESTS = 5_000;
  private static final double FLOAT32_TOLERANCE = 1e-5;

  @TempDir Path tmp;

  @Test
  @Timeout(value = 3, unit = TimeUnit.MINUTES)
  void aPyTorchBundleScoresEveryRequestExactlyOnceWithTheModelsProbabilities() throws Exception {
    KafkaBroker broker = SharedBroker.get();
    String run = "pytorch";
    try (Admin admin = Topics.admin(broker.bootstrapServers());
        CreditScorer scorer = CreditScorer.open(pytorchBundle())) {
      Topics.create(admin, 3, run + "-in", run + "-out", run + "-dlq");
      Map<String, Object> props = Services.properties(broker.bootstrapServers(), run,
          DeliveryMode.EXACTLY_ONCE);
      KafkaScoringService service = Services.start(scorer, props);
      try (RequestProducer producer = new RequestProducer(broker.bootstrapServers(),
          run + "-in", 100)) {
        producer.send(0, REQUESTS);
        producer.finish();
      }
      Topics.awaitCommittedToEnd(admin, run + "-group", run + "-in", Duration.ofMinutes(2));
      service.close();

      Outcome outcome = Outcome.read(broker.bootstrapServers(), run + "-in", run + "-out",
          run + "-dlq");
      assertEquals(REQUESTS, outcome.inputs.size());
      outcome.assertExactlyOnce("test-pytorch-logistic", "1.0.0");
      for (Map.Entry<String, List<ConsumerRecord<byte[], byte[]>>> e
          : outcome.scores.entrySet()) {
        ScoringRequest request = ScoringJson.readRequest(outcome.inputs.get(e.getKey()).value());
        CreditScore score = (CreditScore) ScoringJson.readResult(e.getValue().get(0).value());
        assertEquals(TestBundles.expectedProbability(request), score.probabilityOfDefault(),
            FLOAT32_TOLERANCE, e.getKey());
      }
    }
  }

  private Path pytorchBundle() throws Exception {
    URL model = DjlEngineTest.class.getResource("/fixtures/scorecard_logistic.pt");
    List<GoldenCase> golden = new ArrayList<>();
    for (ScoringRequest r : TestBundles.randomRequests(11, 8)) {
      golden.add(new GoldenCase("g-" + r.applicantId(), r, TestBundles.expectedProbability(r)));
    }
    return BundleWriter.builder()
        .name("test-pytorch-logistic").version("1.0.0")
        .engine("pytorch").modelFormat("torchscript")
        .model(Path.of(model.toURI()), "model/scorecard_logistic.pt")
        .input("features", 11).output("probability")
        .createdAt(Instant.parse("2026-11-01T00:00:00Z"))
        .schema(TestBundles.schema()).preprocessing(TestBundles.standardPreprocessing())
        .scoreScale(TestBundles.scale()).reference(TestBundles.reference())
        .golden(golden, FLOAT32_TOLERANCE)
        .writeTo(tmp.resolve("pytorch-bundle"));
  }
}
