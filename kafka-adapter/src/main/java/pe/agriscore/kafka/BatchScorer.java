package pe.agriscore.kafka;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import pe.agriscore.CreditScorer;
import pe.agriscore.engine.EngineException;
import pe.agriscore.scoring.CreditScore;
import pe.agriscore.scoring.InvalidRequestException;
import pe.agriscore.scoring.ScoringError;
import pe.agriscore.scoring.ScoringJson;
import pe.agriscore.scoring.ScoringRequest;
import pe.agriscore.scoring.ScoringResult;
import pe.agriscore.scoring.Violation;

/**
 * Turns a polled batch into output and dead-letter records: parses every request, scores the
 * readable ones in one {@link CreditScorer#scoreAll} call, retries engine failures with bounded
 * exponential backoff, then scores each still-failing request alone so that one poison request
 * cannot fail its neighbours, and finally applies the {@link EngineFailurePolicy}. Runs on a
 * worker's scoring thread; never blocks a partition on a bad record.
 */
final class BatchScorer {

  private static final Logger LOG = LoggerFactory.getLogger(BatchScorer.class);
  /**
   * The documented {@code agriscore.error.class} of an invalid request: a wire value, kept
   * when {@link InvalidRequestException} moved from {@code pe.agriscore.request} (issue #13).
   */
  static final String INVALID_CLASS = "pe.agriscore.request.InvalidRequestException";
  private static final String ENGINE_CLASS = EngineException.class.getName();

  private static final String TOO_LARGE_KIND = "RECORD_TOO_LARGE";
  private static final String TOO_LARGE_CLASS =
      "org.apache.kafka.common.errors.RecordTooLargeException";
  /** Header texts are summaries: request text quoted in them is cut to this many chars. */
  private static final int MAX_MESSAGE_CHARS = 2000;
  private static final int MAX_REASON_CHARS = 500;
  /** A request can break a rule per field it has: the headers name the first ones. */
  private static final int MAX_REASONS = 50;
  private static final JsonFactory REASONS = new JsonFactory();

  private final CreditScorer scorer;
  private final KafkaScoringConfig config;
  /** Reads requests straight into the model's feature order, for the encoder to take by index. */
  private final ScoringJson.RequestReader reader;
  private final ServiceMetrics metrics;
  private final RecordLimits limits;
  private final byte[] modelName;
  private final byte[] modelVersion;

  BatchScorer(CreditScorer scorer, KafkaScoringConfig config, ScoringJson.Limits requestLimits,
      ServiceMetrics metrics, RecordLimits limits) {
    this.scorer = scorer;
    this.config = config;
    this.reader = ScoringJson.reader(scorer.model().schema().featureNames(),
        requestLimits);
    this.metrics = metrics;
    this.limits = limits;
    this.modelName = utf8(scorer.modelName());
    this.modelVersion = utf8(scorer.modelVersion());
  }

