package pe.agriscore.kafka.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import pe.agriscore.CreditScorer;
import pe.agriscore.internal.bundle.ModelBundle;
import pe.agriscore.kafka.DeliveryMode;
import pe.agriscore.kafka.KafkaScoringService;
import pe.agriscore.kafka.ScoringMetrics;
import pe.agriscore.kafka.testing.KafkaBroker;
import pe.agriscore.kafka.testing.SharedBroker;
import pe.agriscore.kafka.testing.Topics;
import pe.agriscore.schema.GoldenCase;
import pe.agriscore.scoring.ScoringJson;
import pe.agriscore.scoring.ScoringRequest;
import pe.agriscore.testing.TestBundles;

/**
 * Records per second of {@link KafkaScoringService} against two plain consume-transform-produce
 * loops ({@link PlainLoop}): one scoring by hand with the same {@link CreditScorer}, one only
 * forwarding a fixed output (what the broker allows at all). Side by side against one
 * in-process broker, under exactly-once and at-least-once, with the same topic, partitions and
 * {@code max.poll.records}. Not a test.
 *
 * <pre>
 * ./mvnw -pl kafka-adapter -am test-compile exec:exec@benchmark
 * ./mvnw -pl kafka-adapter -am test-compile exec:exec@benchmark -Dbench.bundle=/path/to/bundle \
 *     -Dbench.records=200000
 * </pre>
 *
 * <p>System properties: {@code bench.bundle} (a bundle directory or zip; default the scoring-api
 * test scorecard; its engine must be on the test classpath; a relative path is resolved against
 * {@code bench.basedir}, which the exec goal sets to the directory Maven runs from), {@code
 * bench.records} (100000),
 * {@code bench.partitions} (4), {@code bench.maxPollRecords} (500), {@code bench.reasonCodes}
 * (4), {@code bench.threads} (1, consumer threads of the service), {@code bench.modes}
 * ({@code exactly_once,at_least_once}), {@code bench.rounds} (5). Requests are the bundle's
 * golden cases under new applicant ids, so they suit any bundle's schema. Every loop first runs
 * once on a warm-up topic; then each round runs every loop in turn; a rate is measured from the
 * first committed record to the last. The summary gives medians over the rounds, and the median
 * of the service's per-round ratio to each loop.
 */
public final class ThroughputBenchmark {

  private ThroughputBenchmark() {}

  /** The loops measured, in the order they run for each delivery mode. */
  private enum Loop {
    KAFKA_ONLY("plain loop, fixed output (Kafka only)"),
    HAND_WRITTEN("plain loop scoring by hand"),
    SERVICE("KafkaScoringService");

    final String label;

    Loop(String label) {
      this.label = label;
    }
  }

