package pe.agriscore.kafka;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.Reader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import pe.agriscore.CreditScorer;
import pe.agriscore.kafka.testing.KafkaBroker;
import pe.agriscore.kafka.testing.Outcome;
import pe.agriscore.kafka.testing.Requests;
import pe.agriscore.kafka.testing.Services;
import pe.agriscore.kafka.testing.SharedBroker;
import pe.agriscore.kafka.testing.TopicReader;
import pe.agriscore.kafka.testing.Topics;
import pe.agriscore.scoring.CreditScore;
import pe.agriscore.scoring.ScoringJson;
import pe.agriscore.testing.TestBundles;

/**
 * Every case of the committed corpus {@code src/test/resources/hostile/records} (see its
 * README), each followed by a valid request, through one exactly-once service on a real broker:
 * every record ends as exactly one score or one dead letter with the case's reason, nothing is
 * rewound, and the service stays RUNNING.
 */
class HostileRecordsTest {

  private static final Path CORPUS = Path.of("src/test/resources/hostile/records");

  @TempDir Path tmp;

  /** One corpus case. */
  private record Case(String name, Properties p, byte[] key, byte[] value, List<Header> headers) {
    String expect(String what) {
      return p.getProperty("expect." + what);
    }

    boolean scored() {
      return p.getProperty("expect").equals("score");
    }
  }

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void everyHostileRecordEndsAsExactlyOneScoreOrOneDeadLetterWithItsReason() throws Exception {
    List<Case> cases = load();
    assertTrue(cases.size() >= 20, "the corpus has " + cases.size() + " cases");
    KafkaBroker broker = SharedBroker.get();
    String run = "hostile";
    try (Admin admin = Topics.admin(broker.bootstrapServers());
        CreditScorer scorer = CreditScorer.open(TestBundles.writeScorecardBundle(tmp))) {
      Topics.create(admin, 1, run + "-in", run + "-out", run + "-dlq");
      KafkaScoringService service = Services.start(scorer, Services.properties(
          broker.bootstrapServers(), run, DeliveryMode.EXACTLY_ONCE));
      Map<Long, Case> caseAt = new TreeMap<>();
      List<String> valid = new ArrayList<>();
      try {
        try (KafkaProducer<byte[], byte[]> producer = producer(broker.bootstrapServers())) {
          List<Future<RecordMetadata>> sent = new ArrayList<>();
          for (Case c : cases) {
            sent.add(producer.send(new ProducerRecord<>(run + "-in", null, c.key(), c.value(),
                c.headers())));
            String id = "PE-after-" + c.name();
            valid.add(id);
            producer.send(new ProducerRecord<>(run + "-in", id.getBytes(StandardCharsets.UTF_8),
                ScoringJson.writeRequest(Requests.validRequest(id))));
          }
          producer.flush();
          for (int i = 0; i < cases.size(); i++) {
            caseAt.put(sent.get(i).get().offset(), cases.get(i));
          }
        }
        Topics.awaitCommittedToEnd(admin, run + "-group", run + "-in", Duration.ofMinutes(3));
        assertEquals(KafkaScoringService.State.RUNNING, service.state(),
            service.health().toString());
        assertEquals(0, service.metrics().rewinds(), "nothing is retried: " + service.metrics());
      } finally {
        service.close();
      }

      Map<Long, ConsumerRecord<byte[], byte[]>> inputs = new HashMap<>();
      for (ConsumerRecord<byte[], byte[]> r : TopicReader.readAll(broker.bootstrapServers(),
          run + "-in")) {
        inputs.put(r.offset(), r);
      }
      Map<String, List<ConsumerRecord<byte[], byte[]>>> scores = new HashMap<>();
      List<ConsumerRecord<byte[], byte[]>> out = TopicReader.readAll(broker.bootstrapServers(),
          run + "-out");
      for (ConsumerRecord<byte[], byte[]> r : out) {
        CreditScore s = assertInstanceOf(CreditScore.class, ScoringJson.readResult(r.value()));
        scores.computeIfAbsent(s.applicantId(), k -> new ArrayList<>()).add(r);
      }
      Map<Long, List<ConsumerRecord<byte[], byte[]>>> deadLetters = new HashMap<>();
      List<ConsumerRecord<byte[], byte[]>> dlq = TopicReader.readAll(broker.bootstrapServers(),
          run + "-dlq");
      for (ConsumerRecord<byte[], byte[]> r : dlq) {
        deadLetters.computeIfAbsent(Long.parseLong(DeadLetterHeaders.get(r.headers(),
            DeadLetterHeaders.SOURCE_OFFSET)), k -> new ArrayList<>()).add(r);
      }

      int expectedScores = valid.size();
      for (Map.Entry<Long, Case> e : caseAt.entrySet()) {
        Case c = e.getValue();
        ConsumerRecord<byte[], byte[]> in = inputs.get(e.getKey());
        if (c.scored()) {
          expectedScores++;
          List<ConsumerRecord<byte[], byte[]>> s = scores.get(c.expect("applicant"));
          assertNotNull(s, c.name() + ": no score; dead letters " + deadLetters.get(e.getKey()));
          assertEquals(1, s.size(), c.name());
          assertArrayEquals(c.key(), s.get(0).key(), c.name() + ": the score keeps the key");
          assertNull(deadLetters.get(e.getKey()), c.name() + " was also dead-lettered");
        } else {
          checkDeadLetter(c, in, deadLetters.get(e.getKey()));
        }
      }
      for (String id : valid) {
        assertEquals(1, scores.getOrDefault(id, List.of()).size(), id);
      }
      assertEquals(expectedScores, out.size(), "scores");
      assertEquals(caseAt.size() + valid.size() - expectedScores, dlq.size(), "dead letters");
    }
  }