  /**
   * Scores a batch.
   *
   * @throws EngineException if requests still fail in the engine and the policy is {@code fail}
   * @throws InterruptedException if the service is abandoning the batch during a backoff
   */
  ScoredBatch score(List<ConsumerRecord<byte[], byte[]>> records) throws InterruptedException {
    int n = records.size();
    @SuppressWarnings({"unchecked", "rawtypes"})
    ProducerRecord<byte[], byte[]>[] out = new ProducerRecord[n];
    long[] timestamps = new long[n];
    List<ScoringRequest> requests = new ArrayList<>(n);
    int[] recordOf = new int[n];
    int deadLettered = 0;
    for (int i = 0; i < n; i++) {
      ConsumerRecord<byte[], byte[]> record = records.get(i);
      timestamps[i] = record.timestamp();
      try {
        ScoringRequest request = read(record.value());
        recordOf[requests.size()] = i;
        requests.add(request);
      } catch (InvalidRequestException e) {
        out[i] = deadLetter(record, ScoringError.Kind.INVALID_REQUEST.name(),
            INVALID_CLASS, e.getMessage(), e.violations(), e.omittedViolations(), 0);
        deadLettered++;
      } catch (RuntimeException e) {
        // A parser bug must not wedge the partition: the record goes aside with the exception.
        LOG.error("unexpected failure reading the request at {}-{}@{}", record.topic(),
            record.partition(), record.offset(), e);
        out[i] = deadLetter(record, ScoringError.Kind.INVALID_REQUEST.name(),
            e.getClass().getName(), String.valueOf(e), List.of(new Violation("$",
                Violation.Rule.MALFORMED, "the request could not be read: " + e)), 0, 0);
        deadLettered++;
      }
    }
    ScoringResult[] results = new ScoringResult[requests.size()];
    int[] attempts = new int[requests.size()];
    List<Integer> failing = new ArrayList<>(requests.size());
    for (int i = 0; i < requests.size(); i++) {
      failing.add(i);
    }
    failing = scoreInto(requests, failing, results, attempts);
    long backoff = config.engineBackoffMs;
    for (int retry = 1; retry <= config.engineRetries && !failing.isEmpty(); retry++) {
      LOG.warn("engine failed on {} of {} requests ({}); retry {}/{} in {} ms", failing.size(),
          requests.size(), ((ScoringError) results[failing.get(0)]).message(), retry,
          config.engineRetries, backoff);
      metrics.engineRetries.increment();
      Thread.sleep(backoff);
      backoff = Math.min(backoff * 2, config.engineBackoffMaxMs);
      failing = scoreInto(requests, failing, results, attempts);
    }
    if (failing.size() > 1) {
      List<Integer> stillFailing = new ArrayList<>();
      for (int i : failing) {
        stillFailing.addAll(scoreInto(requests, List.of(i), results, attempts));
      }
      failing = stillFailing;
    }
    if (!failing.isEmpty() && config.engineFailurePolicy == EngineFailurePolicy.FAIL) {
      ConsumerRecord<byte[], byte[]> first = records.get(recordOf[failing.get(0)]);
      throw new EngineException("the engine still failed on " + failing.size() + " requests"
          + " after " + attempts[failing.get(0)] + " attempts (first: " + first.topic() + "-"
          + first.partition() + "@" + first.offset() + ": "
          + ((ScoringError) results[failing.get(0)]).message() + "); engine failure policy"
          + " 'fail' stops the service without committing the batch");
    }
    int scored = 0;
    for (int j = 0; j < requests.size(); j++) {
      ConsumerRecord<byte[], byte[]> record = records.get(recordOf[j]);
      ScoringResult result = results[j];
      if (result instanceof CreditScore score) {
        out[recordOf[j]] = new ProducerRecord<>(config.outputTopic, null, record.key(),
            ScoringJson.write(score));
        scored++;
      } else {
        ScoringError e = (ScoringError) result;
        boolean engine = e.kind() == ScoringError.Kind.ENGINE_FAILURE;
        String errorClass = e.exceptionClass() != null ? e.exceptionClass()
            : engine ? ENGINE_CLASS : INVALID_CLASS;
        out[recordOf[j]] = deadLetter(record, e.kind().name(), errorClass, e.message(),
            e.violations(), e.omittedViolations(), engine ? attempts[j] : 0);
        deadLettered++;
      }
    }
    int truncated = 0;
    for (int i = 0; i < n; i++) {
      ProducerRecord<byte[], byte[]> r = out[i];
      int limit = limits.limit(r.topic());
      if (RecordLimits.sizeOf(r) <= limit) {
        continue;
      }
      ConsumerRecord<byte[], byte[]> record = records.get(i);
      if (r.topic().equals(config.outputTopic)) {
        String applicant = ((CreditScore) ScoringJson.readResult(r.value())).applicantId();
        r = deadLetter(record, TOO_LARGE_KIND, TOO_LARGE_CLASS, "the score of '" + applicant
            + "' is " + RecordLimits.sizeOf(r) + " bytes with the request's "
            + length(record.key()) + "-byte key, more than the " + limit + " bytes the output"
            + " topic " + config.outputTopic + " accepts (its max.message.bytes, or the"
            + " producer's max.request.size)", List.of(), 0, 0);
        scored--;
        deadLettered++;
      }
      out[i] = RecordLimits.sizeOf(r) <= limits.limit(r.topic()) ? r
          : truncated(r, limits.limit(r.topic()));
      truncated += out[i] == r ? 0 : 1;
    }
    return new ScoredBatch(Arrays.asList(out), scored, deadLettered, truncated, timestamps);
  }

  /** Parses a record value; an empty value is named as such rather than as a non-object. */
  private ScoringRequest read(byte[] value) {
    if (value != null && value.length == 0) {
      throw new InvalidRequestException(null, List.of(new Violation("$", Violation.Rule.MALFORMED,
          "the payload is empty (0 bytes); a request must be a JSON object")));
    }
    return reader.read(value);
  }