  public static void main(String[] args) throws Exception {
    String bundleProperty = System.getProperty("bench.bundle", "");
    int records = Integer.getInteger("bench.records", 100_000);
    int partitions = Integer.getInteger("bench.partitions", 4);
    int maxPoll = Integer.getInteger("bench.maxPollRecords", 500);
    int reasonCodes = Integer.getInteger("bench.reasonCodes", 4);
    int threads = Integer.getInteger("bench.threads", 1);
    int rounds = Integer.getInteger("bench.rounds", 5);
    List<DeliveryMode> modes = new ArrayList<>();
    for (String m : System.getProperty("bench.modes", "exactly_once,at_least_once").split(",")) {
      modes.add(DeliveryMode.fromConfigValue(m.trim()));
    }
    Path work = Files.createTempDirectory("agriscore-bench");
    Path bundle = bundleProperty.isBlank() ? TestBundles.writeScorecardBundle(work)
        : Path.of(System.getProperty("bench.basedir", "")).resolve(bundleProperty);
    // rates[mode][loop][round]
    double[][][] rates = new double[modes.size()][Loop.values().length][rounds];
    try (KafkaBroker broker = KafkaBroker.create(work.resolve("broker"));
        CreditScorer scorer = CreditScorer.builder(bundle).maxReasonCodes(reasonCodes).build()) {
      broker.start();
      String bootstrap = broker.bootstrapServers();
      List<byte[]> payloads = payloads(bundle);
      try (Admin admin = Topics.admin(bootstrap)) {
        Topics.create(admin, partitions, "bench-in", "warmup-in");
        fill(bootstrap, "warmup-in", records, payloads);
        fill(bootstrap, "bench-in", records, payloads);
        System.out.printf("bundle %s (%s %s, engine %s), %d records in %d partitions,"
            + " max.poll.records=%d, reason codes %d, service threads %d, %d rounds%n", bundle,
            scorer.modelName(), scorer.modelVersion(), scorer.model().engine(),
            records, partitions, maxPoll, reasonCodes, threads, rounds);
        int run = 0;
        // Loops alternate within each round, so load on this shared machine hits them alike.
        for (int round = -1; round < rounds; round++) {
          String input = round < 0 ? "warmup-in" : "bench-in";
          for (int m = 0; m < modes.size(); m++) {
            DeliveryMode mode = modes.get(m);
            for (Loop loop : Loop.values()) {
              String name = "r" + run++;
              Topics.create(admin, partitions, name + "-out", name + "-dlq");
              double rate = switch (loop) {
                case KAFKA_ONLY -> runPlain(null, bootstrap, name, input, mode, maxPoll, records);
                case HAND_WRITTEN -> runPlain(scorer, bootstrap, name, input, mode, maxPoll,
                    records);
                case SERVICE -> runService(scorer, bootstrap, name, input, mode, maxPoll, threads,
                    records);
              };
              System.out.printf("%s %-13s %-38s %,10.0f records/s%n",
                  round < 0 ? "warm-up " : "round " + (round + 1), mode.configValue(),
                  loop.label, rate);
              if (round >= 0) {
                rates[m][loop.ordinal()][round] = rate;
              }
            }
          }
        }
      }
    }
    System.out.println();
    System.out.println("Medians over the rounds; ratios are the service's rate over the loop's"
        + " in the same round, then the median:");
    System.out.println();
    System.out.println("| delivery mode | loop                                   |  records/s |"
        + " service ÷ loop |");
    System.out.println("|---------------|----------------------------------------|-----------:|"
        + "---------------:|");
    for (int m = 0; m < modes.size(); m++) {
      double[] service = rates[m][Loop.SERVICE.ordinal()];
      for (Loop loop : Loop.values()) {
        double[] r = rates[m][loop.ordinal()];
        double[] ratios = new double[rounds];
        for (int i = 0; i < rounds; i++) {
          ratios[i] = service[i] / r[i];
        }
        System.out.printf("| %-13s | %-38s | %,10.0f | %14s |%n", modes.get(m).configValue(),
            loop.label, median(r), loop == Loop.SERVICE ? ""
                : String.format("%.0f%%", 100 * median(ratios)));
      }
    }
    SharedBroker.deleteQuietly(work);
    System.exit(0);
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  /** The bundle's golden requests: valid for its schema whatever the model. */
  private static List<byte[]> payloads(Path bundle) {
    List<GoldenCase> golden;
    try (ModelBundle opened = ModelBundle.open(bundle)) {
      golden = opened.goldenCases();
    }
    List<byte[]> out = new ArrayList<>();
    int i = 0;
    for (GoldenCase c : golden) {
      ScoringRequest r = c.request();
      ScoringRequest.Builder b = ScoringRequest.builder("APPLICANT", r.asOfDate());
      r.values().forEach(b::setRaw);
      out.add(ScoringJson.writeRequest(b.build()));
      i++;
    }
    if (i == 0) {
      throw new IllegalStateException("the bundle has no golden cases to build requests from");
    }
    return out;
  }

  private static void fill(String bootstrap, String topic, int count, List<byte[]> payloads) {
    Map<String, Object> p = new HashMap<>();
    p.put("bootstrap.servers", bootstrap);
    p.put("linger.ms", "20");
    p.put("batch.size", String.valueOf(512 * 1024));
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p,
        new ByteArraySerializer(), new ByteArraySerializer())) {
      for (int i = 0; i < count; i++) {
        String id = "PE-" + i;
        // Same payload, new applicant id: the id is written verbatim in the JSON.
        String json = new String(payloads.get(i % payloads.size()), StandardCharsets.UTF_8)
            .replace("\"APPLICANT\"", "\"" + id + "\"");
        producer.send(new ProducerRecord<>(topic, id.getBytes(StandardCharsets.UTF_8),
            json.getBytes(StandardCharsets.UTF_8)));
      }
    }
  }

  private static double runService(CreditScorer scorer, String bootstrap, String name,
      String input, DeliveryMode mode, int maxPoll, int threads, int count) throws Exception {
    KafkaScoringService service = KafkaScoringService.builder(scorer)
        .property("bootstrap.servers", bootstrap)
        .property("group.id", name + "-group")
        .property("max.poll.records", maxPoll)
        .property("agriscore.consumer.threads", threads)
        .inputTopic(input).outputTopic(name + "-out").deadLetterTopic(name + "-dlq")
        .deliveryMode(mode)
        .build();
    service.start();
    try {
      return measure(count, () -> {
        ScoringMetrics m = service.metrics();
        if (m.recordsDeadLettered() > 0) {
          throw new IllegalStateException("requests were dead-lettered: " + m);
        }
        return m.recordsScored();
      });
    } finally {
      service.close();
    }
  }

  private static double runPlain(CreditScorer scorer, String bootstrap, String name,
      String input, DeliveryMode mode, int maxPoll, int count) throws Exception {
    try (PlainLoop loop = new PlainLoop(bootstrap, name + "-group", input, name + "-out", mode,
        maxPoll, scorer)) {
      Thread t = new Thread(loop, "plain-loop");
      t.start();
      try {
        return measure(count, loop::committed);
      } finally {
        loop.stop();
        t.join();
      }
    }
  }

  /** Records per second from the first committed record to the last. */
  private static double measure(int count, LongSupplier committed) throws InterruptedException {
    long deadline = System.nanoTime() + 600_000_000_000L;
    long first;
    long firstCount;
    while ((firstCount = committed.getAsLong()) == 0) {
      check(deadline);
      Thread.sleep(1);
    }
    first = System.nanoTime();
    while (committed.getAsLong() < count) {
      check(deadline);
      Thread.sleep(1);
    }
    return (count - firstCount) / ((System.nanoTime() - first) / 1e9);
  }

  private static void check(long deadline) {
    if (System.nanoTime() > deadline) {
      throw new IllegalStateException("no progress for 10 minutes");
    }
  }
}