  private static void checkDeadLetter(Case c, ConsumerRecord<byte[], byte[]> in,
      List<ConsumerRecord<byte[], byte[]>> found) throws Exception {
    assertNotNull(found, c.name() + ": no dead letter");
    assertEquals(1, found.size(), c.name());
    ConsumerRecord<byte[], byte[]> dl = found.get(0);
    // One true set of agriscore headers, whatever the input carried.
    for (String name : List.of(DeadLetterHeaders.ERROR_KIND, DeadLetterHeaders.SOURCE_OFFSET,
        DeadLetterHeaders.ERROR_REASONS)) {
      int n = 0;
      for (Header h : dl.headers().headers(name)) {
        n++;
      }
      assertEquals(1, n, c.name() + ": one " + name);
    }
    assertEquals(c.expect("kind"), header(dl, DeadLetterHeaders.ERROR_KIND), c.name());
    if (c.expect("rule") != null) {
      String reasons = header(dl, DeadLetterHeaders.ERROR_REASONS);
      boolean any = c.expect("field") == null;
      assertTrue(any ? reasons.contains("\"rule\":\"" + c.expect("rule") + "\"")
          : Outcome.hasReason(reasons, c.expect("field"), c.expect("rule")),
          c.name() + ": expected " + c.expect("field") + " " + c.expect("rule") + " in "
              + reasons);
    }
    String message = header(dl, DeadLetterHeaders.ERROR_MESSAGE);
    if (c.expect("message") != null) {
      assertTrue(message.contains(c.expect("message")), c.name() + ": " + message);
    }
    if (c.expect("max.message.chars") != null) {
      assertTrue(message.length() <= Integer.parseInt(c.expect("max.message.chars")),
          c.name() + ": a message of " + message.length() + " chars");
      assertTrue(header(dl, DeadLetterHeaders.ERROR_REASONS).length() <= 50 * 1100,
          c.name());
    }
    if (c.expect("max.reasons") != null) {
      int reasons = 0;
      for (var ignored : new com.fasterxml.jackson.databind.ObjectMapper().readTree(
          header(dl, DeadLetterHeaders.ERROR_REASONS))) {
        reasons++;
      }
      assertEquals(Integer.parseInt(c.expect("max.reasons")), reasons, c.name());
    }
    assertEquals(c.expect("truncated"), header(dl, DeadLetterHeaders.TRUNCATED), c.name());
    if (c.expect("truncated") == null) {
      assertArrayEquals(c.value(), dl.value(), c.name() + ": the original bytes");
      assertArrayEquals(c.key(), dl.key(), c.name() + ": the original key");
      for (Header h : c.headers()) {
        if (!h.key().startsWith("agriscore.")) {
          assertNotNull(dl.headers().lastHeader(h.key()), c.name() + ": header " + h.key());
        }
      }
    } else {
      Outcome.assertTruncatedFaithfully(in, dl);
    }
  }