  /**
   * A dead letter cut to {@code limit} bytes: its agriscore headers, plus the original headers
   * and key if they fit, and as many first bytes of the value as fit; {@link
   * DeadLetterHeaders#TRUNCATED} and the original sizes and digests say what was cut.
   */
  private ProducerRecord<byte[], byte[]> truncated(ProducerRecord<byte[], byte[]> dl,
      int limit) {
    byte[] key = dl.key();
    byte[] value = dl.value();
    List<Header> headers = new ArrayList<>(Arrays.asList(dl.headers().toArray()));
    set(headers, DeadLetterHeaders.ORIGINAL_VALUE_BYTES, utf8(value == null ? "null"
        : Integer.toString(value.length)));
    if (value != null) {
      set(headers, DeadLetterHeaders.ORIGINAL_VALUE_SHA256, sha256(value));
    }
    set(headers, DeadLetterHeaders.ORIGINAL_KEY_BYTES, utf8(key == null ? "null"
        : Integer.toString(key.length)));
    if (key != null) {
      set(headers, DeadLetterHeaders.ORIGINAL_KEY_SHA256, sha256(key));
    }
    // Room for the longest TRUNCATED value, set last.
    set(headers, DeadLetterHeaders.TRUNCATED, utf8("headers,reasons,key,value"));
    List<String> cut = new ArrayList<>();
    int room = limit - RecordLimits.sizeOf(new ProducerRecord<>(dl.topic(), null, (byte[]) null,
        (byte[]) null, headers));
    if (room < 0) {
      List<Header> own = new ArrayList<>();
      int dropped = 0;
      for (Header h : headers) {
        if (h.key().startsWith(DeadLetterHeaders.PREFIX)) {
          own.add(h);
        } else {
          dropped++;
        }
      }
      if (dropped > 0) {
        set(own, DeadLetterHeaders.ORIGINAL_HEADERS, utf8(Integer.toString(dropped)));
        headers = own;
        cut.add("headers");
        room = limit - RecordLimits.sizeOf(new ProducerRecord<>(dl.topic(), null,
            (byte[]) null, (byte[]) null, headers));
      }
    }
    if (room < 0) {
      // The reasons themselves are too long (many long field names): keep the gist, so that
      // the dead letter always fits a topic that takes StartCheck.DEAD_LETTER_HEADROOM bytes.
      set(headers, DeadLetterHeaders.ERROR_MESSAGE, utf8(cap(header(dl,
          DeadLetterHeaders.ERROR_MESSAGE), 200)));
      // Dropped reasons are omitted ones: the count still adds up to the SDK's.
      long omitted = (long) reasonCount(header(dl, DeadLetterHeaders.ERROR_REASONS))
          + Long.parseLong(header(dl, DeadLetterHeaders.ERROR_OMITTED_VIOLATIONS));
      set(headers, DeadLetterHeaders.ERROR_OMITTED_VIOLATIONS, utf8(Long.toString(
          Math.min(Integer.MAX_VALUE, omitted))));
      set(headers, DeadLetterHeaders.ERROR_REASONS, utf8("[]"));
      cut.add("reasons");
      room = limit - RecordLimits.sizeOf(new ProducerRecord<>(dl.topic(), null, (byte[]) null,
          (byte[]) null, headers));
    }
    if (key != null && key.length > room) {
      key = null;
      cut.add("key");
    }
    room -= length(key);
    if (value != null && value.length > Math.max(0, room)) {
      value = Arrays.copyOf(value, Math.max(0, room));
      cut.add("value");
    }
    set(headers, DeadLetterHeaders.TRUNCATED, utf8(String.join(",", cut)));
    LOG.warn("the dead letter of {}-{}@{} is larger than the {} bytes {} accepts; written with"
        + " its {} cut (original value {} bytes)", header(dl, DeadLetterHeaders.SOURCE_TOPIC),
        header(dl, DeadLetterHeaders.SOURCE_PARTITION), header(dl,
            DeadLetterHeaders.SOURCE_OFFSET), limit, dl.topic(), String.join(", ", cut),
        dl.value() == null ? "null" : dl.value().length);
    return new ProducerRecord<>(dl.topic(), null, key, value, headers);
  }

  /** How many reasons a reasons header (a JSON array of objects the adapter wrote) lists. */
  private static int reasonCount(String reasons) {
    try (JsonParser p = REASONS.createParser(reasons)) {
      p.nextToken();
      int n = 0;
      while (p.nextToken() == JsonToken.START_OBJECT) {
        p.skipChildren();
        n++;
      }
      return n;
    } catch (IOException e) {
      throw new IllegalStateException("the adapter's own reasons header is not JSON: " + reasons,
          e);
    }
  }

  private static String header(ProducerRecord<byte[], byte[]> r, String name) {
    return DeadLetterHeaders.get(r.headers(), name);
  }

