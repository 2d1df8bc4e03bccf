package pe.agriscore.kafka;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import pe.agriscore.engine.EngineException;
import pe.agriscore.json.ScoringJson;
import pe.agriscore.request.InvalidRequestException;
import pe.agriscore.request.ScoringRequest;
import pe.agriscore.request.Violation;
import pe.agriscore.scoring.CreditScore;
import pe.agriscore.scoring.CreditScorer;
import pe.agriscore.scoring.ScoringError;
import pe.agriscore.scoring.ScoringResult;

/**
 * Turns a polled batch into output and dead-letter records: parses every request, scores the
 * readable ones in one {@link CreditScorer#scoreAll} call, retries engine failures with bounded
 * exponential backoff, then scores each still-failing request alone so that one poison request
 * cannot fail its neighbours, and finally applies the {@link EngineFailurePolicy}. Runs on a
 * worker's scoring thread; never blocks a partition on a bad record.
 */
final class BatchScorer {

  private static final Logger LOG = LoggerFactory.getLogger(BatchScorer.class);
  private static final String INVALID_CLASS = InvalidRequestException.class.getName();
  private static final String ENGINE_CLASS = EngineException.class.getName();

  private final CreditScorer scorer;
  private final ServiceConfig config;
  private final ServiceMetrics metrics;
  private final byte[] modelName;
  private final byte[] modelVersion;

  BatchScorer(CreditScorer scorer, ServiceConfig config, ServiceMetrics metrics) {
    this.scorer = scorer;
    this.config = config;
    this.metrics = metrics;
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
        ScoringRequest request = ScoringJson.readRequest(record.value(), config.maxRequestBytes);
        recordOf[requests.size()] = i;
        requests.add(request);
      } catch (InvalidRequestException e) {
        out[i] = deadLetter(record, ScoringError.Kind.INVALID_REQUEST,
            INVALID_CLASS, e.getMessage(), e.violations(), 0);
        deadLettered++;
      } catch (RuntimeException e) {
        // A parser bug must not wedge the partition: the record goes aside with the exception.
        LOG.error("unexpected failure reading the request at {}-{}@{}", record.topic(),
            record.partition(), record.offset(), e);
        out[i] = deadLetter(record, ScoringError.Kind.INVALID_REQUEST,
            e.getClass().getName(), String.valueOf(e), List.of(), 0);
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
        out[recordOf[j]] = deadLetter(record, e.kind(), errorClass, e.message(), e.violations(),
            engine ? attempts[j] : 0);
        deadLettered++;
      }
    }
    return new ScoredBatch(Arrays.asList(out), scored, deadLettered, timestamps);
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
        scored.add(new ScoringError(r.applicantId(), ScoringError.Kind.ENGINE_FAILURE,
            "scoring failed: " + e, List.of(), scorer.modelName(), scorer.modelVersion(), now,
            e.getClass().getName()));
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

  private ProducerRecord<byte[], byte[]> deadLetter(ConsumerRecord<byte[], byte[]> record,
      ScoringError.Kind kind, String errorClass, String message,
      List<Violation> violations, int engineAttempts) {
    Headers headers = new RecordHeaders(record.headers().toArray());
    set(headers, DeadLetterHeaders.ERROR_KIND, utf8(kind.name()));
    set(headers, DeadLetterHeaders.ERROR_CLASS, utf8(errorClass));
    set(headers, DeadLetterHeaders.ERROR_MESSAGE, utf8(message));
    set(headers, DeadLetterHeaders.ERROR_REASONS, ScoringJson.writeViolations(violations));
    if (engineAttempts > 0) {
      set(headers, DeadLetterHeaders.ERROR_ATTEMPTS, utf8(Integer.toString(engineAttempts)));
    } else {
      headers.remove(DeadLetterHeaders.ERROR_ATTEMPTS);
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
  private static void set(Headers headers, String name, byte[] value) {
    headers.remove(name);
    headers.add(name, value);
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