  private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
    return DeadLetterHeaders.get(r.headers(), name);
  }

  private static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
    Map<String, Object> p = new HashMap<>();
    p.put("bootstrap.servers", bootstrap);
    p.put("acks", "all");
    p.put("max.request.size", String.valueOf(4 * 1024 * 1024));
    p.put("buffer.memory", String.valueOf(64L * 1024 * 1024));
    return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
  }

  private static List<Case> load() throws Exception {
    List<Case> cases = new ArrayList<>();
    try (Stream<Path> files = Files.list(CORPUS)) {
      for (Path f : files.filter(f -> f.toString().endsWith(".properties")).sorted().toList()) {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
          p.load(r);
        }
        String name = f.getFileName().toString().replace(".properties", "");
        List<Header> headers = new ArrayList<>();
        for (int i = 1; p.containsKey("header." + i + ".name"); i++) {
          headers.add(new RecordHeader(p.getProperty("header." + i + ".name"),
              spec(p.getProperty("header." + i + ".value"))));
        }
        cases.add(new Case(name, p, spec(p.getProperty("key", "text:HOSTILE-"
            + name.substring(0, 2))), spec(p.getProperty("value")), headers));
      }
    }
    return cases;
  }

  /** A record part from its spec (see the corpus README). */
  private static byte[] spec(String spec) {
    if (spec.equals("null")) {
      return null;
    }
    if (spec.equals("empty")) {
      return new byte[0];
    }
    int colon = spec.indexOf(':');
    String kind = spec.substring(0, colon);
    String rest = spec.substring(colon + 1);
    return switch (kind) {
      case "text" -> rest.getBytes(StandardCharsets.UTF_8);
      case "hex" -> HexFormat.of().parseHex(rest);
      case "utf16le-bom" -> {
        ByteBuffer b = StandardCharsets.UTF_16LE.encode(rest);
        byte[] out = new byte[2 + b.remaining()];
        out[0] = (byte) 0xFF;
        out[1] = (byte) 0xFE;
        b.get(out, 2, b.remaining());
        yield out;
      }
      case "fill" -> {
        String[] parts = rest.split(":", 3);
        yield parts[2].replace("{{FILL}}", parts[1].repeat(Integer.parseInt(parts[0])))
            .getBytes(StandardCharsets.UTF_8);
      }
      case "fields" -> {
        String[] parts = rest.split(":", 2);
        StringBuilder fields = new StringBuilder();
        for (int i = 0; i < Integer.parseInt(parts[0]); i++) {
          fields.append(",\"u").append(i).append("\":1");
        }
        yield parts[1].replace("{{FILL}}", fields).getBytes(StandardCharsets.UTF_8);
      }
      case "nest" -> {
        String[] parts = rest.split(":", 2);
        int n = Integer.parseInt(parts[0]);
        yield parts[1].replace("{{FILL}}", "[".repeat(n) + "]".repeat(n))
            .getBytes(StandardCharsets.UTF_8);
      }
      default -> throw new IllegalArgumentException("unknown spec " + spec);
    };
  }
}