  private static byte[] sha256(byte[] data) {
    try {
      return utf8(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  private static int length(byte[] b) {
    return b == null ? 0 : b.length;
  }

  private static String cap(String text, int chars) {
    return text.length() <= chars ? text
        : text.substring(0, chars) + "... (" + text.length() + " chars)";
  }

  /** Scores {@code which} requests in one call; returns those that failed in the engine. */
  private List<Integer> scoreInto(List<ScoringRequest> requests, List<Integer> which,
      ScoringResult[] results, int[] attempts) {
    List<ScoringRequest> subset = new ArrayList<>(which.size());
    for (int i : which) {
      subset.add(requests.get(i));
      attempts[i]++;
    }
    List<ScoringResult> scored;
    try {
      scored = scorer.scoreAll(subset);
      if (scored.size() != subset.size()) {
        throw new EngineException("scoreAll returned " + scored.size() + " results for "
            + subset.size() + " requests");
      }
    } catch (RuntimeException e) {
      LOG.error("scoring a batch of {} requests failed", subset.size(), e);
      Instant now = Instant.now();
      scored = new ArrayList<>(subset.size());
      for (ScoringRequest r : subset) {
        // The scorer's own wording for an engine failure, so its dead letters read like its logs.
        scored.add(ScoringError.engineFailure(r.applicantId(), scorer.model().engine(), e,
            scorer.modelName(), scorer.modelVersion(), now));
      }
    }
    List<Integer> failing = new ArrayList<>();
    for (int k = 0; k < which.size(); k++) {
      ScoringResult r = scored.get(k);
      results[which.get(k)] = r;
      if (r instanceof ScoringError e && e.kind() == ScoringError.Kind.ENGINE_FAILURE) {
        failing.add(which.get(k));
      }
    }
    return failing;
  }

  /**
   * A dead letter of {@code record}: {@code violations} as its reasons (the first {@value
   * #MAX_REASONS}), the rest and {@code omittedViolations} (those the SDK already left out)
   * counted in {@link DeadLetterHeaders#ERROR_OMITTED_VIOLATIONS}.
   */
  private ProducerRecord<byte[], byte[]> deadLetter(ConsumerRecord<byte[], byte[]> record,
      String kind, String errorClass, String message,
      List<Violation> violations, int omittedViolations, int engineAttempts) {
    List<Header> headers = new ArrayList<>(Arrays.asList(record.headers().toArray()));
    for (String own : DeadLetterHeaders.CUT_HEADERS) {
      remove(headers, own);
    }
    set(headers, DeadLetterHeaders.ERROR_KIND, utf8(kind));
    set(headers, DeadLetterHeaders.ERROR_CLASS, utf8(errorClass));
    set(headers, DeadLetterHeaders.ERROR_MESSAGE, utf8(cap(message, MAX_MESSAGE_CHARS)));
    List<Violation> reasons = new ArrayList<>(Math.min(violations.size(), MAX_REASONS));
    for (Violation v : violations.subList(0, Math.min(violations.size(), MAX_REASONS))) {
      reasons.add(new Violation(cap(v.field(), MAX_REASON_CHARS), v.rule(),
          cap(v.message(), MAX_REASON_CHARS)));
    }
    set(headers, DeadLetterHeaders.ERROR_REASONS, ScoringJson.writeViolations(reasons));
    set(headers, DeadLetterHeaders.ERROR_OMITTED_VIOLATIONS, utf8(Long.toString(Math.min(
        Integer.MAX_VALUE, (long) omittedViolations + violations.size() - reasons.size()))));
    if (engineAttempts > 0) {
      set(headers, DeadLetterHeaders.ERROR_ATTEMPTS, utf8(Integer.toString(engineAttempts)));
    } else {
      remove(headers, DeadLetterHeaders.ERROR_ATTEMPTS);
    }
    set(headers, DeadLetterHeaders.SOURCE_TOPIC, utf8(record.topic()));
    set(headers, DeadLetterHeaders.SOURCE_PARTITION, utf8(Integer.toString(record.partition())));
    set(headers, DeadLetterHeaders.SOURCE_OFFSET, utf8(Long.toString(record.offset())));
    set(headers, DeadLetterHeaders.SOURCE_TIMESTAMP, utf8(Long.toString(record.timestamp())));
    set(headers, DeadLetterHeaders.MODEL_NAME, modelName);
    set(headers, DeadLetterHeaders.MODEL_VERSION, modelVersion);
    return new ProducerRecord<>(config.deadLetterTopic, null, record.key(), record.value(),
        headers);
  }

  /** Replaces a header, so a replayed dead letter does not carry two sets of reasons. */
  private static void set(List<Header> headers, String name, byte[] value) {
    remove(headers, name);
    headers.add(new OwnHeader(name, value));
  }

  private static void remove(List<Header> headers, String name) {
    headers.removeIf(h -> h.key().equals(name));
  }

  /** A header the adapter writes; the producer record copies it. */
  private record OwnHeader(String key, byte[] value) implements Header {}

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
